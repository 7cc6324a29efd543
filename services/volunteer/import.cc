// ImportVolunteers: a batch of rows in one transaction, validated row by row before the
// database, matched against the library's volunteers (and the batch's earlier rows) with a few
// set queries, and written with multi-row statements (ResourceTable::InsertMany,
// activities::RecordChanges): the shared machinery's checks, without a round trip per row.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/contact_points.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "services/common/people.h"
#include "services/volunteer/ledger.h"
#include "services/volunteer/volunteer_service.h"
#include "storage/activity_log.h"
#include "storage/volunteer_tables.h"

namespace allies::services {
namespace {

using v1::Consent;
using v1::ImportResult;
using v1::Volunteer;

constexpr int kMaxRows = 1000;
// Values per IN (...) list of the matching queries.
constexpr size_t kInChunk = 500;
constexpr int kMaxContactPoints = 10;

void Fail(ImportResult* result, const absl::Status& status) {
  result->set_outcome(ImportResult::FAILED);
  result->set_reason(api::ErrorReason(status));
  result->set_message(std::string(status.message()));
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    api::FieldViolations v;
    v.AddFrom(status, "");
    for (const auto& [field, description] : v.items()) {
      auto* e = result->add_errors();
      e->set_field(field);
      e->set_description(description);
    }
  }
}

std::string NameKey(const Volunteer& v) {
  if (v.family_name().empty() || v.given_name().empty() || !v.has_birth_date()) return "";
  return absl::StrCat(
      api::FoldName(absl::StrCat(v.family_name(), " ", v.given_name(), " ", v.patronymic())), "\t",
      api::FormatDate(v.birth_date()));
}

// Runs `sql_prefix` + "(?, ...)" over `values` in chunks; `each` gets every row.
absl::Status QueryIn(storage::Session& s, const std::string& sql_prefix,
                     const std::vector<storage::SqlValue>& leading,
                     const std::vector<std::string>& values,
                     const std::function<void(sql::ResultSet&)>& each) {
  return s.Run([&]() -> absl::Status {
    for (size_t start = 0; start < values.size(); start += kInChunk) {
      const size_t n = std::min(kInChunk, values.size() - start);
      std::vector<storage::SqlValue> args = leading;
      for (size_t i = start; i < start + n; ++i) args.emplace_back(values[i]);
      const std::string sql =
          absl::StrCat(sql_prefix, "(", absl::StrJoin(std::vector<std::string>(n, "?"), ", "), ")");
      auto rs = s.QueryValues(sql, args);
      while (rs->next()) each(*rs);
    }
    return absl::OkStatus();
  });
}

// Whether a field of an imported row carries a value.
bool Given(const google::protobuf::Message& m, const google::protobuf::FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  if (f->is_repeated()) return r->FieldSize(m, f) > 0;
  if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_ENUM) {
    return r->GetEnumValue(m, f) != 0;
  }
  if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) return false;
  return r->HasField(m, f);
}

// What stops a dry run's transaction: everything was checked, nothing is kept.
absl::Status DryRunDone() { return absl::CancelledError("allies: dry run, rolled back"); }

}  // namespace

