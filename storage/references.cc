#include "storage/references.h"

#include <optional>

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

}  // namespace

absl::StatusOr<std::vector<Referrer>> ReferrersOf(Session& session, absl::string_view name,
                                                  Lock lock) {
  std::vector<Referrer> out;
  const ResourceTable* target = TableOfName(name);
  if (target == nullptr) return out;
  for (const ResourceTable* table : Tables()) {
    for (const Holder& h : HoldersIn(*table, *target, name)) {
      auto keys = table->Holding(session, h.library, h.field->field, name, lock);
      if (!keys.ok()) return keys.status();
      for (auto& key : *keys) out.push_back({table, std::move(key), h.field->field});
    }
  }
  return out;
}

absl::StatusOr<std::vector<Referrer>> RepointReferences(Session& session, absl::string_view from,
                                                        absl::string_view to) {
  std::vector<Referrer> out;
  const ResourceTable* target = TableOfName(from);
  if (target == nullptr) return out;
  for (const ResourceTable* table : Tables()) {
    for (const Holder& h : HoldersIn(*table, *target, from)) {
      auto keys = table->Replace(session, h.library, h.field->field, from, to);
      if (!keys.ok()) return keys.status();
      for (auto& key : *keys) out.push_back({table, std::move(key), h.field->field});
    }
  }
  return out;
}

}  // namespace allies::storage
