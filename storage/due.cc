#include "storage/due.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "storage/partnership_tables.h"

namespace allies::storage::due {

SqlClause EndingWithin(absl::string_view ends, int days) {
  return {absl::StrCat(ends, " BETWEEN UTC_DATE() AND DATE_ADD(UTC_DATE(), INTERVAL ? DAY)"),
          {static_cast<int64_t>(days)}};
}

SqlClause AgreementsEndingWithin(int days) {
  return EndingWithin(absl::StrCat(kAgreementStateSql, " = 2 AND ", kAgreementEndDateSql), days);
}

SqlClause QualificationsExpiringWithin(int days) {
  return EndingWithin("t.expiry_date IS NOT NULL AND t.expiry_date", days);
}

SqlClause VolunteerAgreementsEndingWithin(int days) {
  return EndingWithin("t.state = 2 AND t.end_date", days);
}

SqlClause TermsExpiringWithin(int days) {
  return EndingWithin("t.end_date IS NULL AND t.term_end_date", days);
}

// ActionItemOverdueOnSql with today, written so that the (state, due_date) index serves it
// (nothing is closed in the future, nor created after today).
SqlClause ActionItemsOverdue() { return {"t.state = 1 AND t.due_date < UTC_DATE()", {}}; }

std::string ActionItemOverdueOnSql(absl::string_view alias, absl::string_view day) {
  const std::string a(alias);
  return absl::StrCat("(", a, ".due_date < ", day, " AND DATE(", a, ".create_time) <= ", day,
                      " AND (", a, ".state = 1 OR DATE(", a, ".state_time) > ", day, "))");
}

SqlClause DestructionsDueWithin(int days) {
  return {
      "t.state = 2 AND t.destroy_time IS NULL AND t.retained_by = '' AND "
      "t.destroy_due <= DATE_ADD(UTC_TIMESTAMP(6), INTERVAL ? DAY)",
      {static_cast<int64_t>(days)}};
}

SqlClause ShiftsStartingWithin(int hours) {
  return {
      "t.start_time >= UTC_TIMESTAMP(6) AND t.start_time < DATE_ADD(UTC_TIMESTAMP(6), "
      "INTERVAL ? HOUR)",
      {static_cast<int64_t>(hours)}};
}

}  // namespace allies::storage::due
