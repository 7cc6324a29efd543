#include "storage/people.h"

#include <google/protobuf/dynamic_message.h>

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "api/contact_points.h"
#include "api/fields.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "api/utf8.h"
#include "storage/core_tables.h"
#include "storage/idempotency.h"

namespace allies::storage::people {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Former values are stored with the kind of field they came from.
constexpr int kFormerName = 1;
constexpr int kFormerContactPoint = 2;

// The values of the person's own fields of `kind`.
std::vector<std::string> OwnValues(const ResourceTable& table, const Message& person,
                                   Personal kind) {
  std::vector<std::string> out;
  for (const FieldColumn& fc : table.fields()) {
    if (fc.personal != kind || !fc.person_field.empty()) continue;
    for (auto& v : api::StringValues(person, fc.field)) out.push_back(std::move(v));
  }
  return out;
}

// Keeps `values` of `kind` as former values of the person `key`, but those in `except` (what
// the person shows now).
absl::Status AddFormer(Session& session, const ResourceTable& table, const ResourceKey& key,
                       int kind, const std::vector<std::string>& values,
                       const std::vector<std::string>& except) {
  static const std::string kSql =
      "INSERT IGNORE INTO person_aliases (library_id, collection, owner_id, kind, value) "
      "VALUES (?, ?, ?, ?, ?)";
  return session.Run([&]() -> absl::Status {
    for (const auto& v : values) {
      if (std::find(except.begin(), except.end(), v) != except.end()) continue;
      session.Execute(kSql, key.library_id, table.collection_path(), key.OwnerId(),
                      static_cast<int64_t>(kind), api::TruncateChars(v, 500));
    }
    return absl::OkStatus();
  });
}

absl::Status ForgetFormer(Session& session, const ResourceTable& table, const ResourceKey& key) {
  static const std::string kSql =
      "DELETE FROM person_aliases WHERE library_id = ? AND collection = ? AND owner_id = ?";
  return session.Run([&]() -> absl::Status {
    session.Execute(kSql, key.library_id, table.collection_path(), key.OwnerId());
    return absl::OkStatus();
  });
}

std::unique_ptr<Message> NewMessage(const ResourceTable& table) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(table.message())->New());
}

}  // namespace

bool HoldsPeople(const ResourceTable& table) {
  for (const FieldColumn& fc : table.fields()) {
    if (fc.personal != Personal::kNone && fc.person_field.empty()) return true;
  }
  return false;
}

