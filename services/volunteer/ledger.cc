#include "services/volunteer/ledger.h"

#include <grpcpp/server_context.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "api/fields.h"
#include "api/log.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/people.h"
#include "storage/people.h"
#include "storage/transaction.h"
#include "storage/volunteer_tables.h"

namespace allies::services {
namespace {

using v1::Consent;

constexpr size_t kMaxName = 300;
constexpr size_t kMaxDocument = 500;
constexpr size_t kMaxNumber = 100;
constexpr size_t kMaxCategory = 200;
constexpr int kMaxCategories = 30;
constexpr int kMaxProcessors = 20;
// A consent's given time may run this far ahead of the server's clock (clients' clocks drift).
constexpr absl::Duration kClockSkew = absl::Minutes(5);

void CheckConsent(const Consent& c, const std::vector<std::string>& fields,
                  api::FieldViolations& v) {
  if (api::HasPath(fields, "subject_name")) {
    api::CheckText(v, "consent.subject_name", c.subject_name(), kMaxName, true);
  }
  if (api::HasPath(fields, "representative_name")) {
    api::CheckText(v, "consent.representative_name", c.representative_name(), kMaxName, false);
  }
  if (api::HasPath(fields, "representative_document")) {
    api::CheckText(v, "consent.representative_document", c.representative_document(), kMaxDocument,
                   false);
  }
  if (api::HasPath(fields, "representative_relation") &&
      !Consent::Relation_IsValid(c.representative_relation())) {
    v.Add("consent.representative_relation",
          "must be PARENT, ADOPTIVE_PARENT, GUARDIAN, TRUSTEE or OTHER_REPRESENTATIVE");
  }
  if (api::HasPath(fields, "purposes")) {
    if (c.purposes_size() == 0) {
      v.Add("consent.purposes",
            "name at least one: VOLUNTEER_WORK, COMMUNICATION, PUBLICATION, TRANSFER_TO_DOBRO");
    }
    std::set<int> seen;
    for (int i = 0; i < c.purposes_size(); ++i) {
      const std::string path = absl::StrCat("consent.purposes[", i, "]");
      if (c.purposes(i) == Consent::PURPOSE_UNSPECIFIED ||
          !Consent::Purpose_IsValid(c.purposes(i))) {
        v.Add(path, "must be VOLUNTEER_WORK, COMMUNICATION, PUBLICATION or TRANSFER_TO_DOBRO");
      } else if (!seen.insert(c.purposes(i)).second) {
        v.Add(path, absl::StrCat(Consent::Purpose_Name(c.purposes(i)), " is listed twice"));
      }
    }
  }
  if (api::HasPath(fields, "data_categories")) {
    if (c.data_categories_size() == 0) {
      v.Add("consent.data_categories",
            "name at least one category of data it covers (\"ФИО\", \"дата рождения\", ...)");
    }
    api::CheckValues(v, "consent.data_categories", c.data_categories(), kMaxCategories,
                     [](api::FieldViolations& v, absl::string_view path, absl::string_view value) {
                       api::CheckText(v, path, value, kMaxCategory, true);
                     });
  }
  if (api::HasPath(fields, "processors")) {
    api::CheckValues(v, "consent.processors", c.processors(), kMaxProcessors,
                     [](api::FieldViolations& v, absl::string_view path, absl::string_view value) {
                       api::CheckText(v, path, value, kMaxName, true);
                     });
  }
  if (api::HasPath(fields, "given_time") && c.has_given_time()) {
    absl::Status ok = api::CheckTimestamp(c.given_time(), "consent.given_time");
    if (!ok.ok()) v.AddFrom(ok, "consent.given_time");
  }
  if (api::HasPath(fields, "valid_until") && c.has_valid_until()) {
    auto date = api::FromProtoDate(c.valid_until(), "consent.valid_until");
    if (!date.ok()) v.AddFrom(date.status(), "consent.valid_until");
  }
  if (api::HasPath(fields, "method")) {
    if (c.method() == Consent::METHOD_UNSPECIFIED || !Consent::Method_IsValid(c.method())) {
      v.Add("consent.method", "is required: PAPER or ELECTRONIC");
    }
  }
  if (api::HasPath(fields, "document_number")) {
    api::CheckText(v, "consent.document_number", c.document_number(), kMaxNumber, false);
  }
}

void CheckConsentRecord(const Consent& c, const std::vector<std::string>& known,
                        api::FieldViolations& v) {
  if (api::HasPath(known, "method") && api::HasPath(known, "document_number") &&
      c.method() == Consent::PAPER && c.document_number().empty()) {
    v.Add("consent.document_number", "is required for a consent signed on PAPER");
  }
  if (api::HasPath(known, "representative_name") &&
      api::HasPath(known, "representative_relation") &&
      api::HasPath(known, "representative_document")) {
    const bool named = !c.representative_name().empty();
    if (named && c.representative_relation() == Consent::RELATION_UNSPECIFIED) {
      v.Add("consent.representative_relation",
            "is required with a representative (PARENT, GUARDIAN, ...)");
    }
    if (named && c.representative_document().empty()) {
      v.Add("consent.representative_document",
            "is required with a representative: the document of their authority");
    }
    if (!named && (c.representative_relation() != Consent::RELATION_UNSPECIFIED ||
                   !c.representative_document().empty())) {
      v.Add("consent.representative_name", "is required when a representative is described");
    }
  }
  if (api::HasPath(known, "given_time") && api::HasPath(known, "valid_until") &&
      c.has_given_time() && c.has_valid_until()) {
    const std::string given =
        absl::FormatTime("%Y-%m-%d", api::FromTimestamp(c.given_time()), absl::UTCTimeZone());
    if (api::FormatDate(c.valid_until()) < given) {
      v.Add("consent.valid_until", absl::StrCat("must not be before the day it was given (", given,
                                                "), got ", api::FormatDate(c.valid_until())));
    }
  }
}

// The volunteer a consent is about, when it is about one (nullopt otherwise).
absl::StatusOr<std::optional<std::pair<storage::ResourceTable::Row, v1::Volunteer>>>
SubjectVolunteer(storage::Session& s, const std::string& subject, storage::Lock lock) {
  const storage::ResourceTable& volunteers = storage::VolunteersTable();
  if (subject.empty() || storage::TableOfName(subject) != &volunteers) return std::nullopt;
  auto key = volunteers.ParseName(subject, "subject");
  if (!key.ok()) return key.status();
  storage::ResourceTable::Row row;
  v1::Volunteer volunteer;
  absl::Status ok = volunteers.Get(s, *key, lock, &row, &volunteer);
  if (!ok.ok()) return ok;
  return std::make_optional(std::make_pair(std::move(row), std::move(volunteer)));
}

}  // namespace

int AgeOn(const google::type::Date& birth, absl::Time on) {
  return AgeOn(birth, absl::ToCivilDay(on, absl::UTCTimeZone()));
}

int AgeOn(const google::type::Date& birth, absl::CivilDay day) {
  int age = static_cast<int>(day.year()) - birth.year();
  if (day.month() < birth.month() || (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

bool Covers(const Consent& consent, Consent::Purpose purpose) {
  return std::find(consent.purposes().begin(), consent.purposes().end(), purpose) !=
         consent.purposes().end();
}

ResourceRules<Consent> ConsentRules() {
  ResourceRules<Consent> rules;
  rules.table = &storage::ConsentsTable();
  rules.field = "consent";
  rules.mutable_fields = {"subject",
                          "subject_name",
                          "representative_name",
                          "representative_relation",
                          "representative_document",
                          "representative_contact",
                          "purposes",
                          "data_categories",
                          "processors",
                          "given_time",
                          "valid_until",
                          "method",
                          "document_number"};
  rules.normalize = [](Consent& c) {
    c.set_subject_name(std::string(absl::StripAsciiWhitespace(c.subject_name())));
    c.set_representative_name(std::string(absl::StripAsciiWhitespace(c.representative_name())));
    c.set_document_number(std::string(absl::StripAsciiWhitespace(c.document_number())));
  };
  rules.defaults = [](const api::Call&, absl::Time now, Consent& c) {
    c.set_state(Consent::ACTIVE);
    if (!c.has_given_time()) api::ToTimestamp(now, c.mutable_given_time());
  };
  rules.check = CheckConsent;
  rules.check_record = CheckConsentRecord;
  rules.check_write = [](WriteContext& ctx, const storage::ResourceKey&, const Consent& c,
                         const std::vector<std::string>&) -> absl::Status {
    if (api::FromTimestamp(c.given_time()) > ctx.now + kClockSkew) {
      return api::InvalidField("consent.given_time", "must not be in the future");
    }
    if (c.has_valid_until() && api::FormatDate(c.valid_until()) <
                                   absl::FormatTime("%Y-%m-%d", ctx.now, absl::UTCTimeZone())) {
      return api::InvalidField("consent.valid_until",
                               "has passed: an expired consent covers nothing");
    }
    if (c.subject().empty()) return absl::OkStatus();
    const storage::ResourceTable* subject = storage::TableOfName(c.subject());
    if (subject == nullptr || !storage::people::HoldsPeople(*subject)) {
      return api::InvalidField("consent.subject",
                               absl::StrCat("must name a person (a volunteer or a contact), got ",
                                            api::Quote(c.subject())));
    }
    // A minor's consent is given by a representative (152-FZ art. 9 part 6; ГК ст. 26, 28).
    auto volunteer = SubjectVolunteer(ctx.session, c.subject(), storage::Lock::kShare);
    if (!volunteer.ok()) return volunteer.status();
    if (*volunteer && (*volunteer)->second.has_birth_date()) {
      const int age = AgeOn((*volunteer)->second.birth_date(), ctx.now);
      if (age < 18 && c.representative_name().empty()) {
        return api::Error(absl::StatusCode::kFailedPrecondition, "CONSENT_NEEDS_REPRESENTATIVE",
                          absl::StrCat(c.subject(), " is ", age,
                                       ": under 18, the consent is given by a parent or guardian "
                                       "(representative_name, relation, document)"),
                          {{"subject", c.subject()}, {"age", absl::StrCat(age)}});
      }
    }
    return absl::OkStatus();
  };
  // A new consent covering the work or communication lets the volunteer be contacted again.
  rules.after_write = [](WriteContext& ctx, const storage::ResourceKey&, const Consent* before,
                         const Consent& after) -> absl::Status {
    if (before != nullptr || after.subject().empty()) return absl::OkStatus();
    if (!Covers(after, Consent::VOLUNTEER_WORK) && !Covers(after, Consent::COMMUNICATION)) {
      return absl::OkStatus();
    }
    auto volunteer = SubjectVolunteer(ctx.session, after.subject(), storage::Lock::kUpdate);
    if (!volunteer.ok()) return volunteer.status();
    if (!*volunteer || !(*volunteer)->second.do_not_contact()) return absl::OkStatus();
    (*volunteer)->second.set_do_not_contact(false);
    return SaveChanged(ctx, storage::VolunteersTable(), (*volunteer)->first, (*volunteer)->second,
                       "UPDATE", {"do_not_contact"});
  };
  return rules;
}

ResourceRules<v1::DestructionRecord> DestructionRules() {
  ResourceRules<v1::DestructionRecord> rules;
  rules.table = &storage::DestructionsTable();
  rules.field = "destruction_record";
  return rules;
}

absl::StatusOr<std::vector<Consent>> ActiveConsentsOf(storage::Session& s,
                                                      const std::string& subject,
                                                      const std::string& except) {
  storage::ResourceListQuery query;
  query.parent.library_id = std::string(api::LibraryIdOf(subject));
  query.condition = {absl::StrCat("t.subject = ? AND ", storage::kConsentStateSql, " = 1"),
                     {subject}};
  query.window.limit = 1000;
  std::deque<Consent> read;
  auto rows = storage::ConsentsTable().List(s, query, [&]() -> google::protobuf::Message* {
    read.emplace_back();
    return &read.back();
  });
  if (!rows.ok()) return rows.status();
  std::vector<Consent> out;
  for (size_t i = 0; i < rows->size(); ++i) {
    if (read[i].name() != except) out.push_back(std::move(read[i]));
  }
  return out;
}

absl::Status CheckWorkConsent(const Consent& consent, int age, const std::string& volunteer) {
  if (!Covers(consent, Consent::VOLUNTEER_WORK)) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "CONSENT_PURPOSE",
                      absl::StrCat(consent.name().empty() ? "the consent" : consent.name(),
                                   " does not cover VOLUNTEER_WORK"),
                      {{"consent", consent.name()}});
  }
  if (age < 18 && consent.representative_name().empty()) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "CONSENT_NEEDS_REPRESENTATIVE",
                      absl::StrCat(volunteer.empty() ? "the volunteer" : volunteer, " is ", age,
                                   ": under 18, the consent is given by a parent or guardian "
                                   "(representative_name, relation, document)"),
                      {{"consent", consent.name()}, {"age", absl::StrCat(age)}});
  }
  return absl::OkStatus();
}

