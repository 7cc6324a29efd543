#include "storage/scope.h"

#include "absl/strings/str_cat.h"

namespace allies::storage::scope {

absl::Status Check(Session& session, const api::Principal& principal, absl::string_view library_id,
                   absl::string_view resource) {
  if (principal.library_id.empty()) return absl::OkStatus();
  if (library_id == principal.library_id) return absl::OkStatus();
  // Walk up from the library: is the principal's library among its ancestors?
  static const std::string kSql =
      "WITH RECURSIVE up (id, parent_id, depth) AS ("
      " SELECT id, parent_id, 0 FROM libraries WHERE id = ?"
      " UNION ALL"
      " SELECT l.id, l.parent_id, up.depth + 1 FROM libraries l JOIN up ON l.id = up.parent_id"
      " WHERE up.depth < 1000"
      ") SELECT 1 FROM up WHERE id = ? LIMIT 1";
  auto reached = session.Run([&]() -> absl::StatusOr<bool> {
    return session.Query(kSql, library_id, principal.library_id)->next();
  });
  if (!reached.ok()) return reached.status();
  return *reached ? absl::OkStatus() : api::OutOfScope(resource);
}

absl::Status CheckNetwork(const api::Principal& principal, absl::string_view resource) {
  return principal.library_id.empty() ? absl::OkStatus() : api::OutOfScope(resource);
}

std::optional<std::string> Root(const api::Principal& principal) {
  if (principal.library_id.empty()) return std::nullopt;
  return principal.library_id;
}

ListWindow Window(const api::ListParams& list, const api::Principal& principal) {
  ListWindow window;
  window.filter = list.filter.get();
  window.order = list.order;
  window.after_key = list.after_key;
  window.limit = list.limit();
  window.within = Root(principal);
  return window;
}

SqlClause WithinSubtree(const std::string& column, const std::string& root) {
  return {absl::StrCat(column,
                       " IN (WITH RECURSIVE down (id) AS ("
                       " SELECT id FROM libraries WHERE id = ?"
                       " UNION ALL"
                       " SELECT l.id FROM libraries l JOIN down d ON l.parent_id = d.id"
                       ") SELECT id FROM down)"),
          {root}};
}

absl::StatusOr<SqlClause> ListStatement(const std::string& select,
                                        const std::vector<ColumnSpec>& columns,
                                        const std::vector<std::string>& key_columns,
                                        const std::string& library_column,
                                        std::vector<SqlClause> conditions,
                                        const ListWindow& window) {
  auto filter = CompileFilter(window.filter, columns);
  if (!filter.ok()) return filter.status();
  auto keyset = KeysetClause(window.order, columns, key_columns, window.after_key);
  if (!keyset.ok()) return keyset.status();
  if (window.within) conditions.push_back(WithinSubtree(library_column, *window.within));
  conditions.push_back(*std::move(filter));
  conditions.push_back(*std::move(keyset));
  SqlClause where = AllOf(std::move(conditions));
  SqlClause statement{select, std::move(where.params)};
  if (!where.sql.empty()) absl::StrAppend(&statement.sql, " WHERE ", where.sql);
  absl::StrAppend(&statement.sql, " ", OrderByClause(window.order, columns, key_columns),
                  " LIMIT ?");
  statement.params.emplace_back(std::in_place_type<int64_t>, window.limit);
  return statement;
}

}  // namespace allies::storage::scope
