// allies-bench --review: the network review against one hand-written SQL aggregate.
//
// Seeds, with set-based INSERT ... SELECT over MariaDB's Sequence engine straight into the
// tables, a network of 100 libraries (a root, 10 regional libraries, 89 branches under them; two
// of the regions in another time zone) holding, for the last full year:
//   - 1 000 000 APPROVED hours entries in the period (10 000 per library, 25 for each of a
//     library's first 400 volunteers), and 100 000 that must not count (SUBMITTED, REJECTED,
//     deleted, of the year before), all for the other 100 volunteers of each library;
//   - 100 000 live partners (kinds, states, one or two support forms in resource_values), 1 000
//     deleted and 500 created after the period;
//   - 50 000 volunteers (500 deleted besides), their consents (some withdrawn, destroyed late or
//     not at all) and destructions, 500 projects, 10 000 shifts with 100 000 sign-ups;
//   - 10 000 agreements (values in RUB, each state), the TERMINATE entries of the terminated;
//   - 50 000 interactions (half relating a partner) and 1 000 000 SYSTEM entries (one per hours
//     entry, as the services write them);
//   - a reader council per library and a supervisory (or trustee) board for the root and each
//     regional library, with members, meetings, decisions and action items.
// Then, interleaved over --repeat rounds (5), it times (a) review::Build of the root's subtree
// for that year, in process, and (b) one hand-written aggregate of the same hours (approved, in
// the period, live, of the subtree's libraries, by library, project and month) on a pooled
// connection, and prints both medians, the ratio (a)/(b) and the review's headline figures,
// checked against what was seeded (exit 1 when one differs). Last, one more build runs with the
// slow query log (log_output=TABLE, long_query_time=0) on new connections, and the time, rows
// examined and rows sent of each statement it ran are printed: where the time goes.
#include "bench/review_bench.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "allies/v1/report.pb.h"
#include "services/common/resource_methods.h"
#include "services/report/review.h"
#include "storage/migrations.h"
#include "storage/pool.h"
#include "storage/transaction.h"