absl::Status CheckVolunteerConsented(storage::Session& s, const v1::Volunteer& volunteer,
                                     absl::Time now) {
  return CheckVolunteerConsented(s, volunteer, absl::ToCivilDay(now, absl::UTCTimeZone()));
}

absl::Status CheckVolunteerConsented(storage::Session& s, const v1::Volunteer& volunteer,
                                     absl::CivilDay on) {
  auto consents = ActiveConsentsOf(s, volunteer.name());
  if (!consents.ok()) return consents.status();
  const int age = AgeOn(volunteer.birth_date(), on);
  absl::Status last =
      api::Error(absl::StatusCode::kFailedPrecondition, "CONSENT_REQUIRED",
                 absl::StrCat(volunteer.name(),
                              " has no consent in force covering VOLUNTEER_WORK: record one first"),
                 {{"resource", volunteer.name()}});
  for (const Consent& c : *consents) {
    if (c.has_valid_until() && absl::CivilDay(c.valid_until().year(), c.valid_until().month(),
                                              c.valid_until().day()) < on) {
      last = api::Error(
          absl::StatusCode::kFailedPrecondition, "CONSENT_REQUIRED",
          absl::StrCat(c.name(), " of ", volunteer.name(), " is valid until ",
                       api::FormatDate(c.valid_until()), ", before ", absl::FormatCivilTime(on)),
          {{"resource", volunteer.name()}, {"consent", c.name()}});
      continue;
    }
    absl::Status ok = CheckWorkConsent(c, age, volunteer.name());
    if (ok.ok()) return ok;
    if (api::ErrorReason(ok) == "CONSENT_NEEDS_REPRESENTATIVE") last = ok;
  }
  return last;
}

