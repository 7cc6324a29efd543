#include "storage/partnership_tables.h"

#include "absl/strings/str_cat.h"
#include "allies/v1/agreement.pb.h"
#include "allies/v1/contact.pb.h"
#include "allies/v1/partner.pb.h"

namespace allies::storage {

#define ALLIES_AGREEMENT_PAST_END "t.state = 2 AND t.end_date < UTC_DATE()"
// A suspended agreement is still in force: its term renews as an active one's does.
#define ALLIES_AGREEMENT_IN_FORCE_PAST_END "t.state IN (2, 3) AND t.end_date < UTC_DATE()"
#define ALLIES_AGREEMENT_RENEWS "t.auto_renew AND t.renewal_months > 0"
// Whole renewal periods from end_date to today, rounded up.
#define ALLIES_AGREEMENT_PERIODS \
  "CEIL(TIMESTAMPDIFF(MONTH, t.end_date, UTC_DATE()) / t.renewal_months)"

const char kAgreementStateSql[] = "(CASE WHEN " ALLIES_AGREEMENT_PAST_END
                                  " AND NOT (" ALLIES_AGREEMENT_RENEWS ") THEN 5 ELSE t.state END)";
// end + m * k months is the first renewal end not before today: k periods, or one more when
// k periods still end before today.
const char kAgreementEndDateSql[] =
    "(CASE WHEN " ALLIES_AGREEMENT_IN_FORCE_PAST_END " AND " ALLIES_AGREEMENT_RENEWS
    " THEN DATE_ADD(t.end_date, INTERVAL t.renewal_months * (" ALLIES_AGREEMENT_PERIODS
    " + (DATE_ADD(t.end_date, INTERVAL t.renewal_months * " ALLIES_AGREEMENT_PERIODS
    " MONTH) < UTC_DATE())) MONTH) ELSE t.end_date END)";

const ResourceTable& PartnersTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    return new ResourceTable("partners", "partners", v1::Partner::descriptor(),
                             {
                                 Field("display_name").Sortable(),
                                 Field("legal_name"),
                                 Field("inn").Sortable().NullIfEmpty(),
                                 Field("ogrn"),
                                 Field("kind").Sortable(),
                                 Field("support_forms"),
                                 Field("state").Sortable(),
                                 Field("website"),
                                 Field("email"),
                                 Field("phone"),
                                 Field("address"),
                                 Field("tags"),
                                 Field("notes"),
                                 Field("last_interaction_time").Sortable().LatestInteraction(),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& ContactsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    return new ResourceTable("contacts", "contacts", v1::Contact::descriptor(),
                             {
                                 Field("family_name").Sortable().PersonalData(Personal::kName),
                                 Field("given_name").Sortable().PersonalData(Personal::kName),
                                 Field("patronymic").PersonalData(Personal::kName),
                                 Field("position").PersonalData(Personal::kData),
                                 Field("partner").References("partners"),
                                 Field("emails").PersonalData(Personal::kContactPoint),
                                 Field("phones").PersonalData(Personal::kContactPoint),
                                 Field("preferred_channel"),
                                 Field("notes").PersonalData(Personal::kData),
                                 Field("erase_time"),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& AgreementsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    return new ResourceTable(
        "agreements", "agreements", v1::Agreement::descriptor(),
        {
            // A partner is deleted only with force while one of its agreements is in force
            // (ACTIVE or SUSPENDED, as read today).
            Field("partner")
                .References("partners")
                .PreventsDeleteWhile(std::string(kAgreementStateSql) + " IN (2, 3)",
                                     "PARTNER_HAS_AGREEMENTS"),
            Field("number").Sortable(),
            Field("title").Sortable(),
            Field("kind").Sortable(),
            Field("state").Sortable().Computed(kAgreementStateSql),
            Field("sign_date").Sortable(),
            Field("start_date").Sortable(),
            Field("end_date").Sortable().Computed(kAgreementEndDateSql),
            Field("auto_renew"),
            Field("renewal_months"),
            Field("subject").FreeText(10000),
            Field("library_obligations").FreeText(10000),
            Field("partner_obligations").FreeText(10000),
            Field("value"),
            Field("signatories").References("contacts"),
            Field("documents"),
            Field("termination_reason").FreeText(1000),
        },
        options);
  }();
  return *table;
}

std::string AgreementInForceOnSql(const std::string& day) {
  return absl::StrCat(
      "(t.state IN (2, 3, 4, 5) AND COALESCE(t.start_date, t.sign_date, "
      "DATE(t.create_time)) <= ",
      day, " AND (t.end_date >= ", day, " OR (" ALLIES_AGREEMENT_RENEWS ")))");
}

absl::StatusOr<std::string> UtcToday(Session& session) {
  return session.Run([&]() -> absl::StatusOr<std::string> {
    auto rs = session.Query("SELECT DATE_FORMAT(UTC_DATE(), '%Y-%m-%d')");
    rs->next();
    return GetString(*rs, 1);
  });
}

}  // namespace allies::storage
