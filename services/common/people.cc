#include "services/common/people.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/consent.pb.h"
#include "api/contact_points.h"
#include "api/names.h"
#include "storage/core_tables.h"
#include "storage/scope.h"
#include "storage/volunteer_tables.h"

namespace allies::services {

absl::Status MergePerson(WriteContext& ctx, const storage::ResourceTable& table,
                         const storage::ResourceKey& source,
                         const google::protobuf::Message& source_person,
                         const storage::ResourceKey& target,
                         const google::protobuf::Message& target_person) {
  auto moved = storage::RepointReferences(ctx.session, table.Name(source), table.Name(target));
  if (!moved.ok()) return moved.status();
  for (const storage::Referrer& r : *moved) {
    if (!r.table->options().logged) continue;
    absl::Status ok = r.table->Touch(ctx.session, r.key, ctx.now);
    if (ok.ok()) ok = RecordChange(ctx, *r.table, "UPDATE", r.key, {r.field});
    if (!ok.ok()) return ok;
  }
  return storage::people::AdoptKnownValues(ctx.session, table, source, source_person, target,
                                           target_person);
}

absl::Status SaveChanged(WriteContext& ctx, const storage::ResourceTable& table,
                         storage::ResourceTable::Row& row, google::protobuf::Message& record,
                         absl::string_view verb, std::vector<std::string> fields) {
  const absl::Time when = NextTime(record);
  row.revision += 1;
  const auto* update_time = record.GetDescriptor()->FindFieldByName("update_time");
  api::ToTimestamp(when, static_cast<google::protobuf::Timestamp*>(
                             record.GetReflection()->MutableMessage(&record, update_time)));
  absl::Status ok = table.Update(ctx.session, row, record);
  if (ok.ok()) ok = RecordChange(ctx, table, verb, row.key, record, std::move(fields), when);
  return ok;
}

namespace {

// The person's consents, newest first (locked).
absl::StatusOr<std::vector<std::pair<storage::ResourceTable::Row, v1::Consent>>> ConsentsOf(
    storage::Session& s, const storage::ResourceKey& key, const std::string& name) {
  storage::ResourceListQuery query;
  query.parent.library_id = key.library_id;
  query.condition = {"t.subject = ?", {name}};
  query.window.limit = 1000;
  std::deque<v1::Consent> read;
  auto rows = storage::ConsentsTable().List(s, query, [&]() -> google::protobuf::Message* {
    read.emplace_back();
    return &read.back();
  });
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<storage::ResourceTable::Row, v1::Consent>> out;
  for (size_t i = 0; i < rows->size(); ++i) {
    storage::ResourceTable::Row row;
    v1::Consent consent;
    absl::Status ok =
        storage::ConsentsTable().Get(s, (*rows)[i].key, storage::Lock::kUpdate, &row, &consent);
    if (!ok.ok()) return ok;
    out.emplace_back(std::move(row), std::move(consent));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.second.given_time().seconds(), a.second.name()) >
           std::make_pair(b.second.given_time().seconds(), b.second.name());
  });
  return out;
}

bool Held(const v1::Consent& c) {
  return c.state() == v1::Consent::WITHDRAWN && !c.has_destroy_time() && c.retained_by().empty();
}

}  // namespace

absl::StatusOr<std::string> WriteDestructionAct(WriteContext& ctx, const std::string& library_id,
                                                v1::DestructionRecord act) {
  const storage::ResourceTable& acts = storage::DestructionsTable();
  storage::ResourceTable::Row row;
  row.key = storage::ResourceKey(library_id, api::GenerateResourceId());
  if (act.has_due_time()) {
    act.set_overdue(ctx.now > api::FromTimestamp(act.due_time()) + kDestructionGrace);
  }
  api::ToTimestamp(ctx.now, act.mutable_destroy_time());
  act.set_destroyed_by(ctx.call.principal().name);
  api::ToTimestamp(ctx.now, act.mutable_create_time());
  api::ToTimestamp(ctx.now, act.mutable_update_time());
  absl::Status ok = acts.Insert(ctx.session, row, act);
  if (ok.ok()) {
    ok = RecordChange(ctx, acts, "CREATE", row.key, act,
                      {"subject", "consent", "reason", "categories", "destroy_time"}, ctx.now);
  }
  if (!ok.ok()) return ok;
  return acts.Name(row.key);
}