absl::Status VolunteerService::UpdateFromRow(WriteContext& ctx, const storage::ResourceKey& key,
                                             const std::string& name, const Volunteer& row,
                                             const Consent& consent, ImportResult* result) {
  storage::ResourceTable::Row stored;
  Volunteer current;
  absl::Status ok = volunteers_.LoadLive(ctx.session, ctx.call, key, name, "", &stored, &current);
  if (ok.ok() && IsErased(current)) ok = ErasedPerson(volunteers_.table(), current);
  if (!ok.ok()) return ok;
  const Volunteer before = current;
  std::vector<std::string> scalars, lists;
  for (const std::string& field : volunteers_.rules().mutable_fields) {
    const auto* f = Volunteer::descriptor()->FindFieldByName(field);
    if (!Given(row, f)) continue;
    (f->is_repeated() ? lists : scalars).push_back(field);
  }
  api::CopyFields(row, scalars, &current);
  FillFromSource(ctx, volunteers_.table(), key.library_id, lists, "volunteer", row, &current);
  std::vector<std::string> changed =
      api::ChangedFields(before, current, volunteers_.rules().mutable_fields);
  for (const char* field : {"emails", "phones"}) {
    const auto* f = Volunteer::descriptor()->FindFieldByName(field);
    if (current.GetReflection()->FieldSize(current, f) > kMaxContactPoints) {
      return api::Error(absl::StatusCode::kFailedPrecondition, "MERGE_TOO_MANY_CONTACT_POINTS",
                        absl::StrCat(name, " would have more than ", kMaxContactPoints, " ", field),
                        {{"field", field}});
    }
  }
  if (!changed.empty()) {
    ok = CheckReferences(ctx, volunteers_.table(), key.library_id, current, changed, "volunteer");
    if (!ok.ok()) return ok;
  }
  // The row's consent, unless the volunteer already has one of that number.
  bool consent_added = false;
  auto consents = ActiveConsentsOf(ctx.session, name);
  if (!consents.ok()) return consents.status();
  bool held = false;
  for (const Consent& c : *consents)
    held = held || c.document_number() == consent.document_number();
  if (!held) {
    Consent given = consent;
    given.set_subject(name);
    Consent created;
    ok = consents_.CreateIn(ctx, storage::ResourceKey(key.library_id, ""), given, "", "consent",
                            &created);
    if (!ok.ok()) return ok;
    consent_added = true;
  }
  if (!changed.empty()) {
    ok = storage::people::RememberFormer(ctx.session, volunteers_.table(), key, before, current);
    if (ok.ok()) ok = volunteers_.Save(ctx.session, stored, current);
    if (ok.ok()) {
      ok = volunteers_.Record(ctx, "UPDATE", key, current, changed,
                              api::FromTimestamp(current.update_time()));
    }
    if (!ok.ok()) return ok;
  }
  result->set_outcome(changed.empty() && !consent_added ? ImportResult::UNCHANGED
                                                        : ImportResult::UPDATED);
  return absl::OkStatus();
}