bool AllowContact(const std::vector<Consent>& in_force) {
  for (const Consent& c : in_force) {
    if (Covers(c, Consent::VOLUNTEER_WORK) || Covers(c, Consent::COMMUNICATION)) return true;
  }
  return false;
}

absl::Status AfterWithdrawal(WriteContext& ctx, const Consent& consent) {
  auto volunteer = SubjectVolunteer(ctx.session, consent.subject(), storage::Lock::kUpdate);
  if (!volunteer.ok()) return volunteer.status();
  if (!*volunteer) return absl::OkStatus();
  auto& [row, v] = **volunteer;
  auto remaining = ActiveConsentsOf(ctx.session, consent.subject(), consent.name());
  if (!remaining.ok()) return remaining.status();
  bool work = false;
  for (const Consent& c : *remaining) work = work || Covers(c, Consent::VOLUNTEER_WORK);
  const bool contact = AllowContact(*remaining);
  std::vector<std::string> changed;
  if (!work && v.state() != v1::Volunteer::INACTIVE) {
    v.set_state(v1::Volunteer::INACTIVE);
    v.set_state_reason(absl::StrCat("consent withdrawn: ", consent.name()));
    changed = {"state", "state_reason"};
  }
  if (!contact && !v.do_not_contact()) {
    v.set_do_not_contact(true);
    changed.push_back("do_not_contact");
  }
  if (changed.empty()) return absl::OkStatus();
  return SaveChanged(ctx, storage::VolunteersTable(), row, v, "WITHDRAW_CONSENT", changed);
}