absl::StatusOr<Destruction> DestroyPerson(WriteContext& ctx, const storage::ResourceTable& table,
                                          const storage::ResourceKey& key,
                                          google::protobuf::Message* person, int reason,
                                          const std::string& consent) {
  const std::string name = table.Name(key);
  auto known = storage::people::Known(ctx.session, table, key, *person);
  if (!known.ok()) return known.status();
  // In every library, whoever recorded it: erasure is complete or it is not erasure.
  auto rewritten = storage::people::EraseElsewhere(ctx.session, table, key, *known, ctx.now);
  if (!rewritten.ok()) return rewritten.status();
  v1::DestructionRecord act;
  for (const auto& r : *rewritten) {
    absl::Status ok = RecordChange(ctx, *r.row.table, "UPDATE", r.row.key, r.fields);
    if (!ok.ok()) return ok;
    act.add_rewritten(r.row.Name());
  }
  // The record stays, with its links, for statistics.
  Destruction out;
  out.fields = storage::people::ClearPersonalFields(table, person);

  // The act, under the consent the data was held by.
  auto consents = ConsentsOf(ctx.session, key, name);
  if (!consents.ok()) return consents.status();
  const v1::Consent* under = nullptr;
  for (const auto& [row, c] : *consents) {
    if (!consent.empty() ? c.name() == consent : Held(c)) {
      under = &c;
      break;
    }
  }
  if (under == nullptr && consent.empty() && !consents->empty()) under = &consents->front().second;
  act.set_subject(name);
  if (under != nullptr) {
    act.set_consent(under->name());
    if (under->has_destroy_due()) *act.mutable_due_time() = under->destroy_due();
  } else if (!consent.empty()) {
    act.set_consent(consent);
  }
  act.set_reason(static_cast<v1::DestructionRecord::Reason>(reason));
  for (const auto& f : out.fields) act.add_categories(f);
  auto recorded = WriteDestructionAct(ctx, key.library_id, std::move(act));
  if (!recorded.ok()) return recorded.status();
  out.record = *std::move(recorded);

  // Every consent the data was held under says so; one still in force ends with the data (an
  // erasure on request is the subject's demand to stop, 152-FZ art. 21).
  for (auto& [row, c] : *consents) {
    if (c.has_destroy_time()) continue;
    std::vector<std::string> fields = {"destroy_time", "destruction_record"};
    if (c.state() != v1::Consent::WITHDRAWN) {
      c.set_state(v1::Consent::WITHDRAWN);
      api::ToTimestamp(ctx.now, c.mutable_withdraw_time());
      api::ToTimestamp(ctx.now, c.mutable_destroy_due());
      fields.insert(fields.begin(), {"state", "withdraw_time", "destroy_due"});
    }
    api::ToTimestamp(ctx.now, c.mutable_destroy_time());
    c.set_destruction_record(out.record);
    absl::Status ok = SaveChanged(ctx, storage::ConsentsTable(), row, c, "DESTROY", fields);
    if (!ok.ok()) return ok;
  }
  return out;
}

