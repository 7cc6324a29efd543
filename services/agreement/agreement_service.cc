#include "services/agreement/agreement_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/lifecycle.h"
#include "storage/due.h"
#include "storage/partnership_tables.h"

namespace allies::services {
namespace {

using v1::Agreement;

constexpr size_t kMaxNumber = 100;
constexpr size_t kMaxTitle = 300;
constexpr size_t kMaxText = 10000;
constexpr size_t kMaxReason = 1000;
constexpr size_t kMaxUri = 2000;
constexpr int kMaxSignatories = 20;
constexpr int kMaxDocuments = 50;
constexpr int kMaxRenewalMonths = 120;

// What ACTIVE and SUSPENDED agreements still take: the terms change only by RenewAgreement or
// a new agreement.
const std::vector<std::string>& InForceFields() {
  static const auto* fields = new std::vector<std::string>{"title", "auto_renew", "renewal_months",
                                                           "signatories", "documents"};
  return *fields;
}

void CheckAgreement(const Agreement& a, const std::vector<std::string>& fields,
                    api::FieldViolations& v) {
  if (api::HasPath(fields, "partner")) {
    if (a.partner().empty()) {
      v.Add("agreement.partner", "is required (libraries/{library}/partners/{partner})");
    }
  }
  if (api::HasPath(fields, "number")) {
    api::CheckText(v, "agreement.number", a.number(), kMaxNumber, true);
  }
  if (api::HasPath(fields, "title"))
    api::CheckText(v, "agreement.title", a.title(), kMaxTitle, true);
  if (api::HasPath(fields, "kind")) {
    if (a.kind() == Agreement::KIND_UNSPECIFIED || !Agreement::Kind_IsValid(a.kind())) {
      v.Add("agreement.kind",
            "is required (COOPERATION, SPONSORSHIP, DONATION, INFORMATION_SUPPORT, VOLUNTEERING "
            "or OTHER)");
    }
  }
  if (api::HasPath(fields, "sign_date")) {
    api::CheckDate(v, "agreement.sign_date", a.has_sign_date(), a.sign_date());
  }
  if (api::HasPath(fields, "start_date")) {
    api::CheckDate(v, "agreement.start_date", a.has_start_date(), a.start_date());
  }
  if (api::HasPath(fields, "end_date")) {
    api::CheckDate(v, "agreement.end_date", a.has_end_date(), a.end_date());
  }
  if (api::HasPath(fields, "renewal_months") &&
      (a.renewal_months() < 0 || a.renewal_months() > kMaxRenewalMonths)) {
    v.Add("agreement.renewal_months", absl::StrCat("must be 0-", kMaxRenewalMonths));
  }
  for (const char* f : {"subject", "library_obligations", "partner_obligations"}) {
    if (!api::HasPath(fields, f)) continue;
    const auto* d = Agreement::descriptor()->FindFieldByName(f);
    api::CheckText(v, absl::StrCat("agreement.", f), a.GetReflection()->GetString(a, d), kMaxText,
                   false, true);
  }
  if (api::HasPath(fields, "value") && a.has_value()) {
    const auto& money = a.value();
    std::string code = money.currency_code();
    if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) {
          return absl::ascii_isupper(static_cast<unsigned char>(c));
        })) {
      v.Add("agreement.value.currency_code",
            absl::StrCat("must be an ISO 4217 code such as RUB, got ", api::Quote(code)));
    }
    if (money.units() < 0 || money.nanos() < 0 || money.nanos() > 999999999) {
      v.Add("agreement.value", "must be a non-negative amount (nanos 0-999999999)");
    }
  }
  if (api::HasPath(fields, "signatories")) {
    if (a.signatories_size() > kMaxSignatories) {
      v.Add("agreement.signatories", absl::StrCat("at most ", kMaxSignatories));
    }
    std::set<std::string> seen;
    for (int i = 0; i < a.signatories_size(); ++i) {
      if (!seen.insert(a.signatories(i)).second) {
        v.Add(absl::StrCat("agreement.signatories[", i, "]"),
              absl::StrCat(a.signatories(i), " is listed twice"));
      }
    }
  }
  if (api::HasPath(fields, "documents")) {
    if (a.documents_size() > kMaxDocuments) {
      v.Add("agreement.documents", absl::StrCat("at most ", kMaxDocuments));
    }
    for (int i = 0; i < a.documents_size(); ++i) {
      const std::string path = absl::StrCat("agreement.documents[", i, "]");
      api::CheckText(v, path + ".title", a.documents(i).title(), kMaxTitle, true);
      if (a.documents(i).uri().empty()) {
        v.Add(path + ".uri", "is required (an http or https URL)");
      } else {
        api::CheckUrl(v, path + ".uri", a.documents(i).uri(), kMaxUri);
      }
    }
  }
}

const Lifecycle& Agreements() {
  static const auto* lifecycle = new Lifecycle(Agreement::descriptor(), "AGREEMENT_STATE");
  return *lifecycle;
}

