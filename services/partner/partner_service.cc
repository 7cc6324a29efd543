#include "services/partner/partner_service.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/contact_points.h"
#include "api/fields.h"
#include "api/registry_numbers.h"
#include "api/text.h"
#include "storage/partnership_tables.h"

namespace allies::services {
namespace {

constexpr size_t kMaxDisplayName = 300;
constexpr size_t kMaxLegalName = 500;
constexpr size_t kMaxAddress = 1000;
constexpr size_t kMaxWebsite = 2000;
constexpr size_t kMaxNotes = 10000;
constexpr size_t kMaxTag = 100;
constexpr int kMaxTags = 50;

void CheckPartner(const v1::Partner& p, const std::vector<std::string>& fields,
                  api::FieldViolations& v) {
  if (api::HasPath(fields, "display_name")) {
    api::CheckText(v, "partner.display_name", p.display_name(), kMaxDisplayName, true);
  }
  if (api::HasPath(fields, "legal_name")) {
    api::CheckText(v, "partner.legal_name", p.legal_name(), kMaxLegalName, false);
  }
  if (api::HasPath(fields, "inn")) api::CheckInn(v, "partner.inn", p.inn());
  if (api::HasPath(fields, "ogrn")) api::CheckOgrn(v, "partner.ogrn", p.ogrn());
  if (api::HasPath(fields, "kind")) {
    if (p.kind() == v1::Partner::KIND_UNSPECIFIED) {
      v.Add("partner.kind",
            "is required (BUSINESS, NONPROFIT, GOVERNMENT, MEDIA, EDUCATION, CULTURE, RELIGIOUS "
            "or INDIVIDUAL)");
    } else if (!v1::Partner::Kind_IsValid(p.kind())) {
      v.Add("partner.kind", absl::StrCat("unknown kind ", p.kind()));
    }
  }
  if (api::HasPath(fields, "support_forms")) {
    std::set<int> seen;
    for (int i = 0; i < p.support_forms_size(); ++i) {
      const int form = p.support_forms(i);
      const std::string path = absl::StrCat("partner.support_forms[", i, "]");
      if (form == v1::Partner::SUPPORT_FORM_UNSPECIFIED ||
          !v1::Partner::SupportForm_IsValid(form)) {
        v.Add(path,
              "must be MATERIAL, INFORMATIONAL, ORGANIZATIONAL, VOLUNTEERING, EXPERTISE or VENUE");
      } else if (!seen.insert(form).second) {
        v.Add(path, absl::StrCat(v1::Partner::SupportForm_Name(form), " is listed twice"));
      }
    }
  }
  if (api::HasPath(fields, "state") &&
      (p.state() == v1::Partner::STATE_UNSPECIFIED || !v1::Partner::State_IsValid(p.state()))) {
    v.Add("partner.state", "must be PROSPECT, ACTIVE, PAUSED or FORMER");
  }
  if (api::HasPath(fields, "website"))
    api::CheckUrl(v, "partner.website", p.website(), kMaxWebsite);
  if (api::HasPath(fields, "email")) api::CheckEmail(v, "partner.email", p.email());
  if (api::HasPath(fields, "phone")) api::CheckPhone(v, "partner.phone", p.phone());
  if (api::HasPath(fields, "address")) {
    api::CheckText(v, "partner.address", p.address(), kMaxAddress, false, true);
  }
  if (api::HasPath(fields, "tags")) {
    if (p.tags_size() > kMaxTags) {
      v.Add("partner.tags", absl::StrCat("at most ", kMaxTags, " tags, got ", p.tags_size()));
    }
    std::set<std::string> seen;
    for (int i = 0; i < p.tags_size(); ++i) {
      const std::string path = absl::StrCat("partner.tags[", i, "]");
      api::CheckText(v, path, p.tags(i), kMaxTag, true);
      if (!seen.insert(api::FoldName(p.tags(i))).second) {
        v.Add(path, absl::StrCat(api::Quote(p.tags(i)), " is listed twice"));
      }
    }
  }
  if (api::HasPath(fields, "notes")) {
    api::CheckText(v, "partner.notes", p.notes(), kMaxNotes, false, true);
  }
}

}  // namespace

ResourceRules<v1::Partner> PartnerRules() {
  ResourceRules<v1::Partner> rules;
  rules.table = &storage::PartnersTable();
  rules.field = "partner";
  rules.mutable_fields = {"display_name",  "legal_name", "inn",     "ogrn",  "kind",
                          "support_forms", "state",      "website", "email", "phone",
                          "address",       "tags",       "notes"};
  rules.unique_fields = {{"inn", "PARTNER_INN_TAKEN"}};
  rules.normalize = [](v1::Partner& p) {
    p.set_email(api::NormalizeEmail(p.email()));
    p.set_phone(api::NormalizePhone(p.phone()));
    p.set_inn(std::string(absl::StripAsciiWhitespace(p.inn())));
    p.set_ogrn(std::string(absl::StripAsciiWhitespace(p.ogrn())));
  };
  rules.defaults = [](const api::Call&, absl::Time, v1::Partner& p) {
    if (p.state() == v1::Partner::STATE_UNSPECIFIED) p.set_state(v1::Partner::PROSPECT);
  };
  rules.check = CheckPartner;
  // The registry numbers must fit the kind: an individual (entrepreneur) has a 12-digit INN and
  // a 15-digit OGRNIP, an organization a 10-digit INN and a 13-digit OGRN.
  rules.check_record = [](const v1::Partner& p, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (!api::HasPath(known, "kind")) return;
    const bool individual = p.kind() == v1::Partner::INDIVIDUAL;
    if (api::HasPath(known, "inn") && !p.inn().empty() &&
        p.inn().size() != (individual ? 12u : 10u)) {
      v.Add("partner.inn", individual ? "an INDIVIDUAL partner has a 12-digit INN"
                                      : "an organization has a 10-digit INN (12 digits: kind "
                                        "INDIVIDUAL)");
    }
    if (api::HasPath(known, "ogrn") && !p.ogrn().empty() &&
        p.ogrn().size() != (individual ? 15u : 13u)) {
      v.Add("partner.ogrn", individual ? "an INDIVIDUAL partner has a 15-digit OGRNIP"
                                       : "an organization has a 13-digit OGRN (15 digits: kind "
                                         "INDIVIDUAL)");
    }
  };
  return rules;
}

PartnerService::PartnerService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), partners_(deps.pool, PartnerRules()) {
  using Async = v1::PartnerService::AsyncService;
  Unary(&Async::RequestGetPartner, [this](const api::Call& c, const auto& r, auto* out) {
    return partners_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListPartners, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListPartners", r);
    return partners_.List(c, args, out->mutable_partners(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreatePartner, [this](const api::Call& c, const auto& r, auto* out) {
    return partners_.Create(c, r.parent(), r.partner(), r.partner_id(), r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdatePartner, [this](const api::Call& c, const auto& r, auto* out) {
    return partners_.Update(c, r.partner(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeletePartner, [this](const api::Call& c, const auto& r, auto* out) {
    return partners_.Delete(c, r.name(), r.etag(), r.force(), out);
  });
  Unary(&Async::RequestUndeletePartner, [this](const api::Call& c, const auto& r, auto* out) {
    return partners_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
}

server::ServiceRegistration PartnerServiceRegistration() {
  return {v1::PartnerService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<PartnerService>(deps); }};
}

}  // namespace allies::services