absl::StatusOr<PersonExport> ExportPerson(storage::Session& s, const api::Principal& principal,
                                          const storage::ResourceTable& table,
                                          const storage::ResourceKey& key,
                                          const google::protobuf::Message& person) {
  PersonExport out;
  const std::string name = table.Name(key);
  // The caller sees what lies in the libraries it reaches.
  std::set<std::string> reached, refused;
  auto reaches = [&](const std::string& library) -> absl::StatusOr<bool> {
    if (reached.count(library)) return true;
    if (refused.count(library)) return false;
    absl::Status ok = storage::scope::Check(s, principal, library, name);
    if (ok.code() == absl::StatusCode::kPermissionDenied) {
      refused.insert(library);
      return false;
    }
    if (!ok.ok()) return ok;
    reached.insert(library);
    return true;
  };
  auto referrers = storage::ReferrersOf(s, name);
  if (!referrers.ok()) return referrers.status();
  std::set<std::string> seen;
  for (auto& r : *referrers) {
    auto visible = reaches(r.key.library_id);
    if (!visible.ok()) return visible.status();
    if (*visible && seen.insert(r.Name()).second) out.referrers.push_back(std::move(r));
  }
  auto entries = storage::people::LogEntriesAbout(s, name);
  if (!entries.ok()) return entries.status();
  std::vector<storage::ResourceKey> activities = *std::move(entries);
  for (const auto& r : out.referrers) {
    if (r.table == &storage::ActivitiesTable()) activities.push_back(r.key);
  }
  for (const auto& activity_key : activities) {
    storage::ResourceTable::Row row;
    v1::Activity activity;
    absl::Status read =
        storage::ActivitiesTable().Get(s, activity_key, storage::Lock::kNone, &row, &activity);
    if (!read.ok()) return read;
    out.activities.push_back(std::move(activity));
  }
  std::sort(out.activities.begin(), out.activities.end(),
            [](const v1::Activity& a, const v1::Activity& b) {
              return std::make_pair(a.create_time().seconds(), a.create_time().nanos()) <
                     std::make_pair(b.create_time().seconds(), b.create_time().nanos());
            });
  auto known = storage::people::Known(s, table, key, person);
  if (!known.ok()) return known.status();
  out.former_values = known->former;
  return out;
}

absl::Status ExportPersonData(
    storage::ConnectionPool& pool, const api::Call& call, const storage::ResourceTable& table,
    absl::string_view name, const std::string& person_field, google::protobuf::Message* response,
    const std::function<absl::Status(storage::Session&, const storage::Referrer&)>& each_referrer) {
  auto key = table.ParseName(name, "name");
  if (!key.ok()) return key.status();
  const auto* d = response->GetDescriptor();
  const auto* r = response->GetReflection();
  return storage::RunRead(
      pool,
      [&](storage::Session& s) -> absl::Status {
        absl::Status ok = storage::scope::Check(s, call.principal(), key->library_id, name);
        storage::ResourceTable::Row row;
        google::protobuf::Message* person =
            r->MutableMessage(response, d->FindFieldByName(person_field));
        if (ok.ok()) ok = table.Get(s, *key, storage::Lock::kNone, &row, person);
        if (!ok.ok()) return ok;
        auto held = ExportPerson(s, call.principal(), table, *key, *person);
        if (!held.ok()) return held.status();
        // Activities in any library may mention the person; the caller sees those it may see.
        for (const auto& referrer : held->referrers) {
          r->AddString(response, d->FindFieldByName("referenced_by"), referrer.Name());
          ok = each_referrer(s, referrer);
          if (!ok.ok()) return ok;
        }
        for (auto& a : held->activities) {
          r->AddMessage(response, d->FindFieldByName("activities"))->CopyFrom(a);
        }
        for (const auto& v : held->former_values) {
          r->AddString(response, d->FindFieldByName("former_values"), v);
        }
        return absl::OkStatus();
      },
      call.deadline());
}

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// At most this many people of one library are compared for duplicates.
constexpr int kMaxDuplicateScan = 20000;

// A field's value as text, for comparing (dates and other messages by their bytes).
std::string ValueText(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) return r->GetString(m, f);
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return r->HasField(m, f) ? r->GetMessage(m, f).SerializeAsString() : "";
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) return absl::StrCat(r->GetEnumValue(m, f));
  return "";
}

}  // namespace

bool IsErased(const Message& person) {
  const auto* f = person.GetDescriptor()->FindFieldByName("erase_time");
  return f != nullptr && person.GetReflection()->HasField(person, f);
}

