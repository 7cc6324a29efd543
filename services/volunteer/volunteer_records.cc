#include "services/volunteer/volunteer_records.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/volunteer/ledger.h"
#include "storage/volunteer_tables.h"

namespace allies::services {
namespace {

using v1::Qualification;
using v1::VolunteerAgreement;

constexpr size_t kMaxNumber = 100;
constexpr size_t kMaxText = 10000;
constexpr size_t kMaxPlace = 1000;
constexpr size_t kMaxTitle = 300;
constexpr size_t kMaxEvidence = 500;

// What an ACTIVE agreement still takes.
const std::vector<std::string>& InForceFields() {
  static const auto* fields = new std::vector<std::string>{"risk_briefing_time", "support_notes"};
  return *fields;
}

std::string Today() { return absl::FormatTime("%Y-%m-%d", absl::Now(), absl::UTCTimeZone()); }

void CheckAgreement(const VolunteerAgreement& a, const std::vector<std::string>& fields,
                    api::FieldViolations& v) {
  if (api::HasPath(fields, "number")) {
    api::CheckText(v, "agreement.number", a.number(), kMaxNumber, false);
  }
  if (api::HasPath(fields, "tasks")) {
    api::CheckText(v, "agreement.tasks", a.tasks(), kMaxText, true, true);
  }
  if (api::HasPath(fields, "place")) {
    api::CheckText(v, "agreement.place", a.place(), kMaxPlace, false);
  }
  if (api::HasPath(fields, "start_date")) {
    api::CheckDate(v, "agreement.start_date", a.has_start_date(), a.start_date());
  }
  if (api::HasPath(fields, "end_date")) {
    api::CheckDate(v, "agreement.end_date", a.has_end_date(), a.end_date());
  }
  if (api::HasPath(fields, "support")) {
    std::set<int> seen;
    for (int i = 0; i < a.support_size(); ++i) {
      const std::string path = absl::StrCat("agreement.support[", i, "]");
      if (a.support(i) == VolunteerAgreement::SUPPORT_UNSPECIFIED ||
          !VolunteerAgreement::Support_IsValid(a.support(i))) {
        v.Add(path,
              "must be MEALS, UNIFORM, EQUIPMENT, PROTECTIVE_EQUIPMENT, PREMISES, TRAVEL, "
              "COMMUNICATIONS, INSURANCE or COST_REIMBURSEMENT");
      } else if (!seen.insert(a.support(i)).second) {
        v.Add(path, "is listed twice");
      }
    }
  }
  if (api::HasPath(fields, "support_notes")) {
    api::CheckText(v, "agreement.support_notes", a.support_notes(), kMaxText, false, true);
  }
  if (api::HasPath(fields, "risk_briefing_time") && a.has_risk_briefing_time()) {
    absl::Status ok = api::CheckTimestamp(a.risk_briefing_time(), "agreement.risk_briefing_time");
    if (!ok.ok()) v.AddFrom(ok, "agreement.risk_briefing_time");
  }
  if (api::HasPath(fields, "signer") && !VolunteerAgreement::Signer_IsValid(a.signer())) {
    v.Add("agreement.signer", "must be VOLUNTEER or REPRESENTATIVE");
  }
}

void CheckQualification(const Qualification& q, const std::vector<std::string>& fields,
                        api::FieldViolations& v) {
  if (api::HasPath(fields, "kind") &&
      (q.kind() == Qualification::KIND_UNSPECIFIED || !Qualification::Kind_IsValid(q.kind()))) {
    v.Add("qualification.kind",
          "is required: TRAINING, MEDICAL_CERTIFICATE, NO_CRIMINAL_RECORD or OTHER");
  }
  if (api::HasPath(fields, "title")) {
    api::CheckText(v, "qualification.title", q.title(), kMaxTitle, true);
  }
  if (api::HasPath(fields, "issuer")) {
    api::CheckText(v, "qualification.issuer", q.issuer(), kMaxTitle, false);
  }
  if (api::HasPath(fields, "issued_date")) {
    if (!q.has_issued_date()) {
      v.Add("qualification.issued_date", "is required");
    } else {
      api::CheckDate(v, "qualification.issued_date", true, q.issued_date());
      if (api::FromProtoDate(q.issued_date(), "").ok() &&
          api::FormatDate(q.issued_date()) > Today()) {
        v.Add("qualification.issued_date", "must not be in the future");
      }
    }
  }
  if (api::HasPath(fields, "expiry_date")) {
    api::CheckDate(v, "qualification.expiry_date", q.has_expiry_date(), q.expiry_date());
  }
  if (api::HasPath(fields, "evidence")) {
    api::CheckText(v, "qualification.evidence", q.evidence(), kMaxEvidence, false);
  }
}

}  // namespace

const Lifecycle& VolunteerAgreementLifecycle() {
  static const auto* lifecycle =
      new Lifecycle(VolunteerAgreement::descriptor(), "VOLUNTEER_AGREEMENT_STATE");
  return *lifecycle;
}

ResourceRules<VolunteerAgreement> VolunteerAgreementRules() {
  ResourceRules<VolunteerAgreement> rules;
  rules.table = &storage::VolunteerAgreementsTable();
  rules.field = "agreement";
  rules.parent_field = "volunteer";
  rules.mutable_fields = {"number",        "tasks",
                          "place",         "start_date",
                          "end_date",      "support",
                          "support_notes", "risk_briefing_time",
                          "signer",        "representative_contact"};
  rules.unique_fields = {{"number", "VOLUNTEER_AGREEMENT_NUMBER_TAKEN"}};
  rules.normalize = [](VolunteerAgreement& a) {
    a.set_number(std::string(absl::StripAsciiWhitespace(a.number())));
  };
  rules.defaults = [](const api::Call&, absl::Time, VolunteerAgreement& a) {
    a.set_state(VolunteerAgreement::DRAFT);
  };
  rules.check = CheckAgreement;
  rules.check_record = [](const VolunteerAgreement& a, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (api::HasPath(known, "start_date") && api::HasPath(known, "end_date") &&
        a.has_start_date() && a.has_end_date() &&
        api::FormatDate(a.start_date()) > api::FormatDate(a.end_date())) {
      v.Add("agreement.end_date",
            absl::StrCat("must not be before start_date (", api::FormatDate(a.start_date()),
                         "), got ", api::FormatDate(a.end_date())));
    }
  };
  rules.updatable = [](const VolunteerAgreement& current,
                       const std::vector<std::string>& fields) -> absl::Status {
    const Lifecycle& lifecycle = VolunteerAgreementLifecycle();
    if (current.state() == VolunteerAgreement::DRAFT) return absl::OkStatus();
    if (current.state() == VolunteerAgreement::ACTIVE) {
      for (const std::string& f : fields) {
        if (api::HasPath(InForceFields(), f)) continue;
        return api::Error(
            absl::StatusCode::kFailedPrecondition, "VOLUNTEER_AGREEMENT_STATE",
            absl::StrCat(current.name(), " is ACTIVE: ", f, " cannot change any more (only ",
                         absl::StrJoin(InForceFields(), ", "),
                         "; terminate it and make a new one)"),
            {{"resource", current.name()}, {"state", "ACTIVE"}, {"field", f}});
      }
      return absl::OkStatus();
    }
    return lifecycle.Wrong(current, "a change",
                           {VolunteerAgreement::DRAFT, VolunteerAgreement::ACTIVE});
  };
  return rules;
}

absl::StatusOr<std::vector<std::string>> ActivateVolunteerAgreement(WriteContext& ctx,
                                                                    const storage::ResourceKey& key,
                                                                    VolunteerAgreement& a) {
  const Lifecycle& lifecycle = VolunteerAgreementLifecycle();
  if (a.state() != VolunteerAgreement::DRAFT) {
    return lifecycle.Wrong(a, "activation", {VolunteerAgreement::DRAFT});
  }
  for (const auto& [missing, field] :
       {std::pair<bool, const char*>{!a.has_end_date(), "end_date"},
        {a.signer() == VolunteerAgreement::SIGNER_UNSPECIFIED, "signer"}}) {
    if (!missing) continue;
    return api::Error(absl::StatusCode::kFailedPrecondition, "VOLUNTEER_AGREEMENT_INCOMPLETE",
                      absl::StrCat(a.name(), " needs ", field, " before it is activated"),
                      {{"resource", a.name()}, {"field", field}});
  }
  const storage::ResourceTable& volunteers = storage::VolunteersTable();
  storage::ResourceTable::Row row;
  v1::Volunteer volunteer;
  absl::Status ok = volunteers.Get(ctx.session, storage::VolunteerAgreementsTable().ParentKey(key),
                                   storage::Lock::kShare, &row, &volunteer);
  if (!ok.ok()) return ok;
  if (volunteer.has_delete_time() || volunteer.has_erase_time()) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "PARENT_DELETED",
                      absl::StrCat(volunteer.name(), " is deleted or erased"),
                      {{"resource", volunteer.name()}});
  }
  ok = CheckVolunteerConsented(ctx.session, volunteer, ctx.now);
  if (!ok.ok()) return ok;
  const int age = AgeOn(volunteer.birth_date(), ctx.now);
  if (age < 14 && a.signer() != VolunteerAgreement::REPRESENTATIVE) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "AGREEMENT_SIGNER",
                      absl::StrCat(volunteer.name(), " is ", age,
                                   ": under 14, the parent or guardian signs (ГК ст. 28): "
                                   "signer REPRESENTATIVE"),
                      {{"resource", a.name()}, {"age", absl::StrCat(age)}});
  }
  a.set_state(VolunteerAgreement::ACTIVE);
  return std::vector<std::string>{"state"};
}

ResourceRules<Qualification> QualificationRules() {
  ResourceRules<Qualification> rules;
  rules.table = &storage::QualificationsTable();
  rules.field = "qualification";
  rules.parent_field = "volunteer";
  rules.mutable_fields = {"kind", "title", "issuer", "issued_date", "expiry_date", "evidence"};
  rules.normalize = [](Qualification& q) {
    q.set_title(std::string(absl::StripAsciiWhitespace(q.title())));
  };
  rules.defaults = [](const api::Call&, absl::Time, Qualification& q) {
    q.set_state(Qualification::VALID);
  };
  rules.check = CheckQualification;
  rules.check_record = [](const Qualification& q, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (api::HasPath(known, "issued_date") && api::HasPath(known, "expiry_date") &&
        q.has_issued_date() && q.has_expiry_date() &&
        api::FormatDate(q.expiry_date()) < api::FormatDate(q.issued_date())) {
      v.Add("qualification.expiry_date",
            absl::StrCat("must not be before issued_date (", api::FormatDate(q.issued_date()),
                         "), got ", api::FormatDate(q.expiry_date())));
    }
  };
  return rules;
}

}  // namespace allies::services