namespace {

// Settles one due consent (locked anew: another server may have settled it). True when it did.
absl::StatusOr<bool> Settle(storage::Session& s, const api::Call& call,
                            const storage::ResourceKey& key, absl::Time now) {
  const storage::ResourceTable& consents = storage::ConsentsTable();
  storage::ResourceTable::Row row;
  Consent consent;
  absl::Status ok = consents.Get(s, key, storage::Lock::kUpdate, &row, &consent);
  if (!ok.ok()) return ok;
  if (consent.state() != Consent::WITHDRAWN || consent.has_destroy_time() ||
      !consent.retained_by().empty() || api::FromTimestamp(consent.destroy_due()) > now) {
    return false;
  }
  WriteContext ctx{s, call, now, call.request_id()};
  if (!consent.subject().empty()) {
    // Another consent in force keeps the data (its own purposes say what for).
    auto others = ActiveConsentsOf(s, consent.subject(), consent.name());
    if (!others.ok()) return others.status();
    if (!others->empty()) {
      consent.set_retained_by(others->front().name());
      ok = SaveChanged(ctx, consents, row, consent, "RETAIN", {"retained_by"});
      if (!ok.ok()) return ok;
      return true;
    }
    const storage::ResourceTable* table = storage::TableOfName(consent.subject());
    auto subject_key = table != nullptr
                           ? table->ParseName(consent.subject(), "subject")
                           : absl::StatusOr<storage::ResourceKey>(absl::NotFoundError("no table"));
    if (subject_key.ok()) {
      const google::protobuf::Message* prototype =
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(table->message());
      std::unique_ptr<google::protobuf::Message> person(prototype->New());
      storage::ResourceTable::Row person_row;
      ok = table->Get(s, *subject_key, storage::Lock::kUpdate, &person_row, person.get());
      if (!ok.ok() && ok.code() != absl::StatusCode::kNotFound) return ok;
      if (ok.ok() && !IsErased(*person)) {
        auto destroyed = DestroyPerson(ctx, *table, *subject_key, person.get(),
                                       v1::DestructionRecord::CONSENT_WITHDRAWN, consent.name());
        if (!destroyed.ok()) return destroyed.status();
        const auto* erase_time = person->GetDescriptor()->FindFieldByName("erase_time");
        if (erase_time != nullptr) {
          api::ToTimestamp(ctx.now,
                           static_cast<google::protobuf::Timestamp*>(
                               person->GetReflection()->MutableMessage(person.get(), erase_time)));
          destroyed->fields.push_back("erase_time");
        }
        ok = SaveChanged(ctx, *table, person_row, *person, "ERASE", destroyed->fields);
        if (!ok.ok()) return ok;
        api::LogJson("info", "destroyed personal data",
                     {{"subject", consent.subject()},
                      {"consent", consent.name()},
                      {"record", destroyed->record}});
        return true;
      }
    }
  }
  // No person's record holds the data (none was linked, or it was erased before): the consent's
  // own copy of it goes, with its act.
  v1::DestructionRecord act;
  act.set_subject(consent.subject());
  act.set_consent(consent.name());
  act.set_reason(v1::DestructionRecord::CONSENT_WITHDRAWN);
  *act.mutable_due_time() = consent.destroy_due();
  std::vector<std::string> cleared;
  for (const storage::FieldColumn& fc : consents.fields()) {
    if (fc.personal == storage::Personal::kNone) continue;
    const auto* f = Consent::descriptor()->FindFieldByName(fc.field);
    if (!consent.GetReflection()->HasField(consent, f)) continue;
    cleared.push_back(fc.field);
    act.add_categories(fc.field);
    consent.GetReflection()->ClearField(&consent, f);
  }
  auto recorded = WriteDestructionAct(ctx, key.library_id, std::move(act));
  if (!recorded.ok()) return recorded.status();
  api::ToTimestamp(now, consent.mutable_destroy_time());
  consent.set_destruction_record(*recorded);
  cleared.push_back("destroy_time");
  cleared.push_back("destruction_record");
  ok = SaveChanged(ctx, consents, row, consent, "DESTROY", cleared);
  if (!ok.ok()) return ok;
  return true;
}

}  // namespace