namespace allies::bench {
namespace {

// The network and what it holds (the figures the check expects follow from these and from the
// seeding statements' formulas).
constexpr int kLibraries = 100;                // rv-000 the root, rv-001..rv-010 regional
constexpr int64_t kApprovedHours = 1000000;    // APPROVED, in the period, live
constexpr int64_t kHoursPerLibrary = 10000;    // of them
constexpr int64_t kOtherHours = 100000;        // SUBMITTED, REJECTED, deleted, another year
constexpr int kVolunteersPerLibrary = 500;     // live
constexpr int kWorkingVolunteers = 400;        // per library: those with approved hours
constexpr int64_t kPartnersPerLibrary = 1000;  // live
constexpr int64_t kAgreementsPerLibrary = 100;
constexpr int64_t kInteractionsPerLibrary = 500;
constexpr int64_t kChunk = 100000;  // rows per INSERT of the big tables (progress in between)
static_assert(kApprovedHours == kHoursPerLibrary * kLibraries, "the hours' formulas");

std::string LibraryId(int i) { return absl::StrFormat("rv-%03d", i); }

// SQL: the id of the library whose index is the SQL expression `index`.
std::string Lib(const std::string& index) {
  return absl::StrCat("CONCAT('rv-', LPAD(", index, ", 3, '0'))");
}

// One seeding statement: what it writes and how many rows it must insert.
struct SeedStep {
  std::string what;
  int64_t rows;
  std::string sql;
};

// Every statement, in order. @p0 is the period's first day, @p1 the day after its last.
std::vector<SeedStep> SeedSteps() {
  std::vector<SeedStep> steps;
  auto add = [&](std::string what, int64_t rows, std::string sql) {
    steps.push_back({std::move(what), rows, std::move(sql)});
  };
  // The region (1..10) a library lies in, 0 for the root.
  const std::string region = "IF(s.seq <= 10, s.seq, 1 + (s.seq - 11) % 10)";
  add("libraries", kLibraries,
      absl::StrCat(
          "INSERT INTO libraries (id, parent_id, display_name, kind, region, address, website, "
          "time_zone, revision, create_time, update_time) SELECT ",
          Lib("s.seq"), ", CASE WHEN s.seq = 0 THEN NULL WHEN s.seq <= 10 THEN 'rv-000' ELSE ",
          Lib("1 + (s.seq - 11) % 10"),
          " END, CASE WHEN s.seq = 0 THEN 'Областная универсальная научная библиотека' WHEN "
          "s.seq <= 10 THEN CONCAT('Централизованная библиотечная система № ', s.seq) ELSE "
          "CONCAT('Библиотека-филиал № ', s.seq) END, CASE WHEN s.seq = 0 THEN 1 WHEN s.seq <= "
          "10 THEN 2 ELSE 4 END, 'Вологодская область', '', '', IF(",
          region,
          " IN (9, 10), 'Asia/Yekaterinburg', 'Europe/Moscow'), 1, TIMESTAMP('2015-01-01 "
          "09:00:00'), TIMESTAMP('2015-01-01 09:00:00') FROM seq_0_to_99 s ORDER BY s.seq"));

  // Partners: 0..99999 live (1000 a library), 100000..100999 deleted in the period (10 a
  // library), 101000..101499 created after it (5 a library). 3 in 10 of the live ones are new.
  const std::string partner_library =
      Lib("IF(s.seq < 100000, s.seq DIV 1000, IF(s.seq < 101000, (s.seq - 100000) DIV 10, "
          "(s.seq - 101000) DIV 5))");
  add("partners", 101500,
      absl::StrCat(
          "INSERT INTO partners (library_id, id, display_name, legal_name, inn, ogrn, kind, "
          "state, website, email, phone, address, notes, repeated_values, revision, "
          "create_time, update_time, delete_time) SELECT x.lib, CONCAT('p-', LPAD(x.s, 6, "
          "'0')), CONCAT('Партнёр № ', x.s), CONCAT('ООО «Партнёр ', x.s, '»'), NULL, '', 1 + "
          "x.s % 8, 1 + (x.s DIV 8) % 4, '', '', '', 'г. Вологда, ул. Ленина, д. 1', '', "
          "CONCAT('support_forms', CHAR(30 USING utf8mb4), 1 + x.s % 6, IF(x.s % 3 = 0, "
          "CONCAT(CHAR(31 USING utf8mb4), 'support_forms', CHAR(30 USING utf8mb4), 1 + (x.s + 1) "
          "% 6), '')), 1, x.c, x.c, IF(x.s >= 100000 AND x.s < 101000, TIMESTAMP(@p0 + INTERVAL "
          "100 DAY, '12:00:00'), NULL) FROM (SELECT s.seq AS s, ",
          partner_library,
          " AS lib, IF(s.seq >= 101000, TIMESTAMP(@p1 + INTERVAL 1 + s.seq % 5 DAY, '12:00:00'), "
          "IF(s.seq % 10 < 3, TIMESTAMP(@p0 + INTERVAL 1 + s.seq % 360 DAY, '12:00:00'), "
          "TIMESTAMP(@p0 - INTERVAL 400 + s.seq % 700 DAY, '12:00:00'))) AS c FROM "
          "seq_0_to_101499 s) x"));
  add("partners' support forms", 101500 + 33834,
      absl::StrCat("INSERT INTO resource_values (collection, library_id, owner_id, field, "
                   "position, value) SELECT 'partners', ",
                   partner_library,
                   ", CONCAT('p-', LPAD(s.seq, 6, '0')), 'support_forms', f.seq, IF(f.seq = 0, 1 + "
                   "s.seq % 6, 1 + (s.seq + 1) % 6) FROM seq_0_to_101499 s JOIN seq_0_to_1 f ON "
                   "f.seq = 0 OR s.seq % 3 = 0"));

  // Volunteers: 0..49999 live (500 a library; the first 400 ACTIVE and working), 50000..50499
  // deleted (5 a library). 1 in 5 registered in the period; born 1960..2009.
  const std::string volunteer_library =
      Lib("IF(s.seq < 50000, s.seq DIV 500, (s.seq - 50000) DIV 5)");
  const std::string registered =
      "IF(s.seq % 5 = 0, TIMESTAMP(@p0 + INTERVAL 1 + s.seq % 360 DAY, '10:00:00'), "
      "TIMESTAMP(@p0 - INTERVAL 30 + s.seq % 900 DAY, '10:00:00'))";
  add("volunteers", 50500,
      absl::StrCat(
          "INSERT INTO volunteers (library_id, id, family_name, given_name, patronymic, "
          "birth_date, city, availability, blackouts, notes, state, repeated_values, revision, "
          "create_time, update_time, delete_time) SELECT x.lib, CONCAT('v-', LPAD(x.s, 5, "
          "'0')), ELT(1 + x.s % 5, 'Иванова', 'Петров', 'Смирнова', 'Кузнецов', 'Ёлкина'), "
          "ELT(1 + (x.s DIV 5) % 5, 'Анна', 'Пётр', 'Мария', 'Иван', 'Алёна'), "
          "CONCAT('Отчество-', x.s), DATE('1960-03-15') + INTERVAL x.s % 50 YEAR, 'Вологда', "
          "'', '', '', IF(x.s < 50000 AND x.s % 500 < 400, 2, 1 + x.s % 4), CONCAT('emails', "
          "CHAR(30 USING utf8mb4), 'volunteer', x.s, '@example.ru'), 1, x.c, x.c, IF(x.s >= "
          "50000, TIMESTAMP(@p0 + INTERVAL 200 DAY, '12:00:00'), NULL) FROM (SELECT s.seq AS s, ",
          volunteer_library, " AS lib, ", registered, " AS c FROM seq_0_to_50499 s) x"));
  add("projects", 500,
      absl::StrCat(
          "INSERT INTO projects (library_id, id, title, description, minimum_age, "
          "start_date, end_date, state, revision, create_time, update_time) SELECT ",
          Lib("s.seq DIV 5"),
          ", CONCAT('pr-', LPAD(s.seq, 3, '0')), CONCAT('Проект № ', s.seq), '', 0, "
          "@p0 - INTERVAL 30 DAY, NULL, 2, 1, TIMESTAMP(@p0 - INTERVAL 60 DAY, "
          "'09:00:00'), TIMESTAMP(@p0 - INTERVAL 60 DAY, '09:00:00') FROM seq_0_to_499 s"));

  // Approved hours: entry s of library s DIV 10000, volunteer (s % 10000) DIV 25 of it, project
  // s % 5 of it (none for 1 in 50), 30..240 minutes, every day of the period.
  for (int64_t from = 0; from < kApprovedHours; from += kChunk) {
    add(absl::StrFormat("hours (approved) %d..%d", from, from + kChunk - 1), kChunk,
        absl::StrCat(
            "INSERT INTO hours (library_id, volunteer_id, id, volunteer, project, work_date, "
            "minutes, description, source, state, submitted_by, reviewed_by, review_time, "
            "revision, create_time, update_time, delete_time) SELECT x.lib, x.vol, CONCAT('h-', "
            "LPAD(x.s, 7, '0')), CONCAT('libraries/', x.lib, '/volunteers/', x.vol), IF(x.s % 50 "
            "= 49, NULL, CONCAT('libraries/', x.lib, '/projects/pr-', LPAD((x.s DIV 10000) * 5 + "
            "x.s % 5, 3, '0'))), x.d, 30 * (1 + x.s % 8), 'Помощь на абонементе и в читальном "
            "зале', 1, 2, 'apiKeys/bench', 'apiKeys/bench', TIMESTAMP(x.d, '18:00:00'), 2, "
            "TIMESTAMP(x.d, '17:00:00'), TIMESTAMP(x.d, '18:00:00'), NULL FROM (SELECT s.seq AS "
            "s, ",
            Lib("s.seq DIV 10000"), " AS lib, CONCAT('v-', LPAD((s.seq DIV 10000) * 500 + (s.seq ",
            "% 10000) DIV 25, 5, '0')) AS vol, @p0 + INTERVAL (s.seq * 7) % 365 DAY AS d FROM ",
            "seq_", from, "_to_", from + kChunk - 1, " s) x"));
  }
  // Hours that must not count, 1000 a library, for its volunteers 400..499: 4 in 10 SUBMITTED,
  // 3 REJECTED, 2 APPROVED and deleted, 1 APPROVED in the year before.
  add("hours (not counted)", kOtherHours,
      absl::StrCat(
          "INSERT INTO hours (library_id, volunteer_id, id, volunteer, project, work_date, "
          "minutes, description, source, state, submitted_by, reviewed_by, review_time, "
          "revision, create_time, update_time, delete_time) SELECT x.lib, x.vol, CONCAT('x-', "
          "LPAD(x.s, 6, '0')), CONCAT('libraries/', x.lib, '/volunteers/', x.vol), "
          "CONCAT('libraries/', x.lib, '/projects/pr-', LPAD((x.s DIV 1000) * 5 + x.s % 5, 3, "
          "'0')), x.d, 120, 'Помощь на абонементе и в читальном зале', 1, CASE WHEN x.k < 4 "
          "THEN 1 WHEN x.k < 7 THEN 3 ELSE 2 END, 'apiKeys/bench', IF(x.k < 4, '', "
          "'apiKeys/bench'), IF(x.k < 4, NULL, TIMESTAMP(x.d, '18:00:00')), 1, TIMESTAMP(x.d, "
          "'17:00:00'), TIMESTAMP(x.d, '18:00:00'), IF(x.k IN (7, 8), TIMESTAMP(x.d, "
          "'19:00:00'), NULL) FROM (SELECT s.seq AS s, s.seq % 10 AS k, ",
          Lib("s.seq DIV 1000"),
          " AS lib, CONCAT('v-', LPAD((s.seq DIV 1000) * 500 + 400 + (s.seq % 1000) DIV 10, 5, "
          "'0')) AS vol, IF(s.seq % 10 = 9, @p0 - INTERVAL 1 + s.seq % 300 DAY, @p0 + INTERVAL "
          "(s.seq * 7) % 365 DAY) AS d FROM seq_0_to_99999 s) x"));

  // Shifts: 20 a project in the period; sign-ups: 10 a shift (7 COMPLETED, one of them for 2,
  // a NO_SHOW, a CANCELED), each of another volunteer.
  add("shifts", 10000,
      absl::StrCat(
          "INSERT INTO shifts (library_id, project_id, id, project, start_time, end_time, "
          "capacity, waitlist_mode, place, notes, confirmed_places, places_revision, waiting, "
          "revision, create_time, update_time) SELECT x.lib, x.pr, CONCAT('sh-', LPAD(x.s, 5, "
          "'0')), CONCAT('libraries/', x.lib, '/projects/', x.pr), x.t, x.t + INTERVAL 3 HOUR, "
          "20, 3, '', '', 10, 10, 0, 1, x.t - INTERVAL 30 DAY, x.t FROM (SELECT s.seq AS s, ",
          Lib("s.seq DIV 100"),
          " AS lib, CONCAT('pr-', LPAD(s.seq DIV 20, 3, '0')) AS pr, TIMESTAMP(@p0 + INTERVAL 3 + "
          "(s.seq * 17) % 350 DAY, '07:00:00') AS t FROM seq_0_to_9999 s) x"));
  add("sign-ups", 100000,
      absl::StrCat(
          "INSERT INTO signups (library_id, project_id, shift_id, id, shift, volunteer, "
          "party_size, source, state, revision, create_time, update_time) SELECT x.lib, x.pr, "
          "x.sh, CONCAT('su-', LPAD(x.s, 6, '0')), CONCAT('libraries/', x.lib, '/projects/', "
          "x.pr, '/shifts/', x.sh), CONCAT('libraries/', x.lib, '/volunteers/v-', LPAD((x.s DIV "
          "1000) * 500 + x.s % 400, 5, '0')), IF(x.s % 10 = 9, 2, 1), 1, ELT(1 + x.s % 10, 4, 4, "
          "4, 4, 4, 4, 4, 5, 6, 4), 1, x.t - INTERVAL 30 DAY, x.t FROM (SELECT s.seq AS s, ",
          Lib("s.seq DIV 1000"),
          " AS lib, CONCAT('pr-', LPAD(s.seq DIV 200, 3, '0')) AS pr, CONCAT('sh-', LPAD(s.seq "
          "DIV 10, 5, '0')) AS sh, TIMESTAMP(@p0 + INTERVAL 3 + ((s.seq DIV 10) * 17) % 350 DAY, "
          "'07:00:00') AS t FROM seq_0_to_99999 s) x"));

  // Agreements: 100 a library with one of its partners; 1 in 10 DRAFT, 6 ACTIVE, 1 SUSPENDED,
  // TERMINATED, EXPIRED (in the period); half signed in the period; 2 in 3 with a value in RUB.
  add("agreements", 10000,
      absl::StrCat(
          "INSERT INTO agreements (library_id, id, partner, number, title, kind, state, "
          "sign_date, start_date, end_date, auto_renew, renewal_months, subject, "
          "library_obligations, partner_obligations, value, documents, revision, create_time, "
          "update_time) SELECT x.lib, CONCAT('a-', LPAD(x.s, 5, '0')), CONCAT('libraries/', "
          "x.lib, '/partners/p-', LPAD((x.s DIV 100) * 1000 + (x.s % 100) * 10, 6, '0')), "
          "CONCAT('Д-', x.s), CONCAT('Соглашение № ', x.s), 1 + x.s % 6, x.st, IF(x.st = 1, "
          "NULL, x.sd), IF(x.st = 1, NULL, x.sd), IF(x.st = 5, @p0 + INTERVAL 10 + x.s % 300 "
          "DAY, x.sd + INTERVAL 2 YEAR), FALSE, 0, 'Совместные мероприятия', '', '', IF(x.s % 3 "
          "= 0, '', CONCAT('{\"currency_code\":\"RUB\",\"units\":\"', 10000 * (1 + x.s % 50), "
          "'\"}')), '', 1, TIMESTAMP(x.sd - INTERVAL 10 DAY, '12:00:00'), TIMESTAMP(x.sd, "
          "'12:00:00') FROM (SELECT s.seq AS s, ",
          Lib("s.seq DIV 100"),
          " AS lib, ELT(1 + s.seq % 10, 1, 2, 2, 2, 2, 2, 2, 3, 4, 5) AS st, IF(s.seq % 2 = 0, "
          "@p0 + INTERVAL 5 + (s.seq * 11) % 300 DAY, @p0 - INTERVAL 600 + (s.seq * 11) % 300 "
          "DAY) AS sd FROM seq_0_to_9999 s) x"));
  add("TERMINATE entries", 1000,
      absl::StrCat("INSERT INTO activities (id, library_id, kind, actor, verb, resource, "
                   "changed_fields, request_id, subject, description, occurred_time, revision, "
                   "create_time, update_time) SELECT CONCAT('t-', LPAD(x.s, 5, '0')), x.lib, 1, "
                   "'apiKeys/bench', 'TERMINATE', CONCAT('libraries/', x.lib, '/agreements/a-', "
                   "LPAD(x.s, 5, '0')), 'state,termination_reason', '', '', '', x.t, 1, x.t, x.t "
                   "FROM (SELECT s.seq AS s, ",
                   Lib("s.seq DIV 100"),
                   " AS lib, TIMESTAMP(@p0 + INTERVAL 200 DAY, '12:00:00') AS t FROM "
                   "seq_0_to_9999 s WHERE s.seq % 10 = 8) x"));

  // Interactions: 500 a library, kinds MEETING..OTHER, 9 in 10 in the period; the even ones
  // relate a partner of the library.
  add("interactions", 50000,
      absl::StrCat(
          "INSERT INTO activities (id, library_id, kind, actor, verb, resource, changed_fields, "
          "request_id, subject, description, occurred_time, repeated_values, revision, "
          "create_time, update_time) SELECT CONCAT('i-', LPAD(x.s, 6, '0')), x.lib, 2 + x.s % "
          "7, 'apiKeys/bench', '', '', '', '', CONCAT('Встреча № ', x.s), 'Обсуждение "
          "совместных мероприятий', x.t, IF(x.s % 2 = 0, CONCAT('related', CHAR(30 USING "
          "utf8mb4), x.p), NULL), 1, x.t, x.t FROM (SELECT s.seq AS s, ",
          Lib("s.seq DIV 500"), " AS lib, CONCAT('libraries/', ", Lib("s.seq DIV 500"),
          ", '/partners/p-', LPAD((s.seq DIV 500) * 1000 + s.seq % 1000, 6, '0')) AS p, "
          "IF(s.seq % 10 = 9, TIMESTAMP(@p0 - INTERVAL 1 + s.seq % 300 DAY, '14:00:00'), "
          "TIMESTAMP(@p0 + INTERVAL 1 + s.seq % 360 DAY, '14:00:00')) AS t FROM seq_0_to_49999 "
          "s) x"));
  add("interactions' partners", 25000,
      absl::StrCat("INSERT INTO resource_values (collection, library_id, owner_id, field, "
                   "position, value) SELECT 'activities', ",
                   Lib("s.seq DIV 500"), ", CONCAT('i-', LPAD(s.seq, 6, '0')), 'related', 0, ",
                   "CONCAT('libraries/', ", Lib("s.seq DIV 500"),
                   ", '/partners/p-', LPAD((s.seq DIV 500) * 1000 + s.seq % 1000, 6, '0')) FROM "
                   "seq_0_to_49999 s WHERE s.seq % 2 = 0"));
  // The SYSTEM entry of each approved hours entry (its CREATE).
  for (int64_t from = 0; from < kApprovedHours; from += kChunk) {
    add(absl::StrFormat("SYSTEM entries %d..%d", from, from + kChunk - 1), kChunk,
        absl::StrCat(
            "INSERT INTO activities (id, library_id, kind, actor, verb, resource, "
            "changed_fields, request_id, subject, description, occurred_time, revision, "
            "create_time, update_time) SELECT CONCAT('s-', LPAD(x.s, 7, '0')), x.lib, 1, "
            "'apiKeys/bench', 'CREATE', CONCAT('libraries/', x.lib, '/volunteers/v-', "
            "LPAD((x.s DIV 10000) * 500 + (x.s % 10000) DIV 25, 5, '0'), '/hours/h-', LPAD(x.s, "
            "7, '0')), 'volunteer,project,work_date,minutes', '', '', '', x.t, 1, x.t, x.t FROM "
            "(SELECT s.seq AS s, ",
            Lib("s.seq DIV 10000"),
            " AS lib, TIMESTAMP(@p0 + INTERVAL (s.seq * 7) % 365 DAY, '17:00:00') AS t FROM seq_",
            from, "_to_", from + kChunk - 1, " s) x"));
  }

  // Consents: one a volunteer, given when it registered (by a representative for the minors);
  // 1 in 50 withdrawn in the period (1 in 100 by erasure), due for destruction 30 days later,
  // destroyed 5 days before that for 1 in 4 of them and never for the rest.
  add("consents", 50500,
      absl::StrCat(
          "INSERT INTO consents (library_id, id, subject, subject_name, "
          "representative_relation, given_time, method, document_number, state, withdraw_time, "
          "withdrawal_channel, destroy_due, destroy_time, repeated_values, revision, "
          "create_time, update_time) SELECT x.lib, CONCAT('c-', x.n5), CONCAT('libraries/', "
          "x.lib, '/volunteers/v-', x.n5), CONCAT('Волонтёр ', x.n), IF(x.n % 50 >= 48, 1, 0), "
          "x.c, 1, CONCAT('П-', x.n), IF(x.w, 2, 1), IF(x.w, TIMESTAMP(@p0 + INTERVAL 20 + x.n % "
          "300 DAY, '11:00:00'), NULL), IF(x.w, IF(x.n % 100 = 7, 0, 1), 0), IF(x.w, "
          "TIMESTAMP(@p0 + INTERVAL 50 + x.n % 300 DAY, '11:00:00'), NULL), IF(x.w AND x.n % 4 "
          "= 3, TIMESTAMP(@p0 + INTERVAL 45 + x.n % 300 DAY, '11:00:00'), NULL), "
          "CONCAT('data_categories', CHAR(30 USING utf8mb4), 'ФИО'), 1, x.c, x.c FROM (SELECT "
          "s.seq AS n, LPAD(s.seq, 5, '0') AS n5, s.seq % 50 = 7 AS w, ",
          volunteer_library, " AS lib, ", registered, " AS c FROM seq_0_to_50499 s) x"));
  add("destructions", 505,
      "INSERT INTO destructions (library_id, id, subject, consent, reason, destroy_time, "
      "destroyed_by, due_time, overdue, revision, create_time, update_time) SELECT c.library_id, "
      "CONCAT('d-', SUBSTR(c.id, 3)), c.subject, CONCAT('libraries/', c.library_id, "
      "'/consents/', c.id), IF(c.withdrawal_channel = 0, 2, 1), c.destroy_time, "
      "'apiKeys/bench', c.destroy_due, FALSE, 1, c.destroy_time, c.destroy_time FROM consents "
      "c WHERE c.library_id LIKE 'rv-%' AND c.destroy_time IS NOT NULL");

  // Governance: a reader council in each library, a supervisory board at the root and a
  // trustee board in each regional library; 7 (6) members, one of whom left in the period;
  // 4 meetings in the period (one without quorum in some) and one before; 2 decisions a
  // meeting, each with an action item, the first of them still open.
  struct Family {
    const char* prefix;
    const char* collection;
    const char* body_id;
    int bodies;
    int members;
  };
  for (const Family& f : {Family{"reader_council", "readerCouncils", "rc", 100, 7},
                          Family{"supervisory_board", "supervisoryBoards", "sb", 11, 6}}) {
    const std::string p = f.prefix;
    const bool council = p == "reader_council";
    add(absl::StrCat(p, "s"), f.bodies,
        absl::StrCat("INSERT INTO ", p,
                     "s (library_id, id, display_name, description, kind, rules, seat_count, "
                     "established_date, regulation, revision, create_time, update_time) SELECT ",
                     Lib("s.seq"), ", '", f.body_id, "', ",
                     council ? "'Читательский совет', '', 0"
                             : "IF(s.seq = 0, 'Наблюдательный совет', 'Попечительский совет'), "
                               "'', IF(s.seq = 0, 1, 2)",
                     ", '{\"meetings_per_year\":4}', 9, DATE('2019-06-01'), '', 1, "
                     "TIMESTAMP('2019-06-01 10:00:00'), TIMESTAMP('2019-06-01 10:00:00') FROM "
                     "seq_0_to_",
                     f.bodies - 1, " s"));
    add(absl::StrCat(p, "_members"), f.bodies * f.members,
        absl::StrCat("INSERT INTO ", p,
                     "_members (library_id, body_id, id, person, seat_kind, staff_position, role, "
                     "term_start_date, term_end_date, end_date, end_reason, revision, "
                     "create_time, update_time) SELECT x.lib, '",
                     f.body_id,
                     "', CONCAT('m', x.k), CONCAT('libraries/', x.lib, '/volunteers/v-', "
                     "LPAD(x.b * 500 + x.k, 5, '0')), 'READER', 0, IF(x.k = 0, 1, 3), @p0 - "
                     "INTERVAL 1 YEAR, @p0 + INTERVAL 2 YEAR, IF(x.k = 5, @p0 + INTERVAL 100 DAY, "
                     "NULL), IF(x.k = 5, 1, 0), 1, TIMESTAMP(@p0 - INTERVAL 1 YEAR, '10:00:00'), "
                     "TIMESTAMP(@p0 - INTERVAL 1 YEAR, '10:00:00') FROM (SELECT s.seq DIV ",
                     f.members, " AS b, s.seq % ", f.members, " AS k, ",
                     Lib(absl::StrCat("s.seq DIV ", f.members)), " AS lib FROM seq_0_to_",
                     f.bodies * f.members - 1, " s) x"));
    // Meeting k of a body: k < 4 on the 15th of March, June, September, December; k = 4 in
    // the December before.
    const std::string meeting_date =
        "IF(x.k = 4, @p0 - INTERVAL 20 DAY, @p0 + INTERVAL 2 + 3 * x.k MONTH + INTERVAL 14 DAY)";
    add(absl::StrCat(p, "_meetings"), f.bodies * 5,
        absl::StrCat("INSERT INTO ", p,
                     "_meetings (library_id, body_id, id, title, local_start_time, meeting_date, "
                     "state, members_in_office, present_count, notified_count, quorum, minutes, "
                     "revision, create_time, update_time) SELECT x.lib, '",
                     f.body_id, "', CONCAT('mt', x.k), CONCAT('Заседание № ', x.k + 1), '', ",
                     meeting_date, ", 3, 6, IF(x.q, 5, 2), 6, x.q, '', 1, TIMESTAMP(", meeting_date,
                     ", '10:00:00'), TIMESTAMP(", meeting_date,
                     ", '10:00:00') FROM (SELECT s.seq DIV 5 AS b, s.seq % 5 AS k, NOT (s.seq % 5 "
                     "= 3 AND (s.seq DIV 5) % 7 = 0) AS q, ",
                     Lib("s.seq DIV 5"), " AS lib FROM seq_0_to_", f.bodies * 5 - 1, " s) x"));
    const std::string meeting = absl::StrCat("CONCAT('libraries/', x.lib, '/", f.collection, "/",
                                             f.body_id, "/meetings/mt', x.k)");
    const std::string decision_date = "@p0 + INTERVAL 2 + 3 * x.k MONTH + INTERVAL 14 DAY";
    add(absl::StrCat(p, "_decisions"), f.bodies * 8,
        absl::StrCat("INSERT INTO ", p,
                     "_decisions (library_id, body_id, id, agenda_item, meeting, decision_date, "
                     "title, text, revision, create_time, update_time) SELECT x.lib, '",
                     f.body_id, "', CONCAT('d', x.k, x.j), CONCAT(", meeting,
                     ", '/agendaItems/a', x.j), ", meeting, ", ", decision_date,
                     ", CONCAT('Решение ', x.k + 1, '.', x.j + 1), '', 1, TIMESTAMP(",
                     decision_date, ", '12:00:00'), TIMESTAMP(", decision_date,
                     ", '12:00:00') FROM (SELECT (s.seq % 8) DIV 2 AS k, s.seq % 2 AS j, ",
                     Lib("s.seq DIV 8"), " AS lib FROM seq_0_to_", f.bodies * 8 - 1, " s) x"));
    add(absl::StrCat(p, "_action_items"), f.bodies * 8,
        absl::StrCat("INSERT INTO ", p,
                     "_action_items (library_id, body_id, decision_id, id, title, owner, "
                     "due_date, state, state_time, revision, create_time, update_time) SELECT "
                     "x.lib, '",
                     f.body_id,
                     "', CONCAT('d', x.k, x.j), 'ai', CONCAT('Поручение ', x.k + 1, '.', x.j + "
                     "1), 'Заведующая', ",
                     decision_date,
                     " + INTERVAL 30 DAY, IF(x.j = 0, 1, 2), IF(x.j = 0, NULL, "
                     "TIMESTAMP(",
                     decision_date, " + INTERVAL 25 DAY, '12:00:00')), 1, TIMESTAMP(",
                     decision_date, ", '12:00:00'), TIMESTAMP(", decision_date,
                     ", '12:00:00') FROM (SELECT (s.seq % 8) DIV 2 AS k, s.seq % 2 AS j, ",
                     Lib("s.seq DIV 8"), " AS lib FROM seq_0_to_", f.bodies * 8 - 1, " s) x"));
  }
  return steps;
}

// The tables the seeding wrote, analyzed afterwards (a settled database's statistics).
constexpr char kAnalyze[] =
    "ANALYZE TABLE libraries, partners, resource_values, volunteers, projects, hours, "
    "hours_monthly, hours_yearly, shifts, "
    "signups, agreements, activities, consents, destructions, reader_councils, "
    "reader_council_members, reader_council_meetings, reader_council_decisions, "
    "reader_council_action_items, supervisory_boards, supervisory_board_members, "
    "supervisory_board_meetings, supervisory_board_decisions, supervisory_board_action_items";

absl::Status Seed(storage::ConnectionPool& pool, absl::CivilYear year) {
  auto lease = pool.Checkout();
  if (!lease.ok()) return lease.status();
  storage::Session& s = **lease;
  return s.Run([&]() -> absl::Status {
    auto rs = s.Query("SELECT COUNT(*) FROM libraries WHERE id = ?", LibraryId(0));
    if (rs->next() && rs->getInt64(1) > 0) {
      std::printf("review: the network is already seeded in this database; reusing it\n");
      return absl::OkStatus();
    }
    s.ExecuteDirect(absl::StrFormat("SET @p0 = DATE('%04d-01-01'), @p1 = DATE('%04d-01-01')",
                                    year.year(), year.year() + 1));
    const std::vector<SeedStep> steps = SeedSteps();
    const absl::Time start = absl::Now();
    int64_t total = 0;
    for (const SeedStep& step : steps) {
      const absl::Time begun = absl::Now();
      const uint64_t rows = s.Execute(step.sql);
      total += static_cast<int64_t>(rows);
      std::printf("  seeded %-42s %8llu rows %6.1f s (%5.1f s in all)\n", step.what.c_str(),
                  static_cast<unsigned long long>(rows), absl::ToDoubleSeconds(absl::Now() - begun),
                  absl::ToDoubleSeconds(absl::Now() - start));
      std::fflush(stdout);
      if (static_cast<int64_t>(rows) != step.rows) {
        return absl::InternalError(
            absl::StrCat("seeding ", step.what, " inserted ", rows, " rows, not ", step.rows));
      }
    }
    const absl::Time analyzing = absl::Now();
    auto analyzed = s.Query(kAnalyze);
    while (analyzed->next()) {
    }
    std::printf("  analyzed the tables in %.1f s; seeded %lld rows in %.1f s\n",
                absl::ToDoubleSeconds(absl::Now() - analyzing), static_cast<long long>(total),
                absl::ToDoubleSeconds(absl::Now() - start));
    std::fflush(stdout);
    return absl::OkStatus();
  });
}

// What the review must count, from the seeding statements' formulas.
struct Expected {
  int64_t libraries = kLibraries;
  int64_t partners = 0;      // partners.total
  int64_t new_partners = 0;  // partners.new
  int64_t minutes = 0;       // hours.approved_minutes
  int64_t entries = 0;       // hours.entries
  int64_t active = 0;        // volunteers.active
  int64_t registered = 0;    // volunteers.registered
  int64_t rub_units = 0;     // agreements.value_signed.RUB
  int64_t interactions = 0;  // interactions.total
};

Expected ExpectedFigures() {
  Expected e;
  for (int64_t s = 0; s < kLibraries * kPartnersPerLibrary; ++s) {
    ++e.partners;
    if (s % 10 < 3) ++e.new_partners;
  }
  for (int64_t s = 0; s < kApprovedHours; ++s) {
    e.minutes += 30 * (1 + s % 8);
    ++e.entries;
  }
  e.active = int64_t{kLibraries} * kWorkingVolunteers;
  e.registered = int64_t{kLibraries} * kVolunteersPerLibrary;
  for (int64_t s = 0; s < kLibraries * kAgreementsPerLibrary; ++s) {
    const bool draft = s % 10 == 0, signed_in_period = s % 2 == 0, valued = s % 3 != 0;
    if (!draft && signed_in_period && valued) e.rub_units += 10000 * (1 + s % 50);
  }
  for (int64_t s = 0; s < kLibraries * kInteractionsPerLibrary; ++s) {
    if (s % 10 != 9) ++e.interactions;
  }
  return e;
}

// The hand-written aggregate: approved hours of the libraries in the period, by library,
// project and month. Its totals, to check it read what the review read.
struct Aggregate {
  int64_t groups = 0;
  int64_t minutes = 0;
  int64_t entries = 0;
};

absl::StatusOr<Aggregate> HandWritten(storage::ConnectionPool& pool,
                                      const std::vector<std::string>& libraries,
                                      const services::review::Period& period) {
  std::string sql =
      "SELECT library_id, COALESCE(project, ''), DATE_FORMAT(work_date, '%Y-%m'), SUM(minutes), "
      "COUNT(*) FROM hours WHERE library_id IN (";
  std::vector<storage::SqlValue> params;
  for (size_t i = 0; i < libraries.size(); ++i) {
    absl::StrAppend(&sql, i == 0 ? "?" : ", ?");
    params.push_back(libraries[i]);
  }
  absl::StrAppend(&sql,
                  ") AND state = 2 AND work_date BETWEEN ? AND ? AND delete_time IS NULL "
                  "GROUP BY 1, 2, 3");
  params.push_back(absl::FormatCivilTime(period.start));
  params.push_back(absl::FormatCivilTime(period.end));
  Aggregate out;
  absl::Status ok = storage::RunRead(pool, [&](storage::Session& s) {
    return s.Run([&]() -> absl::Status {
      out = Aggregate();
      auto rs = s.QueryValues(sql, params);
      while (rs->next()) {
        // Read as the review reads its rows.
        const std::string library = storage::GetString(*rs, 1);
        const std::string project = storage::GetString(*rs, 2);
        const std::string month = storage::GetString(*rs, 3);
        if (library.empty() || month.empty()) return absl::InternalError("an empty group");
        ++out.groups;
        out.minutes += rs->getInt64(4);
        out.entries += rs->getInt64(5);
      }
      return absl::OkStatus();
    });
  });
  if (!ok.ok()) return ok;
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// A figure of the whole subtree by key (nullptr when the review has none).
const v1::Figure* FigureOf(const v1::NetworkReview& review, const std::string& key) {
  for (const v1::Figure& f : review.figures()) {
    if (f.key() == key) return &f;
  }
  return nullptr;
}

// The query (or step) a logged statement belongs to, by what it reads.
std::string StatementName(const std::string& sql) {
  struct Rule {
    const char* needle;
    const char* name;
  };
  static const Rule kRules[] = {
      {"WITH RECURSIVE down", "subtree"},
      {"STRAIGHT_JOIN resource_values", "partners.support_forms@1"},
      {"FROM partners t", "partners@1"},
      {"JSON_VALUE(t.value", "agreements.value@1"},
      {"FROM agreements t", "agreements@1"},

      {"FROM volunteers t", "volunteers@1"},
      {"SELECT u.library_id, u.volunteer_id FROM (", "volunteers.active@1"},
      {"SELECT u.library_id, u.project, u.month", "hours@1"},
      {"FROM signups t", "signups@1"},
      {"FROM reader_councils t", "governance.reader_councils@1"},
      {"FROM supervisory_boards t", "governance.supervisory_boards@1"},
      {"FROM consents t", "consents@1"},
      {"FROM destructions t", "destructions@1"},
      {"FROM activities t", "interactions@1"},
      {"FROM projects t", "project titles"},
      {"report_template_lines", "template lines"},
  };
  for (const Rule& r : kRules) {
    if (sql.find(r.needle) != std::string::npos) return r.name;
  }
  std::string head = sql.substr(0, 40);
  std::replace(head.begin(), head.end(), '\n', ' ');
  return head;
}

// One more build, with every statement in the slow query log (on new connections, which take
// long_query_time = 0 from the global): the server's time, rows examined and rows sent of each.
absl::Status Profile(const storage::DbConfig& db, const api::Call& call,
                     const services::review::Period& period, double build_ms) {
  auto admin = storage::ConnectionPool::Connect(db);
  if (!admin.ok()) return admin.status();
  storage::Session& a = **admin;
  std::string output, filter, enabled;
  double long_query_time = 10;
  absl::Status ok = a.Run([&]() -> absl::Status {
    auto rs = a.Query(
        "SELECT @@global.log_output, @@global.log_slow_filter, @@global.slow_query_log, "
        "@@global.long_query_time");
    if (rs->next()) {
      output = storage::GetString(*rs, 1);
      filter = storage::GetString(*rs, 2);
      enabled = storage::GetString(*rs, 3);
      long_query_time = rs->getDouble(4);
    }
    a.ExecuteDirect("SET GLOBAL slow_query_log = OFF");
    a.ExecuteDirect("TRUNCATE TABLE mysql.slow_log");
    a.ExecuteDirect(
        "SET GLOBAL log_output = 'TABLE', log_slow_filter = '', long_query_time = 0, "
        "slow_query_log = ON");
    return absl::OkStatus();
  });
  if (!ok.ok()) return ok;
  double wall_ms = 0;
  {
    storage::ConnectionPool fresh(db);
    const absl::Time start = absl::Now();
    auto built = services::review::Build(fresh, call, LibraryId(0), period);
    wall_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (!built.ok()) ok = built.status();
  }
  absl::Status restored = a.Run([&]() -> absl::Status {
    a.ExecuteDirect("SET GLOBAL slow_query_log = OFF");
    a.ExecuteDirect(absl::StrCat("SET GLOBAL log_output = '", output, "', log_slow_filter = '",
                                 filter, "', long_query_time = ", long_query_time));
    if (enabled == "1") a.ExecuteDirect("SET GLOBAL slow_query_log = ON");
    return absl::OkStatus();
  });
  if (!ok.ok()) return ok;
  if (!restored.ok()) return restored;
  std::printf(
      "per statement (one more build, %.1f ms with the slow log on; the median build took %.1f "
      "ms):\n  %10s %13s %9s  %s\n",
      wall_ms, build_ms, "server_ms", "rows_examined", "rows_sent", "statement");
  return a.Run([&]() -> absl::Status {
    auto rs = a.Query(
        "SELECT TIME_TO_SEC(query_time) * 1000, rows_examined, rows_sent, "
        "CONVERT(sql_text USING utf8mb4) FROM mysql.slow_log");
    double sum = 0;
    std::map<std::string, double> by_name;
    while (rs->next()) {
      const double ms = rs->getDouble(1);
      const std::string sql = storage::GetString(*rs, 4);
      // Not the review's: this code's own, and the pool's set-up of each new connection.
      bool setup = false;
      for (const char* prefix :
           {"SET GLOBAL", "SET autocommit", "SET SESSION", "SHOW SESSION", "SET NAMES"}) {
        setup = setup || sql.rfind(prefix, 0) == 0;
      }
      if (setup) continue;
      sum += ms;
      std::printf("  %10.1f %13lld %9lld  %s\n", ms, static_cast<long long>(rs->getInt64(2)),
                  static_cast<long long>(rs->getInt64(3)), StatementName(sql).c_str());
    }
    std::printf(
        "  %10.1f in the database in all; %.1f ms outside it (connections, transfer, the "
        "roll-up and the response)\n",
        sum, wall_ms - sum);
    a.ExecuteDirect("TRUNCATE TABLE mysql.slow_log");
    return absl::OkStatus();
  });
}

}  // namespace

int RunReview(const ReviewOptions& options, const storage::DbConfig& db) {
  auto migrated = storage::ApplyMigrations(db);
  if (!migrated.ok()) {
    std::fprintf(stderr, "allies-bench: migrations failed: %s\n",
                 std::string(migrated.status().message()).c_str());
    return 1;
  }
  storage::ConnectionPool pool(db);
  // The last full year.
  const absl::CivilYear year(absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() - 1);
  const services::review::Period period{absl::CivilDay(year.year(), 1, 1),
                                        absl::CivilDay(year.year(), 12, 31)};
  std::printf(
      "review: seeding a network of %d libraries (a root, 10 regional, %d branches; two regions "
      "in Asia/Yekaterinburg) for %04lld: %lld approved hours entries, %lld partners...\n",
      kLibraries, kLibraries - 11, static_cast<long long>(year.year()),
      static_cast<long long>(kApprovedHours),
      static_cast<long long>(kLibraries * kPartnersPerLibrary));
  std::fflush(stdout);
  absl::Status seeded = Seed(pool, year);
  if (!seeded.ok()) {
    std::fprintf(stderr, "allies-bench: seeding failed: %s\n",
                 std::string(seeded.message()).c_str());
    return 1;
  }

  std::vector<std::string> libraries;
  for (int i = 0; i < kLibraries; ++i) libraries.push_back(LibraryId(i));
  // A network-wide ADMIN principal, as a system job calls with.
  services::SystemCall system("review-bench", absl::Now());
  const api::Call& call = system.call();

  v1::NetworkReview review;
  Aggregate aggregate;
  auto run_review = [&]() -> absl::StatusOr<double> {
    const absl::Time start = absl::Now();
    auto built = services::review::Build(pool, call, LibraryId(0), period);
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (!built.ok()) return built.status();
    review = *std::move(built);
    return ms;
  };
  auto run_aggregate = [&]() -> absl::StatusOr<double> {
    const absl::Time start = absl::Now();
    auto done = HandWritten(pool, libraries, period);
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (!done.ok()) return done.status();
    aggregate = *done;
    return ms;
  };
  // A warm-up of each (connections, prepared statements, the buffer pool), then the rounds,
  // alternating which side goes first.
  std::vector<double> review_ms, aggregate_ms;
  for (int round = 0; round <= options.rounds; ++round) {
    absl::StatusOr<double> a, b;
    if (round % 2 == 0) {
      a = run_review();
      b = run_aggregate();
    } else {
      b = run_aggregate();
      a = run_review();
    }
    if (!a.ok() || !b.ok()) {
      std::fprintf(stderr, "allies-bench: %s\n",
                   std::string((a.ok() ? b.status() : a.status()).message()).c_str());
      return 1;
    }
    if (round == 0) {
      std::printf("warm-up: review %.1f ms, hand-written aggregate %.1f ms\n", *a, *b);
    } else {
      std::printf("round %d: review %.1f ms, hand-written aggregate %.1f ms\n", round, *a, *b);
      review_ms.push_back(*a);
      aggregate_ms.push_back(*b);
    }
    std::fflush(stdout);
  }
  const double a = Median(review_ms), b = Median(aggregate_ms);
  std::printf(
      "review_ms=%.1f (min %.1f, max %.1f) aggregate_ms=%.1f (min %.1f, max %.1f), medians of "
      "%d\n",
      a, *std::min_element(review_ms.begin(), review_ms.end()),
      *std::max_element(review_ms.begin(), review_ms.end()), b,
      *std::min_element(aggregate_ms.begin(), aggregate_ms.end()),
      *std::max_element(aggregate_ms.begin(), aggregate_ms.end()), options.rounds);
  std::printf(
      "review_vs_aggregate=%.2f (target <= 2) review_seconds=%.3f (target < 1): %s\n"
      "  the review: %d figures of the whole network, %d drill-down entries, %d queries, %zu "
      "bytes; the aggregate: %lld groups\n",
      a / b, a / 1000, a < 1000 && a / b <= 2 ? "both targets met" : "TARGET MISSED",
      review.figures_size(), review.libraries_size(), review.queries_size(), review.ByteSizeLong(),
      static_cast<long long>(aggregate.groups));

  // The headline figures against what was seeded.
  const Expected e = ExpectedFigures();
  bool right = true;
  // `what` the figure should equal: "seeded", or "in the rows" (the hand-written aggregate).
  auto check = [&](const std::string& name, int64_t got, int64_t want,
                   const std::string& what = "seeded") {
    const bool same = got == want;
    right = right && same;
    std::printf(
        "  %-32s %12lld %s\n", name.c_str(), static_cast<long long>(got),
        (same ? absl::StrCat("(as ", what, ")") : absl::StrCat("(WRONG: ", what, " ", want, ")"))
            .c_str());
  };
  auto count = [&](const char* key, const v1::NetworkReview* of = nullptr) -> int64_t {
    const v1::Figure* f = FigureOf(of != nullptr ? *of : review, key);
    return f == nullptr ? -1 : f->count();
  };
  std::printf("figures of the whole network:\n");
  check("library_count", review.library_count(), e.libraries);
  check("partners.total", count("partners.total"), e.partners);
  check("partners.new", count("partners.new"), e.new_partners);
  check("hours.approved_minutes", count("hours.approved_minutes"), e.minutes);
  check("hours.entries", count("hours.entries"), e.entries);
  check("volunteers.active", count("volunteers.active"), e.active);
  check("volunteers.registered", count("volunteers.registered"), e.registered);
  const v1::Figure* rub = FigureOf(review, "agreements.value_signed.RUB");
  check("agreements.value_signed.RUB", rub == nullptr ? -1 : rub->money().units(), e.rub_units);
  check("interactions.total", count("interactions.total"), e.interactions);
  check("aggregate: minutes", aggregate.minutes, e.minutes);
  check("aggregate: entries", aggregate.entries, e.entries);

  // A period of no whole year (2 January .. 30 December): the active volunteers are read from
  // the hours rows and the hours figures from hours_monthly for February .. November and the
  // rows for the days either side. Timed (the slower case), and its hours checked against the
  // hand-written aggregate of the same days.
  {
    const services::review::Period odd{period.start + 1, period.end - 1};
    std::vector<double> odd_ms;
    v1::NetworkReview odd_review;
    for (int i = 0; i < 3; ++i) {
      const absl::Time start = absl::Now();
      auto built = services::review::Build(pool, call, LibraryId(0), odd);
      odd_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      if (!built.ok()) {
        std::fprintf(stderr, "allies-bench: %s\n", std::string(built.status().message()).c_str());
        return 1;
      }
      odd_review = *std::move(built);
    }
    auto rows = HandWritten(pool, libraries, odd);
    if (!rows.ok()) {
      std::fprintf(stderr, "allies-bench: %s\n", std::string(rows.status().message()).c_str());
      return 1;
    }
    std::printf("a period of no whole year (%s .. %s): review_ms=%.1f (median of 3, min %.1f)\n",
                absl::FormatCivilTime(odd.start).c_str(), absl::FormatCivilTime(odd.end).c_str(),
                Median(odd_ms), *std::min_element(odd_ms.begin(), odd_ms.end()));
    check("hours.approved_minutes", count("hours.approved_minutes", &odd_review), rows->minutes,
          "in the rows");
    check("hours.entries", count("hours.entries", &odd_review), rows->entries, "in the rows");
  }

  absl::Status profiled = Profile(db, call, period, a);
  if (!profiled.ok()) {
    std::fprintf(stderr, "allies-bench: profiling failed: %s\n",
                 std::string(profiled.message()).c_str());
    return 1;
  }
  if (!right) {
    std::fprintf(stderr, "allies-bench: the review's figures differ from what was seeded\n");
    return 1;
  }
  return 0;
}

}  // namespace allies::bench