absl::StatusOr<KnownValues> Known(Session& session, const ResourceTable& table,
                                  const ResourceKey& key, const Message& person) {
  static const std::string kSql =
      "SELECT kind, value FROM person_aliases WHERE library_id = ? AND collection = ? AND "
      "owner_id = ? ORDER BY kind, value";
  KnownValues known;
  known.names = OwnValues(table, person, Personal::kName);
  known.contact_points = OwnValues(table, person, Personal::kContactPoint);
  absl::Status read = session.Run([&]() -> absl::Status {
    auto rs = session.Query(kSql, key.library_id, table.collection_path(), key.OwnerId());
    while (rs->next()) {
      const std::string value = GetString(*rs, 2);
      (rs->getInt(1) == kFormerName ? known.names : known.contact_points).push_back(value);
      known.former.push_back(value);
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return known;
}

absl::Status RememberFormer(Session& session, const ResourceTable& table, const ResourceKey& key,
                            const Message& before, const Message& after) {
  for (auto [kind, stored] : {std::pair<Personal, int>{Personal::kName, kFormerName},
                              {Personal::kContactPoint, kFormerContactPoint}}) {
    absl::Status ok = AddFormer(session, table, key, stored, OwnValues(table, before, kind),
                                OwnValues(table, after, kind));
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

absl::Status AdoptKnownValues(Session& session, const ResourceTable& table,
                              const ResourceKey& source, const Message& source_person,
                              const ResourceKey& target, const Message& target_person) {
  auto known = Known(session, table, source, source_person);
  if (!known.ok()) return known.status();
  for (auto [kind, values] :
       {std::pair<Personal, const std::vector<std::string>*>{Personal::kName, &known->names},
        {Personal::kContactPoint, &known->contact_points}}) {
    absl::Status ok = AddFormer(session, table, target,
                                kind == Personal::kName ? kFormerName : kFormerContactPoint,
                                *values, OwnValues(table, target_person, kind));
    if (!ok.ok()) return ok;
  }
  return ForgetFormer(session, table, source);
}

std::vector<std::string> ClearPersonalFields(const ResourceTable& table, Message* person) {
  std::vector<std::string> cleared;
  const auto* r = person->GetReflection();
  for (const FieldColumn& fc : table.fields()) {
    if (fc.personal == Personal::kNone || !fc.person_field.empty()) continue;
    const FieldDescriptor* f = person->GetDescriptor()->FindFieldByName(fc.field);
    if (f->is_repeated() ? r->FieldSize(*person, f) > 0 : r->HasField(*person, f)) {
      cleared.push_back(fc.field);
    }
    r->ClearField(person, f);
  }
  return cleared;
}

namespace {

bool Allowed(const MayKnow& may, const ResourceTable* table) {
  return table == nullptr || table->options().need_to_know == v1::PERMISSION_UNSPECIFIED ||
         may(table->options().need_to_know);
}

// The tables whose people a field may hold data of: the row's own (always), and for a field
// of another person the tables its reference may name.
std::vector<const ResourceTable*> OwnersOf(const ResourceTable& table, const FieldColumn& fc) {
  std::vector<const ResourceTable*> owners = {&table};
  if (fc.person_field.empty()) return owners;
  const FieldColumn* ref = table.Find(fc.person_field);
  if (ref == nullptr || ref->references.empty()) return owners;
  if (ref->references == "*") {
    for (const ResourceTable* t : Tables()) owners.push_back(t);
  } else {
    owners.push_back(TableOfCollection(ref->references));
  }
  return owners;
}

}  // namespace

void Withhold(const ResourceTable& table, const MayKnow& may, Message* row) {
  const auto* r = row->GetReflection();
  bool withheld = false;
  for (const FieldColumn& fc : table.fields()) {
    if (fc.personal == Personal::kNone) continue;
    bool visible = Allowed(may, &table);
    if (visible && !fc.person_field.empty()) {
      for (const std::string& of : api::StringValues(*row, fc.person_field)) {
        if (!of.empty()) visible = visible && Allowed(may, TableOfName(of));
      }
    }
    if (visible) continue;
    withheld = true;
    r->ClearField(row, row->GetDescriptor()->FindFieldByName(fc.field));
  }
  const auto* flag = row->GetDescriptor()->FindFieldByName("personal_data_withheld");
  if (withheld && flag != nullptr) r->SetBool(row, flag, true);
}

api::FilterSchema VisibleSchema(const ResourceTable& table, const MayKnow& may) {
  std::set<std::string> hidden;
  for (const FieldColumn& fc : table.fields()) {
    if (fc.personal == Personal::kNone) continue;
    for (const ResourceTable* owner : OwnersOf(table, fc)) {
      if (!Allowed(may, owner)) hidden.insert(fc.field);
    }
  }
  api::FilterSchema out;
  for (const api::FilterField& f : table.schema()) {
    if (!hidden.count(f.name)) out.push_back(f);
  }
  return out;
}

bool HasNeedToKnow(const ResourceTable& table) {
  for (const FieldColumn& fc : table.fields()) {
    if (fc.personal == Personal::kNone) continue;
    for (const ResourceTable* owner : OwnersOf(table, fc)) {
      if (owner != nullptr && owner->options().need_to_know != v1::PERMISSION_UNSPECIFIED) {
        return true;
      }
    }
  }
  return false;
}

absl::StatusOr<std::vector<Rewritten>> EraseElsewhere(Session& session, const ResourceTable& table,
                                                      const ResourceKey& key,
                                                      const KnownValues& known, absl::Time when) {
  const std::string name = table.Name(key);
  // Phones are also written without their "+".
  std::vector<std::string> values = known.contact_points;
  for (const auto& v : known.contact_points) {
    if (!v.empty() && v[0] == '+') values.push_back(v.substr(1));
  }
  auto referrers = ReferrersOf(session, name, Lock::kUpdate);
  if (!referrers.ok()) return referrers.status();
  // One rewrite per row, whatever the fields it refers through.
  std::vector<Rewritten> out;
  std::set<std::string> seen;
  for (const Referrer& referrer : *referrers) {
    if (!seen.insert(referrer.Name()).second) continue;
    const ResourceTable& t = *referrer.table;
    std::unique_ptr<Message> row_message = NewMessage(t);
    ResourceTable::Row row;
    absl::Status ok = t.Get(session, referrer.key, Lock::kUpdate, &row, row_message.get());
    if (!ok.ok()) return ok;
    std::vector<std::string> changed;
    const auto* r = row_message->GetReflection();
    for (const FieldColumn& fc : t.fields()) {
      const FieldDescriptor* f = row_message->GetDescriptor()->FindFieldByName(fc.field);
      // Personal data held here of this person: cleared.
      if (fc.personal != Personal::kNone && !fc.person_field.empty()) {
        const std::vector<std::string> of = api::StringValues(*row_message, fc.person_field);
        if (std::find(of.begin(), of.end(), name) != of.end() &&
            (f->is_repeated() ? r->FieldSize(*row_message, f) > 0 : r->HasField(*row_message, f))) {
          r->ClearField(row_message.get(), f);
          changed.push_back(fc.field);
        }
        continue;
      }
      // Free text about the people the row refers to: their values go.
      if (fc.free_text == 0 || f->is_repeated()) continue;
      const std::string text = r->GetString(*row_message, f);
      const std::string scrubbed = api::TruncateChars(
          api::ErasePersonalText(text, known.names, values, kErased), fc.free_text);
      if (scrubbed == text) continue;
      r->SetString(row_message.get(), f, scrubbed);
      changed.push_back(fc.field);
    }
    if (changed.empty()) continue;
    row.revision += 1;
    const FieldDescriptor* update_time =
        row_message->GetDescriptor()->FindFieldByName("update_time");
    if (update_time != nullptr) {
      auto* ts = static_cast<google::protobuf::Timestamp*>(
          r->MutableMessage(row_message.get(), update_time));
      api::ToTimestamp(std::max(when, api::FromTimestamp(*ts)), ts);
    }
    ok = t.Update(session, row, *row_message);
    if (!ok.ok()) return ok;
    out.push_back({referrer, std::move(changed)});
  }
  absl::Status ok = ForgetFormer(session, table, key);
  if (!ok.ok()) return ok;
  // Stored responses to earlier requests (replays) held the person as they were.
  auto forgotten = ForgetResponsesContaining(session, name);
  if (!forgotten.ok()) return forgotten.status();
  return out;
}

absl::StatusOr<std::vector<ResourceKey>> LogEntriesAbout(Session& session, absl::string_view name) {
  return ActivitiesTable().Holding(session, std::string(api::LibraryIdOf(name)), "resource", name,
                                   Lock::kNone);
}

}  // namespace allies::storage::people