absl::Status ErasedPerson(const storage::ResourceTable& table, const Message& person) {
  const std::string name =
      person.GetReflection()->GetString(person, person.GetDescriptor()->FindFieldByName("name"));
  std::string kind = table.collection_path();
  if (!kind.empty() && kind.back() == 's') kind.pop_back();
  return api::Error(absl::StatusCode::kFailedPrecondition,
                    absl::StrCat(absl::AsciiStrToUpper(kind), "_ERASED"),
                    absl::StrCat(name, " was erased"), {{"resource", name}});
}

std::vector<DuplicatePeople> GroupDuplicatePeople(const storage::ResourceTable& table,
                                                  const std::vector<const Message*>& people,
                                                  const std::string& qualifier) {
  const size_t n = people.size();
  std::vector<size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::vector<const FieldDescriptor*> names, points;
  std::vector<std::string> point_reasons;
  for (const storage::FieldColumn& fc : table.fields()) {
    if (!fc.person_field.empty()) continue;
    const FieldDescriptor* f = table.message()->FindFieldByName(fc.field);
    if (fc.personal == storage::Personal::kName && !f->is_repeated()) names.push_back(f);
    if (fc.personal == storage::Personal::kContactPoint) {
      points.push_back(f);
      std::string reason = fc.field;
      if (!reason.empty() && reason.back() == 's') reason.pop_back();
      point_reasons.push_back(reason);
    }
  }
  const FieldDescriptor* qualifier_field =
      qualifier.empty() ? nullptr : table.message()->FindFieldByName(qualifier);
  const std::string name_reason =
      qualifier.empty() ? "full_name" : absl::StrCat("full_name_", qualifier);
  // key -> the people that have it; the key's reason is its prefix.
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < n; ++i) {
    const Message& p = *people[i];
    if (IsErased(p)) continue;
    const auto* r = p.GetReflection();
    std::set<std::string> keys;
    for (size_t k = 0; k < points.size(); ++k) {
      const FieldDescriptor* f = points[k];
      if (f->is_repeated()) {
        for (int j = 0; j < r->FieldSize(p, f); ++j) {
          keys.insert(absl::StrCat(point_reasons[k], "\t", r->GetRepeatedString(p, f, j)));
        }
      } else if (!r->GetString(p, f).empty()) {
        keys.insert(absl::StrCat(point_reasons[k], "\t", r->GetString(p, f)));
      }
    }
    if (names.size() >= 2 && !r->GetString(p, names[0]).empty() &&
        !r->GetString(p, names[1]).empty()) {
      std::string full;
      for (const FieldDescriptor* f : names) absl::StrAppend(&full, r->GetString(p, f), " ");
      std::string key = absl::StrCat(name_reason, "\t", api::FoldName(full));
      if (qualifier_field != nullptr) absl::StrAppend(&key, "\t", ValueText(p, qualifier_field));
      keys.insert(std::move(key));
    }
    for (const auto& k : keys) by_key[k].push_back(i);
  }
  for (const auto& [key, members] : by_key) {
    for (size_t j = 1; j < members.size(); ++j) parent[find(members[j])] = find(members[0]);
  }
  std::map<size_t, std::set<std::string>> reasons;
  for (const auto& [key, members] : by_key) {
    if (members.size() < 2) continue;
    reasons[find(members[0])].insert(key.substr(0, key.find('\t')));
  }
  const FieldDescriptor* name_field = table.message()->FindFieldByName("name");
  std::map<size_t, std::vector<std::string>> groups;
  for (size_t i = 0; i < n; ++i) {
    if (reasons.count(find(i))) {
      groups[find(i)].push_back(people[i]->GetReflection()->GetString(*people[i], name_field));
    }
  }
  std::vector<DuplicatePeople> out;
  for (auto& [root, members] : groups) {
    std::sort(members.begin(), members.end());
    out.push_back({std::move(members), {reasons[root].begin(), reasons[root].end()}});
  }
  std::sort(out.begin(), out.end(), [](const DuplicatePeople& a, const DuplicatePeople& b) {
    return a.names[0] < b.names[0];
  });
  return out;
}

