#include "storage/references.h"

#include <google/protobuf/message.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
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
  const ResourceTable* target = TableOfName(name);
  if (target == nullptr) return std::optional<Blocker>();
  for (const ResourceTable* table : Tables()) {
    for (const Holder& h : HoldersIn(*table, *target, name)) {
      const FieldColumn& fc = *h.field;
      if (fc.prevents_delete_sql.empty()) continue;
      // The first live holder for which the condition holds, in key order.
      ResourceListQuery query;
      if (h.library) query.parent.library_id = *h.library;
      absl::string_view stored = name;
      absl::ConsumePrefix(&stored, fc.id_prefix);
      query.condition = {absl::StrCat("t.", fc.column, " = ? AND (", fc.prevents_delete_sql, ")"),
                         {std::string(stored)}};
      query.window.limit = 1;
      std::unique_ptr<google::protobuf::Message> scratch(
          google::protobuf::MessageFactory::generated_factory()
              ->GetPrototype(table->message())
              ->New());
      auto rows = table->List(session, query, [&] { return scratch.get(); });
      if (!rows.ok()) return rows.status();
      if (!rows->empty()) {
        return std::optional<Blocker>(
            Blocker{{table, rows->front().key, fc.field}, fc.prevents_delete_reason});
      }
    }
  }
  return std::optional<Blocker>();
}

absl::StatusOr<std::vector<Referrer>> RepointReferences(Session& session, absl::string_view from,
                                                        absl::string_view to) {
  return Walk(from, [&](const ResourceTable& table, const Holder& h) {
    return table.Replace(session, h.library, h.field->field, from, to);
  });
}

}  // namespace allies::storage