std::string StateName(int state) { return Agreements().StateName(state); }

}  // namespace

ResourceRules<Agreement> AgreementRules() {
  ResourceRules<Agreement> rules;
  rules.table = &storage::AgreementsTable();
  rules.field = "agreement";
  rules.mutable_fields = {"partner",
                          "number",
                          "title",
                          "kind",
                          "sign_date",
                          "start_date",
                          "end_date",
                          "auto_renew",
                          "renewal_months",
                          "subject",
                          "library_obligations",
                          "partner_obligations",
                          "value",
                          "signatories",
                          "documents"};
  rules.unique_fields = {{"number", "AGREEMENT_NUMBER_TAKEN"}};
  rules.normalize = [](Agreement& a) {
    a.set_number(std::string(absl::StripAsciiWhitespace(a.number())));
  };
  rules.defaults = [](const api::Call&, absl::Time, Agreement& a) {
    a.set_state(Agreement::DRAFT);
  };
  rules.check = CheckAgreement;
  rules.updatable = [](const Agreement& current,
                       const std::vector<std::string>& fields) -> absl::Status {
    if (current.state() == Agreement::DRAFT) return absl::OkStatus();
    if (Agreements().In(current, {Agreement::ACTIVE, Agreement::SUSPENDED})) {
      for (const std::string& f : fields) {
        if (api::HasPath(InForceFields(), f)) continue;
        return api::Error(
            absl::StatusCode::kFailedPrecondition, "AGREEMENT_STATE",
            absl::StrCat(current.name(), " is ", StateName(current.state()), ": ", f,
                         " cannot change any more (only ", absl::StrJoin(InForceFields(), ", "),
                         "; renew it or make a new agreement)"),
            {{"resource", current.name()}, {"state", StateName(current.state())}, {"field", f}});
      }
      return absl::OkStatus();
    }
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "AGREEMENT_STATE",
        absl::StrCat(current.name(), " is ", StateName(current.state()), " and cannot be edited"),
        {{"resource", current.name()}, {"state", StateName(current.state())}});
  };
  rules.check_record = [](const Agreement& a, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (api::HasPath(known, "start_date") && api::HasPath(known, "end_date") &&
        a.has_start_date() && a.has_end_date() &&
        api::FormatDate(a.start_date()) > api::FormatDate(a.end_date())) {
      v.Add("agreement.end_date",
            absl::StrCat("must not be before start_date (", api::FormatDate(a.start_date()),
                         "), got ", api::FormatDate(a.end_date())));
    }
    if (api::HasPath(known, "auto_renew") && api::HasPath(known, "renewal_months") &&
        a.auto_renew() && a.renewal_months() == 0) {
      v.Add("agreement.renewal_months", "is required (1-120) when auto_renew is set");
    }
  };
  return rules;
}

absl::Status AgreementService::Activate(const api::Call& call,
                                        const v1::ActivateAgreementRequest& request,
                                        Agreement* out) {
  return agreements_.Change(
      call, "ACTIVATE", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext& ctx, const storage::ResourceKey& key,
          Agreement& a) -> absl::StatusOr<std::vector<std::string>> {
        if (a.state() != Agreement::DRAFT)
          return Agreements().Wrong(a, "activation", {Agreement::DRAFT});
        if (!a.has_end_date()) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "AGREEMENT_INCOMPLETE",
                            absl::StrCat(a.name(), " needs an end_date before it is activated"),
                            {{"resource", a.name()}, {"field", "end_date"}});
        }
        // The partner must still be there (live) when the agreement comes into force.
        absl::Status partner_ok =
            CheckReferences(ctx, agreements_.table(), key.library_id, a, {"partner"}, "agreement");
        if (!partner_ok.ok()) return partner_ok;
        a.set_state(Agreement::ACTIVE);
        return std::vector<std::string>{"state"};
      },
      out);
}

absl::Status AgreementService::Suspend(const api::Call& call,
                                       const v1::SuspendAgreementRequest& request, Agreement* out) {
  return agreements_.Change(
      call, "SUSPEND", request.name(), request.etag(), request.request_id(), request,
      Agreements().Mover<Agreement>("suspension", {Agreement::ACTIVE}, Agreement::SUSPENDED), out);
}

absl::Status AgreementService::Resume(const api::Call& call,
                                      const v1::ResumeAgreementRequest& request, Agreement* out) {
  return agreements_.Change(
      call, "RESUME", request.name(), request.etag(), request.request_id(), request,
      Agreements().Mover<Agreement>("resuming", {Agreement::SUSPENDED}, Agreement::ACTIVE), out);
}

absl::Status AgreementService::Terminate(const api::Call& call,
                                         const v1::TerminateAgreementRequest& request,
                                         Agreement* out) {
  api::FieldViolations v;
  api::CheckText(v, "reason", request.reason(), kMaxReason, true, true);
  if (!v.empty()) return v.ToStatus();
  return agreements_.Change(
      call, "TERMINATE", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext&, const storage::ResourceKey&,
          Agreement& a) -> absl::StatusOr<std::vector<std::string>> {
        auto moved = Agreements().Move(a, "termination", {Agreement::ACTIVE, Agreement::SUSPENDED},
                                       Agreement::TERMINATED);
        if (!moved.ok()) return moved.status();
        a.set_termination_reason(request.reason());
        return std::vector<std::string>{"state", "termination_reason"};
      },
      out);
}