absl::StatusOr<std::vector<DuplicatePeople>> FindDuplicatePeople(
    storage::ConnectionPool& pool, const api::Call& call, const storage::ResourceTable& table,
    const std::string& parent, const std::string& qualifier) {
  auto library = api::ParseLibraryName(parent, "parent");
  if (!library.ok()) return library.status();
  std::vector<DuplicatePeople> out;
  absl::Status ok = storage::RunRead(
      pool,
      [&](storage::Session& s) -> absl::Status {
        absl::Status in_scope = storage::scope::Check(s, call.principal(), *library, parent);
        if (!in_scope.ok()) return in_scope;
        storage::ResourceListQuery query;
        query.parent.library_id = *library;
        query.window.limit = kMaxDuplicateScan;
        const Message* prototype =
            google::protobuf::MessageFactory::generated_factory()->GetPrototype(table.message());
        std::deque<std::unique_ptr<Message>> read;
        auto rows = table.List(s, query, [&]() -> Message* {
          read.emplace_back(prototype->New());
          return read.back().get();
        });
        if (!rows.ok()) return rows.status();
        std::vector<const Message*> people;
        for (const auto& m : read) people.push_back(m.get());
        out = GroupDuplicatePeople(table, people, qualifier);
        return absl::OkStatus();
      },
      call.deadline());
  if (!ok.ok()) return ok;
  return out;
}

void FillFromSource(WriteContext& ctx, const storage::ResourceTable& table,
                    const std::string& library_id, const std::vector<std::string>& fields,
                    const std::string& prefix, const Message& source, Message* merged) {
  const auto* r = merged->GetReflection();
  for (const std::string& field : fields) {
    const FieldDescriptor* f = merged->GetDescriptor()->FindFieldByName(field);
    const storage::FieldColumn* fc = table.Find(field);
    if (f->is_repeated()) {
      std::set<std::string> held;
      for (int i = 0; i < r->FieldSize(*merged, f); ++i) {
        held.insert(f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
                        ? r->GetRepeatedMessage(*merged, f, i).SerializeAsString()
                    : f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                        ? absl::StrCat(r->GetRepeatedEnumValue(*merged, f, i))
                        : r->GetRepeatedString(*merged, f, i));
      }
      for (int i = 0; i < r->FieldSize(source, f); ++i) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          const Message& value = r->GetRepeatedMessage(source, f, i);
          if (held.insert(value.SerializeAsString()).second) {
            r->AddMessage(merged, f)->CopyFrom(value);
          }
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          const int value = r->GetRepeatedEnumValue(source, f, i);
          if (held.insert(absl::StrCat(value)).second) r->AddEnumValue(merged, f, value);
        } else {
          const std::string value = r->GetRepeatedString(source, f, i);
          if (held.insert(value).second) r->AddString(merged, f, value);
        }
      }
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) continue;
    const bool empty = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                           ? r->GetEnumValue(*merged, f) == 0
                           : !r->HasField(*merged, f);
    const bool source_has = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                                ? r->GetEnumValue(source, f) != 0
                                : r->HasField(source, f);
    if (!empty || !source_has) continue;
    std::unique_ptr<Message> candidate(merged->New());
    candidate->CopyFrom(*merged);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      r->MutableMessage(candidate.get(), f)->CopyFrom(r->GetMessage(source, f));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      r->SetEnumValue(candidate.get(), f, r->GetEnumValue(source, f));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      r->SetString(candidate.get(), f, r->GetString(source, f));
    } else {
      continue;
    }
    // A reference is taken only where it is valid for the target.
    if (fc != nullptr && !fc->references.empty() &&
        !CheckReferences(ctx, table, library_id, *candidate, {field}, prefix).ok()) {
      continue;
    }
    merged->CopyFrom(*candidate);
  }
}

}  // namespace allies::services
