#include "storage/library_tree.h"

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/names.h"

namespace allies::storage::library_tree {

absl::StatusOr<std::optional<std::string>> AnyLiveChild(Session& session, absl::string_view id) {
  static const std::string kSql =
      "SELECT id FROM libraries WHERE parent_id = ? AND delete_time IS NULL ORDER BY id LIMIT 1";
  return session.Run([&]() -> absl::StatusOr<std::optional<std::string>> {
    auto rs = session.Query(kSql, id);
    if (!rs->next()) return std::optional<std::string>();
    return std::optional<std::string>(GetString(*rs, 1));
  });
}

absl::StatusOr<std::vector<std::string>> LiveDescendants(Session& session, absl::string_view id,
                                                         std::optional<absl::Time> deleted_at) {
  // The walk passes through rows that are live or were deleted at `deleted_at` (by the delete
  // in progress), so repeated rounds still reach what was created under them meanwhile.
  static const std::string kSql =
      "WITH RECURSIVE subtree (id, live) AS ("
      " SELECT id, delete_time IS NULL FROM libraries"
      " WHERE parent_id = ? AND (delete_time IS NULL OR delete_time = ?)"
      " UNION ALL"
      " SELECT l.id, l.delete_time IS NULL FROM libraries l JOIN subtree s ON l.parent_id = s.id"
      " WHERE l.delete_time IS NULL OR l.delete_time = ?"
      ") SELECT id FROM subtree WHERE live";
  return session.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    auto rs = session.Query(kSql, id, deleted_at, deleted_at);
    std::vector<std::string> ids;
    while (rs->next()) ids.push_back(GetString(*rs, 1));
    return ids;
  });
}

absl::StatusOr<std::vector<std::string>> LockAncestry(Session& session, absl::string_view id) {
  static const std::string kSql = "SELECT parent_id FROM libraries WHERE id = ? FOR UPDATE";
  constexpr size_t kMaxDepth = 1000;  // a corrupt (cyclic) tree must not loop forever
  return session.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> chain{std::string(id)};
    while (chain.size() < kMaxDepth) {
      auto rs = session.Query(kSql, chain.back());
      if (!rs->next() || rs->isNull(1)) break;
      chain.push_back(GetString(*rs, 1));
    }
    return chain;
  });
}

absl::Status MarkDeleted(Session& session, const std::vector<std::string>& ids, absl::Time when) {
  static const std::string kSql =
      "UPDATE libraries SET delete_time = ?, update_time = ?, revision = revision + 1 "
      "WHERE id = ? AND delete_time IS NULL";
  return session.Run([&]() -> absl::Status {
    for (const auto& id : ids) session.Execute(kSql, when, when, id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<SubtreeLibrary>> Subtree(Session& session, const std::string& root,
                                                    absl::Time not_deleted_before) {
  static const std::string kSql =
      "WITH RECURSIVE down (id, depth) AS ("
      " SELECT id, 0 FROM libraries WHERE id = ?"
      " UNION ALL"
      " SELECT l.id, d.depth + 1 FROM libraries l JOIN down d ON l.parent_id = d.id"
      " WHERE d.depth < 1000"
      ") SELECT l.id, COALESCE(l.parent_id, ''), l.display_name, l.time_zone, l.delete_time"
      " FROM down d JOIN libraries l ON l.id = d.id"
      " WHERE d.depth = 0 OR l.delete_time IS NULL OR l.delete_time >= ?"
      " ORDER BY d.depth, l.id";
  return session.Run([&]() -> absl::StatusOr<std::vector<SubtreeLibrary>> {
    auto rs = session.Query(kSql, root, not_deleted_before);
    std::vector<SubtreeLibrary> out;
    while (rs->next()) {
      SubtreeLibrary l;
      l.id = GetString(*rs, 1);
      l.parent_id = GetString(*rs, 2);
      l.display_name = GetString(*rs, 3);
      l.time_zone = GetString(*rs, 4);
      l.delete_time = GetOptionalTime(*rs, 5);
      out.push_back(std::move(l));
    }
    if (out.empty()) {
      const std::string name = api::LibraryName(root);
      return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                        absl::StrCat(name, " does not exist"), {{"resource", name}});
    }
    return out;
  });
}

}  // namespace allies::storage::library_tree