absl::Status VolunteerService::Import(const api::Call& call,
                                      const v1::ImportVolunteersRequest& request,
                                      v1::ImportVolunteersResponse* out) {
  auto library = api::ParseLibraryName(request.parent(), "parent");
  if (!library.ok()) return library.status();
  if (request.rows_size() > kMaxRows) {
    return api::InvalidField(
        "rows", absl::StrCat("at most ", kMaxRows, " per request, got ", request.rows_size()));
  }
  if (!v1::ImportVolunteersRequest::OnMatch_IsValid(request.on_match())) {
    return api::InvalidField("on_match", "must be REPORT or UPDATE");
  }
  const bool update = request.on_match() == v1::ImportVolunteersRequest::UPDATE;
  const absl::Time now = storage::NowMicros();
  const storage::ResourceTable& table = volunteers_.table();

  // Each row checked on its own, before the database.
  struct Candidate {
    int index;
    Volunteer volunteer;
    Consent consent;
  };
  std::vector<ImportResult> results(request.rows_size());
  std::vector<Candidate> candidates;
  for (int i = 0; i < request.rows_size(); ++i) {
    const v1::ImportedVolunteer& row = request.rows(i);
    results[i].set_line(row.line());
    Consent consent = row.consent();
    if (consent.method() == Consent::METHOD_UNSPECIFIED) consent.set_method(Consent::PAPER);
    if (consent.purposes().empty()) consent.add_purposes(Consent::VOLUNTEER_WORK);
    if (consent.subject_name().empty()) {
      std::vector<std::string> parts;
      for (const std::string* p : {&row.volunteer().family_name(), &row.volunteer().given_name(),
                                   &row.volunteer().patronymic()}) {
        if (!p->empty()) parts.push_back(*p);
      }
      consent.set_subject_name(absl::StrJoin(parts, " "));
    }
    api::FieldViolations v;
    Candidate c{i, {}, {}};
    volunteers_.Prepare(call, now, row.volunteer(), "", "volunteer", &c.volunteer, v);
    // Given with the row, the consent keeps its own date.
    consents_.Prepare(call, now, consent, "", "consent", &c.consent, v);
    if (!consent.subject().empty()) v.Add("consent.subject", "must be empty: it is the volunteer");
    // (A PAPER consent's rules require its number already.)
    if (consent.document_number().empty() && consent.method() != Consent::PAPER) {
      v.Add("consent.document_number", "is required: the number of the signed paper consent");
    }
    if (!consent.has_given_time()) {
      v.Add("consent.given_time", "is required: the date the consent was signed");
    } else if (api::FromTimestamp(consent.given_time()) > now + absl::Minutes(5)) {
      v.Add("consent.given_time", "must not be in the future");
    }
    if (!v.empty()) {
      Fail(&results[i], v.ToStatus());
      continue;
    }
    absl::Status consented =
        CheckWorkConsent(c.consent, AgeOn(c.volunteer.birth_date(), now), "the volunteer");
    if (!consented.ok()) {
      Fail(&results[i], consented);
      continue;
    }
    candidates.push_back(std::move(c));
  }

  absl::Status ok = storage::RunInTransaction(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        // A retried transaction starts over from the checked rows.
        std::vector<ImportResult> attempt = results;
        WriteContext ctx{s, call, now, call.request_id(), /*creating=*/true};
        absl::Status in_scope =
            storage::scope::Check(s, call.principal(), *library, request.parent());
        if (!in_scope.ok()) return in_scope;
        absl::Status live = CheckParentLive(s, table, storage::ResourceKey(*library, ""),
                                            Volunteer(), /*creating=*/true);
        if (!live.ok()) return live;

        // Who the rows may be, in one query per kind of key.
        std::set<std::string> points, dates, dobro_ids;
        for (const Candidate& c : candidates) {
          points.insert(c.volunteer.emails().begin(), c.volunteer.emails().end());
          points.insert(c.volunteer.phones().begin(), c.volunteer.phones().end());
          dates.insert(api::FormatDate(c.volunteer.birth_date()));
          if (!c.volunteer.dobro_id().empty()) dobro_ids.insert(c.volunteer.dobro_id());
        }
        std::map<std::string, std::string> by_point, by_name, by_dobro;  // -> volunteer id
        absl::Status read = QueryIn(
            s,
            "SELECT v.owner_id, v.value FROM resource_values v JOIN volunteers t ON "
            "t.library_id = v.library_id AND t.id = v.owner_id WHERE v.library_id = ? AND "
            "v.collection = 'volunteers' AND v.field IN ('emails', 'phones') AND "
            "t.delete_time IS NULL AND t.erase_time IS NULL AND v.value IN ",
            {storage::SqlValue(*library)}, {points.begin(), points.end()}, [&](sql::ResultSet& rs) {
              by_point.emplace(storage::GetString(rs, 2), storage::GetString(rs, 1));
            });
        if (read.ok()) {
          read = QueryIn(
              s,
              "SELECT id, family_name, given_name, patronymic, DATE_FORMAT(birth_date, "
              "'%Y-%m-%d') FROM volunteers WHERE library_id = ? AND delete_time IS NULL AND "
              "erase_time IS NULL AND birth_date IN ",
              {storage::SqlValue(*library)}, {dates.begin(), dates.end()}, [&](sql::ResultSet& rs) {
                const std::string key =
                    absl::StrCat(api::FoldName(absl::StrCat(storage::GetString(rs, 2), " ",
                                                            storage::GetString(rs, 3), " ",
                                                            storage::GetString(rs, 4))),
                                 "\t", storage::GetString(rs, 5));
                by_name.emplace(key, storage::GetString(rs, 1));
              });
        }
        if (read.ok()) {
          read = QueryIn(
              s, "SELECT dobro_id, id FROM volunteers WHERE library_id = ? AND dobro_id IN ",
              {storage::SqlValue(*library)}, {dobro_ids.begin(), dobro_ids.end()},
              [&](sql::ResultSet& rs) {
                by_dobro.emplace(storage::GetString(rs, 1), storage::GetString(rs, 2));
              });
        }
        if (!read.ok()) return read;

        // Rows of this batch already taken: key -> the row's index.
        std::map<std::string, int> batch_point, batch_name, batch_dobro;
        std::vector<storage::ResourceTable::Row> volunteer_rows, consent_rows;
        std::vector<Volunteer> new_volunteers;
        std::vector<Consent> new_consents;
        new_volunteers.reserve(candidates.size());
        new_consents.reserve(candidates.size());
        std::vector<storage::Change> changes;
        for (Candidate& c : candidates) {
          ImportResult& result = attempt[c.index];
          const std::string name_key = NameKey(c.volunteer);
          std::vector<std::pair<std::string, std::string>> keys;  // (reason, key)
          for (const auto& e : c.volunteer.emails()) keys.emplace_back("email", e);
          for (const auto& p : c.volunteer.phones()) keys.emplace_back("phone", p);
          // An earlier row of this request.
          int earlier = -1;
          std::string why;
          for (const auto& [reason, key] : keys) {
            auto it = batch_point.find(key);
            if (it != batch_point.end()) {
              earlier = it->second;
              why = reason;
              break;
            }
          }
          if (earlier < 0 && !name_key.empty() && batch_name.count(name_key)) {
            earlier = batch_name[name_key];
            why = "full_name_birth_date";
          }
          if (earlier >= 0) {
            result.set_outcome(ImportResult::DUPLICATE);
            result.set_volunteer(attempt[earlier].volunteer());
            result.set_reason(absl::StrCat("line ", attempt[earlier].line()));
            result.set_message(absl::StrCat("the same person (", why, ") as line ",
                                            attempt[earlier].line(), " of this import"));
            continue;
          }
          // A volunteer of the library.
          std::string match;
          for (const auto& [reason, key] : keys) {
            auto it = by_point.find(key);
            if (it != by_point.end()) {
              match = it->second;
              why = reason;
              break;
            }
          }
          if (match.empty() && !name_key.empty() && by_name.count(name_key)) {
            match = by_name[name_key];
            why = "full_name_birth_date";
          }
          // Later rows for the same person are this row's duplicates, whatever becomes of it.
          auto remember = [&]() {
            for (const auto& [reason, key] : keys) batch_point.emplace(key, c.index);
            if (!name_key.empty()) batch_name.emplace(name_key, c.index);
          };
          if (!match.empty()) {
            const storage::ResourceKey key(*library, match);
            result.set_volunteer(table.Name(key));
            result.set_reason(why);
            remember();
            if (!update) {
              result.set_outcome(ImportResult::DUPLICATE);
              result.set_message(absl::StrCat("matches ", table.Name(key), " (", why, ")"));
              continue;
            }
            if (!c.volunteer.dobro_id().empty() && by_dobro.count(c.volunteer.dobro_id()) &&
                by_dobro[c.volunteer.dobro_id()] != match) {
              Fail(&result, api::Error(absl::StatusCode::kAlreadyExists, "VOLUNTEER_DOBRO_ID_TAKEN",
                                       absl::StrCat("dobro_id ", c.volunteer.dobro_id(),
                                                    " is another volunteer's")));
              continue;
            }
            absl::Status updated =
                UpdateFromRow(ctx, key, table.Name(key), c.volunteer, c.consent, &result);
            if (!updated.ok()) {
              // A row's own problem is reported; the database's fails the batch.
              if (updated.code() == absl::StatusCode::kUnavailable ||
                  updated.code() == absl::StatusCode::kInternal ||
                  updated.code() == absl::StatusCode::kAborted ||
                  updated.code() == absl::StatusCode::kDeadlineExceeded) {
                return updated;
              }
              Fail(&result, updated);
            }
            continue;
          }
          // A new volunteer.
          if (!c.volunteer.dobro_id().empty() && (by_dobro.count(c.volunteer.dobro_id()) ||
                                                  batch_dobro.count(c.volunteer.dobro_id()))) {
            Fail(&result,
                 api::Error(absl::StatusCode::kAlreadyExists, "VOLUNTEER_DOBRO_ID_TAKEN",
                            absl::StrCat(api::LibraryName(*library), " already has dobro_id ",
                                         c.volunteer.dobro_id())));
            continue;
          }
          if (!c.volunteer.guardian().empty()) {
            absl::Status refs =
                CheckReferences(ctx, table, *library, c.volunteer, {"guardian"}, "volunteer");
            if (!refs.ok()) {
              Fail(&result, refs);
              continue;
            }
          }
          storage::ResourceTable::Row vrow;
          vrow.key = storage::ResourceKey(*library, api::GenerateResourceId());
          const std::string name = table.Name(vrow.key);
          c.volunteer.set_name(name);
          c.consent.set_subject(name);
          storage::ResourceTable::Row crow;
          crow.key = storage::ResourceKey(*library, api::GenerateResourceId());
          c.consent.set_name(consents_.table().Name(crow.key));
          remember();
          if (!c.volunteer.dobro_id().empty()) batch_dobro.emplace(c.volunteer.dobro_id(), c.index);
          for (const auto& [verb, what] :
               {std::pair<const char*, const google::protobuf::Message*>{"CREATE", &c.volunteer},
                {"CREATE", &c.consent}}) {
            storage::Change change;
            change.library_id = *library;
            change.actor = call.principal().name;
            change.verb = verb;
            change.request_id = call.request_id();
            change.time = now;
            if (what == &c.volunteer) {
              change.resource = name;
              change.changed_fields =
                  api::ChangedFields(Volunteer(), c.volunteer, volunteers_.rules().mutable_fields);
            } else {
              change.resource = c.consent.name();
              change.changed_fields =
                  api::ChangedFields(Consent(), c.consent, consents_.rules().mutable_fields);
            }
            changes.push_back(std::move(change));
          }
          volunteer_rows.push_back(vrow);
          consent_rows.push_back(crow);
          new_volunteers.push_back(c.volunteer);
          new_consents.push_back(c.consent);
          result.set_outcome(ImportResult::CREATED);
          result.set_volunteer(name);
        }
        std::vector<const google::protobuf::Message*> vs, cs;
        for (const auto& v : new_volunteers) vs.push_back(&v);
        for (const auto& c : new_consents) cs.push_back(&c);
        absl::Status written = table.InsertMany(s, volunteer_rows, vs);
        if (written.ok()) written = consents_.table().InsertMany(s, consent_rows, cs);
        if (written.ok()) written = storage::activities::RecordChanges(s, changes);
        if (!written.ok()) return written;
        results = std::move(attempt);
        return request.dry_run() ? DryRunDone() : absl::OkStatus();
      },
      storage::Until(call.deadline()));
  if (!ok.ok() && !(request.dry_run() && ok == DryRunDone())) return ok;
  for (auto& r : results) {
    switch (r.outcome()) {
      case ImportResult::CREATED:
        out->set_created(out->created() + 1);
        break;
      case ImportResult::UPDATED:
        out->set_updated(out->updated() + 1);
        break;
      case ImportResult::UNCHANGED:
        out->set_unchanged(out->unchanged() + 1);
        break;
      case ImportResult::DUPLICATE:
        out->set_duplicates(out->duplicates() + 1);
        break;
      default:
        out->set_failed(out->failed() + 1);
        break;
    }
    *out->add_results() = std::move(r);
  }
  return absl::OkStatus();
}

}  // namespace allies::services
