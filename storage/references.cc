#include "storage/references.h"

#include "absl/strings/str_cat.h"
#include "api/names.h"

namespace allies::storage {
namespace {

// The fields of `table` that may hold a name of `target`'s resources, with where to look.
struct Holder {
  const FieldColumn* field;
  std::optional<std::string> library;  // nullopt: every library
};

std::vector<Holder> HoldersIn(const ResourceTable& table, const ResourceTable& target,
                              absl::string_view name) {
  std::vector<Holder> out;
  for (const FieldColumn& fc : table.fields()) {
    if (fc.references.empty()) continue;
    if (fc.references != "*" && fc.references != target.collection_path()) continue;
    Holder h{&fc, std::nullopt};
    if (fc.reach == Reach::kSameLibrary && !table.root()) {
      h.library = std::string(api::LibraryIdOf(name));
    }
    out.push_back(h);
  }
  return out;
}

// The rows `find(table, holder)` gives for every field of every table that may name `name`.
template <typename Find>
absl::StatusOr<std::vector<Referrer>> Walk(absl::string_view name, Find find) {
  std::vector<Referrer> out;
  const ResourceTable* target = TableOfName(name);
  if (target == nullptr) return out;
  for (const ResourceTable* table : Tables()) {
    for (const Holder& h : HoldersIn(*table, *target, name)) {
      absl::StatusOr<std::vector<ResourceKey>> keys = find(*table, h);
      if (!keys.ok()) return keys.status();
      for (auto& key : *keys) out.push_back({table, std::move(key), h.field->field});
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Referrer>> ReferrersOf(Session& session, absl::string_view name,
                                                  Lock lock) {
  return Walk(name, [&](const ResourceTable& table, const Holder& h) {
    return table.Holding(session, h.library, h.field->field, name, lock);
  });
}

absl::StatusOr<std::optional<Blocker>> DeleteBlocker(Session& session, absl::string_view name) {
  // The live holders, through fields that keep what they name, for which the condition holds.
  auto blockers = Walk(
      name,
      [&](const ResourceTable& table, const Holder& h) -> absl::StatusOr<std::vector<ResourceKey>> {
        if (h.field->prevents_delete_sql.empty()) return std::vector<ResourceKey>();
        return table.Holding(
            session, h.library, h.field->field, name, Lock::kNone,
            absl::StrCat("t.delete_time IS NULL AND (", h.field->prevents_delete_sql, ")"));
      });
  if (!blockers.ok()) return blockers.status();
  if (blockers->empty()) return std::optional<Blocker>();
  const Referrer& first = blockers->front();
  return std::optional<Blocker>(
      Blocker{first, first.table->Find(first.field)->prevents_delete_reason});
}

absl::StatusOr<std::vector<Referrer>> RepointReferences(Session& session, absl::string_view from,
                                                        absl::string_view to) {
  return Walk(from, [&](const ResourceTable& table, const Holder& h) {
    return table.Replace(session, h.library, h.field->field, from, to);
  });
}

}  // namespace allies::storage