absl::Status AgreementService::Renew(const api::Call& call,
                                     const v1::RenewAgreementRequest& request, Agreement* out) {
  if (!request.has_new_end_date()) {
    return api::InvalidField("new_end_date", "is required");
  }
  auto date = api::FromProtoDate(request.new_end_date(), "new_end_date");
  if (!date.ok()) return date.status();
  const std::string new_end = api::FormatDate(request.new_end_date());
  return agreements_.Change(
      call, "RENEW", request.name(), request.etag(), request.request_id(), request,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          Agreement& a) -> absl::StatusOr<std::vector<std::string>> {
        if (!Agreements().In(a, {Agreement::ACTIVE, Agreement::EXPIRED})) {
          return Agreements().Wrong(a, "renewal", {Agreement::ACTIVE, Agreement::EXPIRED});
        }
        auto today = storage::UtcToday(ctx.session);
        if (!today.ok()) return today.status();
        if (new_end < *today) {
          return api::InvalidField(
              "new_end_date",
              absl::StrCat("must not be in the past (today is ", *today, "), got ", new_end));
        }
        if (a.has_end_date() && new_end <= api::FormatDate(a.end_date())) {
          return api::InvalidField("new_end_date",
                                   absl::StrCat("must be after the current end_date (",
                                                api::FormatDate(a.end_date()), "), got ", new_end));
        }
        std::vector<std::string> changed = {"end_date"};
        if (a.state() != Agreement::ACTIVE) changed.insert(changed.begin(), "state");
        a.set_state(Agreement::ACTIVE);
        *a.mutable_end_date() = request.new_end_date();
        return changed;
      },
      out);
}

absl::Status AgreementService::ListExpiring(const api::Call& call,
                                            const v1::ListExpiringAgreementsRequest& request,
                                            v1::ListExpiringAgreementsResponse* out) {
  constexpr int kMaxWithinDays = 3650;
  if (request.within_days() < 0 || request.within_days() > kMaxWithinDays) {
    return api::InvalidField(
        "within_days", absl::StrCat("must be 0-", kMaxWithinDays, ", got ", request.within_days()));
  }
  ListArgs args;
  args.method = "ListExpiringAgreements";
  args.parent = request.parent();
  args.page_size = request.page_size();
  args.page_token = request.page_token();
  args.order_by = "end_date";
  args.condition = storage::due::AgreementsEndingWithin(request.within_days());
  args.context = absl::StrCat("within_days=", request.within_days());
  return agreements_.List(call, args, out->mutable_agreements(), out->mutable_next_page_token());
}

AgreementService::AgreementService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), agreements_(deps.pool, AgreementRules()) {
  using Async = v1::AgreementService::AsyncService;
  Unary(&Async::RequestGetAgreement, [this](const api::Call& c, const auto& r, auto* out) {
    return agreements_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListAgreements, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListAgreements", r);
    return agreements_.List(c, args, out->mutable_agreements(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateAgreement, [this](const api::Call& c, const auto& r, auto* out) {
    return agreements_.Create(c, r.parent(), r.agreement(), r.agreement_id(), r.request_id(), r,
                              out);
  });
  Unary(&Async::RequestUpdateAgreement, [this](const api::Call& c, const auto& r, auto* out) {
    return agreements_.Update(c, r.agreement(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteAgreement, [this](const api::Call& c, const auto& r, auto* out) {
    return agreements_.Delete(c, r.name(), r.etag(), false, out);
  });
  Unary(&Async::RequestUndeleteAgreement, [this](const api::Call& c, const auto& r, auto* out) {
    return agreements_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
  Unary(&Async::RequestActivateAgreement,
        [this](const api::Call& c, const auto& r, auto* out) { return Activate(c, r, out); });
  Unary(&Async::RequestSuspendAgreement,
        [this](const api::Call& c, const auto& r, auto* out) { return Suspend(c, r, out); });
  Unary(&Async::RequestResumeAgreement,
        [this](const api::Call& c, const auto& r, auto* out) { return Resume(c, r, out); });
  Unary(&Async::RequestTerminateAgreement,
        [this](const api::Call& c, const auto& r, auto* out) { return Terminate(c, r, out); });
  Unary(&Async::RequestRenewAgreement,
        [this](const api::Call& c, const auto& r, auto* out) { return Renew(c, r, out); });
  Unary(&Async::RequestListExpiringAgreements,
        [this](const api::Call& c, const auto& r, auto* out) { return ListExpiring(c, r, out); });
}

server::ServiceRegistration AgreementServiceRegistration() {
  return {v1::AgreementService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<AgreementService>(deps); }};
}

}  // namespace allies::services
