#include "storage/partnership_tables.h"

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
  static const auto* table =
      new ResourceTable("partners", "partners", v1::Partner::descriptor(),
                        {
                            {"display_name", "display_name", true},
                            {"legal_name", "legal_name"},
                            {"inn", "inn", true, false, /*null_if_empty=*/true},
                            {"ogrn", "ogrn"},
                            {"kind", "kind", true},
                            {"support_forms", ""},
                            {"state", "state", true},
                            {"website", "website"},
                            {"email", "email"},
                            {"phone", "phone"},
                            {"address", "address"},
                            {"tags", ""},
                            {"notes", "notes"},
                            {"last_interaction_time", "last_interaction_time", true},
                        });
  return *table;
}

const ResourceTable& ContactsTable() {
  static const auto* table =
      new ResourceTable("contacts", "contacts", v1::Contact::descriptor(),
                        {
                            {"family_name", "family_name", true},
                            {"given_name", "given_name", true},
                            {"patronymic", "patronymic"},
                            {"position", "position"},
                            {"partner", "partner", false, /*name_valued=*/true},
                            {"emails", ""},
                            {"phones", ""},
                            {"preferred_channel", "preferred_channel"},
                            {"notes", "notes"},
                            {"erase_time", "erase_time"},
                        });
  return *table;
}

const ResourceTable& AgreementsTable() {
  static const auto* table =
      new ResourceTable("agreements", "agreements", v1::Agreement::descriptor(),
                        {
                            {"partner", "partner", false, /*name_valued=*/true},
                            {"number", "number", true},
                            {"title", "title", true},
                            {"kind", "kind", true},
                            {"state", "state", true, false, false, kAgreementStateSql},
                            {"sign_date", "sign_date", true},
                            {"start_date", "start_date", true},
                            {"end_date", "end_date", true, false, false, kAgreementEndDateSql},
                            {"auto_renew", "auto_renew"},
                            {"renewal_months", "renewal_months"},
                            {"subject", "subject"},
                            {"library_obligations", "library_obligations"},
                            {"partner_obligations", "partner_obligations"},
                            {"value", "value"},
                            {"signatories", ""},
                            {"documents", "documents"},
                            {"termination_reason", "termination_reason"},
                        });
  return *table;
}

absl::StatusOr<std::optional<std::string>> AnyLiveAgreement(Session& session,
                                                            const std::string& partner_name) {
  static const std::string kSql =
      std::string(
          "SELECT CONCAT('libraries/', t.library_id, '/agreements/', t.id) FROM "
          "agreements t WHERE t.partner = ? AND t.delete_time IS NULL AND ") +
      kAgreementStateSql + " IN (2, 3) ORDER BY t.id LIMIT 1";
  return session.Run([&]() -> absl::StatusOr<std::optional<std::string>> {
    auto rs = session.Query(kSql, partner_name);
    if (!rs->next()) return std::optional<std::string>();
    return std::optional<std::string>(GetString(*rs, 1));
  });
}

absl::StatusOr<std::string> UtcToday(Session& session) {
  return session.Run([&]() -> absl::StatusOr<std::string> {
    auto rs = session.Query("SELECT DATE_FORMAT(UTC_DATE(), '%Y-%m-%d')");
    rs->next();
    return GetString(*rs, 1);
  });
}

}  // namespace allies::storage