absl::StatusOr<int64_t> DestroyDuePersonalData(storage::ConnectionPool& pool, absl::Time now,
                                               int limit) {
  const SystemCall system("DestroyDuePersonalData", now);
  const api::Call& call = system.call();
  std::vector<storage::ResourceKey> due;
  absl::Status ok = storage::RunRead(
      pool,
      [&](storage::Session& s) -> absl::Status {
        return s.Run([&]() -> absl::Status {
          auto rs = s.Query(
              "SELECT library_id, id FROM consents WHERE state = 2 AND destroy_time IS NULL "
              "AND retained_by = '' AND destroy_due <= ? ORDER BY destroy_due LIMIT ?",
              now, limit);
          due.clear();
          while (rs->next()) {
            due.emplace_back(storage::GetString(*rs, 1), storage::GetString(*rs, 2));
          }
          return absl::OkStatus();
        });
      },
      absl::InfiniteFuture());
  if (!ok.ok()) return ok;
  int64_t settled = 0;
  for (const auto& key : due) {
    bool done = false;
    ok = storage::RunInTransaction(
        pool,
        [&](storage::Session& s) -> absl::Status {
          auto result = Settle(s, call, key, now);
          if (!result.ok()) return result.status();
          done = *result;
          return absl::OkStatus();
        },
        storage::Until(absl::InfiniteFuture()));
    if (!ok.ok()) {
      // Left for the next run; ListDueDestructions shows it overdue meanwhile.
      api::LogJson(
          "error", "destruction of personal data failed",
          {{"consent", storage::ConsentsTable().Name(key)}, {"error", std::string(ok.message())}});
      continue;
    }
    settled += done ? 1 : 0;
  }
  return settled;
}

}  // namespace allies::services
