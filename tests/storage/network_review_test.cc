// The network review's queries over rows written straight into a real database, where the
// service's API could not put them: times either side of midnight in two time zones, a
// termination after the period, an action item closed after it, meetings of another year,
// deleted, unapproved and corrected hours, the consent ledger's destructions due before the
// period's end and done after it. Each figure is checked per library.
#include "storage/network_review.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/pool.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"
#include "tests/support/test_database.h"

namespace allies::storage::network_review {
namespace {

using allies::testing::TestDatabase;

absl::Time Utc(const char* text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M:%S", text, absl::UTCTimeZone(), &t, &error)) << error;
  return t;
}

class NetworkReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = TestDatabase::Shared().FreshSchema();
    pool_ = std::make_unique<ConnectionPool>(config_);
    // root (UTC) with msk (Europe/Moscow, +3) and vlad (Asia/Vladivostok, +10) below it; old
    // (closed before 2025) is left out.
    Sql("INSERT INTO libraries (id, parent_id, display_name, kind, time_zone, create_time, "
        "update_time, delete_time) VALUES "
        "('root', NULL, 'Область', 1, 'UTC', '2020-01-01', '2020-01-01', NULL), "
        "('msk', 'root', 'Москва', 2, 'Europe/Moscow', '2020-01-01', '2020-01-01', NULL), "
        "('vlad', 'root', 'Владивосток', 2, 'Asia/Vladivostok', '2020-01-01', '2020-01-01', "
        "NULL), "
        "('old', 'root', 'Закрытая', 2, 'UTC', '2020-01-01', '2020-01-01', '2024-06-01')");
  }

  void Sql(const std::string& statement) {
    TestDatabase::Shared().Sql(statement, config_.database);
  }
  // The rows a query returns, as the mariadb client prints them.
  std::string Query(const std::string& statement) {
    return TestDatabase::Shared().Sql(statement, config_.database);
  }

  // The frame of the days start..end for the three libraries, read "at the end" on at_end
  // (its end instant never after `now`), as services/report/review.cc makes it.
  static Frame Days(absl::CivilDay start, absl::CivilDay end, absl::CivilDay at_end,
                    absl::Time now = absl::InfiniteFuture()) {
    Frame f;
    f.libraries = {"root", "msk", "vlad"};
    f.start = start;
    f.end = end;
    f.at_end = at_end;
    for (const auto& [lib, zone_name] : std::vector<std::pair<std::string, std::string>>{
             {"root", "UTC"}, {"msk", "Europe/Moscow"}, {"vlad", "Asia/Vladivostok"}}) {
      absl::TimeZone zone;
      EXPECT_TRUE(absl::LoadTimeZone(zone_name, &zone));
      f.instants.push_back({{lib},
                            absl::FromCivil(f.start, zone),
                            absl::FromCivil(f.end + 1, zone),
                            std::min(absl::FromCivil(f.at_end + 1, zone), now),
                            zone_name});
    }
    return f;
  }
  static Frame Year2025() {
    return Days(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 12, 31),
                absl::CivilDay(2025, 12, 31));
  }

  // Collects `frame` over one connection, or over two (the largest scans on the second).
  Collected Run(const Frame& frame, bool split = false) {
    Collected out;
    absl::StatusOr<Lease> second;
    if (split) {
      second = pool_->Checkout();
      EXPECT_TRUE(second.ok()) << second.status();
    }
    absl::Status ok = RunRead(*pool_, [&](Session& s) -> absl::Status {
      auto c = Collect(s, frame, split && second.ok() ? &**second : nullptr);
      if (!c.ok()) return c.status();
      out = *std::move(c);
      return absl::OkStatus();
    });
    EXPECT_TRUE(ok.ok()) << ok;
    return out;
  }
  Collected RunSplit(const Frame& frame) { return Run(frame, true); }

  static int64_t Get(const Collected& c, const std::string& lib, const std::string& key) {
    auto l = c.sums.find(lib);
    if (l == c.sums.end()) return 0;
    auto k = l->second.find(key);
    return k == l->second.end() ? 0 : static_cast<int64_t>(k->second);
  }

  DbConfig config_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(NetworkReviewTest, SubtreeLeavesOutWhatClosedBeforeThePeriod) {
  std::vector<library_tree::SubtreeLibrary> libs;
  ASSERT_TRUE(RunRead(*pool_, [&](Session& s) -> absl::Status {
                auto got = library_tree::Subtree(s, "root", Utc("2025-01-01 00:00:00"));
                if (!got.ok()) return got.status();
                libs = *got;
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(libs.size(), 3u);
  EXPECT_EQ(libs[0].id, "root");
  EXPECT_EQ(libs[1].parent_id, "root");
  EXPECT_EQ(libs[2].time_zone, "Asia/Vladivostok");
  EXPECT_EQ(
      RunRead(*pool_,
              [&](Session& s) { return library_tree::Subtree(s, "nowhere", absl::Now()).status(); })
          .code(),
      absl::StatusCode::kNotFound);
}

TEST_F(NetworkReviewTest, PartnersAreCountedByTheirLibrarysLocalDays) {
  // Moscow is UTC+3, Vladivostok UTC+10: 21:00 UTC on 31 December is already next year in
  // Moscow, 14:00 UTC in Vladivostok.
  Sql("INSERT INTO partners (library_id, id, display_name, kind, state, notes, create_time, "
      "update_time, delete_time) VALUES "
      "('msk', 'a', 'А', 1, 2, '', '2024-12-31 20:30:00', '2024-12-31', NULL), "  // before
      "('msk', 'b', 'Б', 1, 2, '', '2024-12-31 21:30:00', '2024-12-31', NULL), "  // 1 Jan 2025
      "('msk', 'c', 'В', 2, 1, '', '2025-12-31 20:30:00', '2025-12-31', NULL), "  // 31 Dec
      "('msk', 'd', 'Г', 2, 1, '', '2025-12-31 21:30:00', '2025-12-31', NULL), "  // 1 Jan 2026
      "('msk', 'e', 'Д', 2, 1, '', '2025-03-01 00:00:00', '2025-03-01', '2025-04-01'), "
      "('vlad', 'f', 'Е', 8, 2, '', '2025-12-31 13:30:00', '2025-12-31', NULL), "
      "('vlad', 'g', 'Ё', 8, 2, '', '2025-12-31 14:30:00', '2025-12-31', NULL)");
  Sql("INSERT INTO resource_values (library_id, collection, owner_id, field, position, value) "
      "VALUES ('msk', 'partners', 'a', 'support_forms', 0, '1'), "
      "('msk', 'partners', 'a', 'support_forms', 1, '6'), "
      "('msk', 'partners', 'd', 'support_forms', 0, '1')");
  const Collected c = Run(Year2025());
  EXPECT_EQ(Get(c, "msk", "partners.total"), 3) << "a, b, c: d is next year, e deleted";
  EXPECT_EQ(Get(c, "msk", "partners.new"), 2) << "b and c";
  EXPECT_EQ(Get(c, "msk", "partners.by_kind.BUSINESS"), 2);
  EXPECT_EQ(Get(c, "msk", "partners.by_kind.NONPROFIT"), 1);
  EXPECT_EQ(Get(c, "msk", "partners.by_state.ACTIVE"), 2);
  EXPECT_EQ(Get(c, "msk", "partners.by_support_form.MATERIAL"), 1) << "d is next year";
  EXPECT_EQ(Get(c, "msk", "partners.by_support_form.VENUE"), 1);
  EXPECT_EQ(Get(c, "vlad", "partners.total"), 1);
  EXPECT_EQ(Get(c, "vlad", "partners.by_kind.INDIVIDUAL"), 1);
  EXPECT_EQ(c.key_query.at("partners.total"), "partners@1");
}

TEST_F(NetworkReviewTest, AgreementsInForceSignedTerminatedAndTheirValue) {
  const char* cols =
      "INSERT INTO agreements (library_id, id, partner, number, title, kind, state, sign_date, "
      "start_date, end_date, subject, library_obligations, partner_obligations, value, "
      "documents, create_time, update_time) VALUES ";
  Sql(absl::StrCat(
      cols,
      // Active all year, 100.50 RUB of sponsorship signed in 2025.
      "('root', 'a1', 'libraries/root/partners/p', '1', 'Т', 2, 2, '2025-05-05', '2025-05-05', "
      "'2027-01-01', '', '', '', "
      "'{\"currency_code\":\"RUB\",\"units\":\"100\",\"nanos\":500000000}',"
      " '', '2025-05-05', '2025-05-05'), "
      // A donation in euros, signed 2025, ended in June without renewal: expired, not in force.
      "('root', 'a2', 'libraries/root/partners/p', '2', 'Т', 3, 2, '2025-01-10', '2025-01-10', "
      "'2025-06-30', '', '', '', '{\"currency_code\":\"EUR\",\"units\":\"7\"}', '', "
      "'2025-01-10', '2025-01-10'), "
      // Terminated in June 2025 (its TERMINATE entry below).
      "('root', 'a3', 'libraries/root/partners/p', '3', 'Т', 1, 4, '2024-03-01', '2024-03-01', "
      "'2026-12-31', '', '', '', '', '', '2024-03-01', '2025-06-01'), "
      // Terminated in February 2026: in force at the end of 2025.
      "('root', 'a4', 'libraries/root/partners/p', '4', 'Т', 1, 4, '2024-03-01', '2024-03-01', "
      "'2026-12-31', '', '', '', '', '', '2024-03-01', '2026-02-01'), "
      // A draft with a sign date: neither signed nor worth anything.
      "('root', 'a5', 'libraries/root/partners/p', '5', 'Т', 2, 1, '2025-02-02', NULL, NULL, "
      "'', '', '', '{\"currency_code\":\"RUB\",\"units\":\"999\"}', '', '2025-02-02', "
      "'2025-02-02')"));
  Sql("INSERT INTO activities (id, library_id, kind, verb, resource, description, "
      "occurred_time, create_time, update_time) VALUES "
      "('t3', 'root', 1, 'TERMINATE', 'libraries/root/agreements/a3', '', '2025-06-01', "
      "'2025-06-01', '2025-06-01'), "
      "('t4', 'root', 1, 'TERMINATE', 'libraries/root/agreements/a4', '', '2026-02-01', "
      "'2026-02-01', '2026-02-01')");
  const Collected c = Run(Year2025());
  EXPECT_EQ(Get(c, "root", "agreements.in_force"), 2) << "a1 and a4";
  EXPECT_EQ(Get(c, "root", "agreements.in_force.by_kind.COOPERATION"), 1);
  EXPECT_EQ(Get(c, "root", "agreements.signed"), 2) << "a1, a2; not the draft";
  EXPECT_EQ(Get(c, "root", "agreements.expired"), 1);
  EXPECT_EQ(Get(c, "root", "agreements.terminated"), 1) << "a3 only";
  EXPECT_EQ(Get(c, "root", "agreements.value_signed.RUB"), 100500000000);
  EXPECT_EQ(Get(c, "root", "agreements.value_signed.RUB.by_kind.SPONSORSHIP"), 100500000000);
  EXPECT_EQ(Get(c, "root", "agreements.value_signed.EUR.by_kind.DONATION"), 7000000000);
}

TEST_F(NetworkReviewTest, GovernanceAtTheEndOfThePeriod) {
  Sql("INSERT INTO reader_councils (library_id, id, display_name, description, rules, "
      "seat_count, established_date, create_time, update_time) VALUES "
      "('root', 'c', 'Читательский совет', '', '{\"meetings_per_year\":4}', 5, '2024-01-01', "
      "'2024-01-01', '2024-01-01')");
  Sql("INSERT INTO reader_council_members (library_id, body_id, id, person, seat_kind, "
      "staff_position, role, term_start_date, term_end_date, end_date, create_time, "
      "update_time) VALUES "
      "('root', 'c', 'm1', 'libraries/root/contacts/a', 'READER', 0, 1, '2024-01-01', "
      "'2027-01-01', NULL, '2024-01-01', '2024-01-01'), "
      "('root', 'c', 'm2', 'libraries/root/contacts/b', 'READER', 0, 2, '2025-01-01', "
      "'2027-01-01', NULL, '2025-01-01', '2025-01-01'), "
      "('root', 'c', 'm3', 'libraries/root/contacts/c', 'READER', 0, 2, '2024-01-01', "
      "'2027-01-01', '2025-06-30', '2024-01-01', '2025-06-30')");
  Sql("INSERT INTO reader_council_meetings (library_id, body_id, id, title, state, minutes, "
      "meeting_date, quorum, create_time, update_time) VALUES "
      "('root', 'c', 'x1', 'З', 2, '', '2025-03-01', TRUE, '2025-02-01', '2025-03-01'), "
      "('root', 'c', 'x2', 'З', 3, '', '2025-09-01', FALSE, '2025-08-01', '2025-09-01'), "
      "('root', 'c', 'x3', 'З', 1, '', '2025-12-20', FALSE, '2025-08-01', '2025-09-01'), "
      "('root', 'c', 'x4', 'З', 2, '', '2024-12-20', FALSE, '2024-08-01', '2024-12-20')");
  Sql("INSERT INTO reader_council_decisions (library_id, body_id, id, agenda_item, meeting, "
      "title, text, decision_date, create_time, update_time) VALUES "
      "('root', 'c', 'd1', 'libraries/root/readerCouncils/c/meetings/x1/agendaItems/a', '', 'Р', "
      "'', '2025-03-01', '2025-03-01', '2025-03-01'), "
      "('root', 'c', 'd2', 'libraries/root/readerCouncils/c/meetings/x4/agendaItems/a', '', 'Р', "
      "'', '2024-12-20', '2024-12-20', '2024-12-20')");
  Sql("INSERT INTO reader_council_action_items (library_id, body_id, decision_id, id, title, "
      "state, due_date, state_time, create_time, update_time) VALUES "
      "('root', 'c', 'd1', 'i1', 'П', 1, '2025-11-01', NULL, '2025-03-01', '2025-03-01'), "
      "('root', 'c', 'd1', 'i2', 'П', 2, '2025-11-01', '2025-10-30', '2025-03-01', "
      "'2025-10-30'), "
      "('root', 'c', 'd1', 'i3', 'П', 2, '2025-11-01', '2026-01-10', '2025-03-01', "
      "'2026-01-10')");
  const Collected c = Run(Year2025());
  const std::string p = "governance.reader_councils.";
  EXPECT_EQ(Get(c, "root", p + "bodies"), 1);
  EXPECT_EQ(Get(c, "root", p + "seats"), 5);
  EXPECT_EQ(Get(c, "root", p + "members"), 2) << "m3 left in June";
  EXPECT_EQ(Get(c, "root", p + "vacancies"), 3);
  EXPECT_EQ(Get(c, "root", p + "meetings_held"), 2) << "not the planned one, nor 2024's";
  EXPECT_EQ(Get(c, "root", p + "meetings_required"), 4);
  EXPECT_EQ(Get(c, "root", p + "bodies_behind"), 1);
  EXPECT_EQ(Get(c, "root", p + "quorum_failures"), 1);
  EXPECT_EQ(Get(c, "root", p + "decisions"), 1);
  EXPECT_EQ(Get(c, "root", p + "action_items_overdue"), 2) << "i1 open, i3 closed after";
}

TEST_F(NetworkReviewTest, VolunteersHoursAndTheConsentLedger) {
  Sql("INSERT INTO volunteers (library_id, id, birth_date, availability, blackouts, notes, "
      "state, create_time, update_time, delete_time) VALUES "
      "('msk', 'v1', '1990-01-01', '', '', '', 2, '2025-02-01', '2025-02-01', NULL), "
      "('msk', 'v2', '2012-06-01', '', '', '', 2, '2024-02-01', '2024-02-01', NULL), "
      "('msk', 'v3', NULL, '', '', '', 4, '2025-02-01', '2025-02-01', NULL)");
  Sql("INSERT INTO hours (library_id, volunteer_id, id, project, work_date, minutes, "
      "description, source, state, create_time, update_time, delete_time) VALUES "
      "('msk', 'v1', 'h1', 'libraries/msk/projects/p', '2025-03-10', 120, '', 1, 2, "
      "'2025-03-10', '2025-03-10', NULL), "
      "('msk', 'v1', 'h2', 'libraries/msk/projects/p', '2025-04-10', -30, '', 1, 2, "
      "'2025-04-10', '2025-04-10', NULL), "
      "('msk', 'v1', 'h3', NULL, '2025-04-11', 60, '', 1, 1, '2025-04-11', '2025-04-11', "
      "NULL), "
      "('msk', 'v2', 'h4', NULL, '2025-05-01', 45, '', 1, 2, '2025-05-01', '2025-05-01', "
      "NULL), "
      "('msk', 'v3', 'h5', NULL, '2025-05-01', 45, '', 1, 2, '2025-05-01', '2025-05-01', "
      "'2025-05-02'), "
      "('msk', 'v3', 'h6', NULL, '2024-05-01', 45, '', 1, 2, '2024-05-01', '2024-05-01', NULL)");
  Sql("INSERT INTO projects (library_id, id, title, description, state, create_time, "
      "update_time) VALUES ('msk', 'p', 'Громкие чтения', '', 2, '2025-01-01', '2025-01-01')");
  Sql("INSERT INTO consents (library_id, id, subject, state, given_time, withdraw_time, "
      "withdrawal_channel, destroy_due, destroy_time, create_time, update_time) VALUES "
      "('msk', 'k1', 'libraries/msk/volunteers/v1', 1, '2025-02-01', NULL, 0, NULL, NULL, "
      "'2025-02-01', '2025-02-01'), "
      "('msk', 'k2', 'libraries/msk/volunteers/v2', 2, '2024-02-01', '2025-10-01', 2, "
      "'2025-11-01', NULL, '2024-02-01', '2025-10-01'), "
      "('msk', 'k3', 'libraries/msk/volunteers/v3', 2, '2025-02-01', '2025-10-01', 0, "
      "'2025-11-01', '2026-01-05', '2025-02-01', '2026-01-05')");
  Sql("INSERT INTO destructions (library_id, id, subject, reason, destroy_time, destroyed_by, "
      "overdue, create_time, update_time) VALUES "
      "('msk', 'z1', 'libraries/msk/volunteers/v9', 1, '2025-06-01', 'system', TRUE, "
      "'2025-06-01', '2025-06-01'), "
      "('msk', 'z2', 'libraries/msk/volunteers/v8', 2, '2025-12-31 21:30:00', 'system', FALSE, "
      "'2025-12-31', '2025-12-31')");
  const Collected c = Run(Year2025());
  const Collected split = RunSplit(Year2025());
  EXPECT_EQ(split.sums, c.sums) << "two connections count the same";
  EXPECT_EQ(split.queries.size(), c.queries.size());
  EXPECT_EQ(split.key_query, c.key_query);
  EXPECT_EQ(Get(c, "msk", "volunteers.registered"), 3);
  EXPECT_EQ(Get(c, "msk", "volunteers.new"), 2);
  EXPECT_EQ(Get(c, "msk", "volunteers.new_minors"), 0) << "v2, the minor, came in 2024";
  EXPECT_EQ(Get(c, "msk", "volunteers.active"), 2) << "v1 (net 90) and v2; v3's are deleted";
  EXPECT_EQ(Get(c, "msk", "volunteers.active_minors"), 1);
  EXPECT_EQ(Get(c, "msk", "volunteers.active_under_14"), 1) << "13 at the end of 2025";
  EXPECT_EQ(Get(c, "msk", "hours.approved_minutes"), 135) << "120 - 30 + 45";
  EXPECT_EQ(Get(c, "msk", "hours.by_month.2025-04"), -30) << "a correction in its own month";
  EXPECT_EQ(Get(c, "msk", "hours.by_project.libraries/msk/projects/p"), 90);
  EXPECT_EQ(Get(c, "msk", "hours.by_project.none"), 45);
  EXPECT_EQ(Get(c, "msk", "hours.by_project_month.none.2025-05"), 45);
  EXPECT_EQ(c.project_titles.at("libraries/msk/projects/p"), "Громкие чтения");
  EXPECT_EQ(Get(c, "msk", "consents.given"), 2);
  EXPECT_EQ(Get(c, "msk", "consents.withdrawn"), 2);
  EXPECT_EQ(Get(c, "msk", "consents.withdrawn_by_erasure"), 1);
  EXPECT_EQ(Get(c, "msk", "destructions.overdue_at_end"), 2)
      << "k2 never destroyed, k3 destroyed after the end";
  EXPECT_EQ(Get(c, "msk", "destructions.done"), 1) << "z2 was 1 January in Moscow";
  EXPECT_EQ(Get(c, "msk", "destructions.done.by_reason.CONSENT_WITHDRAWN"), 1);
  EXPECT_EQ(Get(c, "msk", "destructions.done_late"), 1);
}

TEST_F(NetworkReviewTest, MeetingsRequiredOverAPeriodNotStartingInJanuary) {
  Sql("INSERT INTO reader_councils (library_id, id, display_name, description, rules, "
      "seat_count, established_date, create_time, update_time) VALUES "
      "('root', 'c', 'Совет', '', '{\"meetings_per_year\":4}', 5, '2024-01-01', '2024-01-01', "
      "'2024-01-01')");
  // A school year: a whole year's share of the meetings, not 4 * 365 / DAYOFYEAR(31 August).
  const Collected school = Run(
      Days(absl::CivilDay(2025, 9, 1), absl::CivilDay(2026, 8, 31), absl::CivilDay(2026, 8, 31)));
  EXPECT_EQ(Get(school, "root", "governance.reader_councils.meetings_required"), 4);
  const Collected feb = Run(
      Days(absl::CivilDay(2025, 2, 1), absl::CivilDay(2026, 1, 31), absl::CivilDay(2026, 1, 31)));
  EXPECT_EQ(Get(feb, "root", "governance.reader_councils.meetings_required"), 4);
  // Half of it: half the meetings (rounded down).
  const Collected half = Run(
      Days(absl::CivilDay(2025, 1, 1), absl::CivilDay(2025, 12, 31), absl::CivilDay(2025, 7, 2)));
  EXPECT_EQ(Get(half, "root", "governance.reader_councils.meetings_required"), 2);
}

TEST_F(NetworkReviewTest, WhatIsOverdueInAPeriodNotOverIsOverdueNow) {
  // Withdrawn yesterday, due for destruction in three weeks: not overdue in this year's review,
  // though its due time comes before the year's end.
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  const std::string due = ToSqlDatetime(now + absl::Hours(24 * 21));
  const std::string past_due = ToSqlDatetime(now - absl::Hours(24));
  Sql(absl::StrCat(
      "INSERT INTO consents (library_id, id, subject, state, given_time, withdraw_time, "
      "withdrawal_channel, destroy_due, create_time, update_time) VALUES "
      "('root', 'k1', 'libraries/root/volunteers/v1', 2, '2020-01-01', '",
      ToSqlDatetime(now - absl::Hours(24)), "', 2, '", due,
      "', '2020-01-01', '2020-01-01'), "
      "('root', 'k2', 'libraries/root/volunteers/v2', 2, '2020-01-01', '2020-01-01', 2, '",
      past_due, "', '2020-01-01', '2020-01-01')"));
  const Collected c = Run(
      Days(absl::CivilDay(today.year(), 1, 1), absl::CivilDay(today.year(), 12, 31), today, now));
  EXPECT_EQ(Get(c, "root", "destructions.overdue_at_end"), 1) << "k2 only";
}

TEST_F(NetworkReviewTest, SignupsByTheirShiftsLocalDayAndInteractionsByKind) {
  Sql("INSERT INTO shifts (library_id, project_id, id, start_time, capacity, waitlist_mode, "
      "notes, create_time, update_time, delete_time) VALUES "
      "('msk', 'p', 's1', '2025-06-01 10:00:00', 10, 1, '', '2025-05-01', '2025-05-01', NULL), "
      "('msk', 'p', 's2', '2025-12-31 21:30:00', 10, 1, '', '2025-05-01', '2025-05-01', NULL), "
      "('msk', 'p', 's3', '2025-06-02 10:00:00', 10, 1, '', '2025-05-01', '2025-05-01', "
      "'2025-05-02')");
  Sql("INSERT INTO signups (library_id, project_id, shift_id, id, volunteer, party_size, "
      "source, state, create_time, update_time) VALUES "
      "('msk', 'p', 's1', 'u1', 'libraries/msk/volunteers/a', 2, 1, 4, '2025-05-01', "
      "'2025-05-01'), "
      "('msk', 'p', 's1', 'u2', 'libraries/msk/volunteers/b', 1, 1, 5, '2025-05-01', "
      "'2025-05-01'), "
      "('msk', 'p', 's1', 'u3', 'libraries/msk/volunteers/c', 3, 1, 6, '2025-05-01', "
      "'2025-05-01'), "
      "('msk', 'p', 's1', 'u4', 'libraries/msk/volunteers/d', 1, 1, 3, '2025-05-01', "
      "'2025-05-01'), "
      "('msk', 'p', 's2', 'u5', 'libraries/msk/volunteers/a', 1, 1, 2, '2025-05-01', "
      "'2025-05-01'), "
      "('msk', 'p', 's3', 'u6', 'libraries/msk/volunteers/a', 1, 1, 2, '2025-05-01', "
      "'2025-05-01')");
  Sql("INSERT INTO activities (id, library_id, kind, verb, resource, description, "
      "occurred_time, create_time, update_time, delete_time) VALUES "
      "('a1', 'msk', 2, '', '', 'Встреча', '2025-03-01 10:00:00', '2025-03-01', '2025-03-01', "
      "NULL), "
      "('a2', 'msk', 3, '', '', 'Звонок', '2025-03-02 10:00:00', '2025-03-02', '2025-03-02', "
      "NULL), "
      "('a3', 'msk', 3, '', '', 'Удалён', '2025-03-03 10:00:00', '2025-03-03', '2025-03-03', "
      "'2025-03-04'), "
      "('a4', 'msk', 1, 'CREATE', 'libraries/msk/partners/x', '', '2025-03-03 10:00:00', "
      "'2025-03-03', '2025-03-03', NULL), "
      "('a5', 'msk', 6, '', '', 'Новый год', '2025-12-31 22:00:00', '2025-12-31', '2025-12-31', "
      "NULL)");
  Sql("INSERT INTO resource_values (library_id, collection, owner_id, field, position, value) "
      "VALUES ('msk', 'activities', 'a1', 'related', 0, 'libraries/msk/partners/x'), "
      "('msk', 'activities', 'a2', 'related', 0, 'libraries/msk/volunteers/a')");
  const Collected c = Run(Year2025());
  EXPECT_EQ(Get(c, "msk", "signups.total"), 4) << "s1's four; s2 is 2026 in Moscow, s3 deleted";
  EXPECT_EQ(Get(c, "msk", "signups.by_state.COMPLETED"), 1);
  EXPECT_EQ(Get(c, "msk", "signups.by_state.NO_SHOW"), 1);
  EXPECT_EQ(Get(c, "msk", "signups.by_state.CANCELED"), 1);
  EXPECT_EQ(Get(c, "msk", "signups.places"), 3) << "the completed 2 and the no-show's 1";
  EXPECT_EQ(Get(c, "msk", "interactions.total"), 2) << "not deleted, not SYSTEM, not 2026";
  EXPECT_EQ(Get(c, "msk", "interactions.by_kind.MEETING"), 1);
  EXPECT_EQ(Get(c, "msk", "interactions.by_kind.CALL"), 1);
  EXPECT_EQ(Get(c, "msk", "interactions.with_partners"), 1);
}

// The hours figures come from the summaries (hours_monthly, hours_yearly: kept by triggers) for
// whole months and years and from the rows for the other days. Hours written, approved,
// corrected, moved, deleted and restored straight in SQL, and the figures of periods cut every
// way are compared with what the rows themselves give (a model kept beside them).
TEST_F(NetworkReviewTest, HoursFromSummariesAndRowsCountAsTheRows) {
  struct Row {
    std::string lib, vol, id;
    std::optional<std::string> project;
    std::optional<absl::CivilDay> day;
    int minutes;
    int state;
    bool deleted;
  };
  std::vector<Row> rows;
  uint64_t seed = 20251201;
  auto next = [&](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  const std::vector<std::string> libs = {"msk", "vlad"};
  std::string volunteers;
  for (const std::string& lib : libs) {
    for (int v = 0; v < 6; ++v) {
      absl::StrAppend(&volunteers, volunteers.empty() ? "" : ", ", "('", lib, "', 'v", v, "', '",
                      v % 2 == 0 ? "1990-01-01" : "2012-06-01",
                      "', '', '', '', 2, '2024-01-01', '2024-01-01', NULL)");
    }
  }
  Sql("INSERT INTO volunteers (library_id, id, birth_date, availability, blackouts, notes, "
      "state, create_time, update_time, delete_time) VALUES " +
      volunteers);
  for (int i = 0; i < 400; ++i) {
    Row r;
    r.lib = libs[next(2)];
    r.vol = absl::StrCat("v", next(6));
    r.id = absl::StrCat("h", i);
    const uint64_t p = next(3);
    if (p > 0) r.project = absl::StrCat("libraries/", r.lib, "/projects/p", p);
    if (next(20) > 0) r.day = absl::CivilDay(2024, 1, 1) + static_cast<int>(next(3 * 365));
    r.minutes = next(10) == 0 ? -static_cast<int>(next(60)) : static_cast<int>(next(240));
    r.state = 1 + static_cast<int>(next(3));  // SUBMITTED, APPROVED, REJECTED
    r.deleted = next(15) == 0;
    rows.push_back(r);
  }
  auto literal = [](const std::optional<std::string>& v) {
    return v ? absl::StrCat("'", *v, "'") : std::string("NULL");
  };
  auto day = [](const std::optional<absl::CivilDay>& d) {
    return d ? absl::StrCat("'", absl::FormatCivilTime(*d), "'") : std::string("NULL");
  };
  std::string values;
  for (const Row& r : rows) {
    absl::StrAppend(&values, values.empty() ? "" : ", ", "('", r.lib, "', '", r.vol, "', '", r.id,
                    "', ", literal(r.project), ", ", day(r.day), ", ", r.minutes, ", '', 1, ",
                    r.state, ", '2024-01-01', '2024-01-01', ", r.deleted ? "'2024-02-01'" : "NULL",
                    ")");
  }
  Sql("INSERT INTO hours (library_id, volunteer_id, id, project, work_date, minutes, "
      "description, source, state, create_time, update_time, delete_time) VALUES " +
      values);
  // Then every kind of change, each on a row of its own.
  for (size_t i = 0; i < rows.size(); ++i) {
    Row& r = rows[i];
    const std::string where = absl::StrCat(" WHERE library_id = '", r.lib, "' AND volunteer_id = '",
                                           r.vol, "' AND id = '", r.id, "'");
    switch (i % 8) {
      case 0:  // approved
        r.state = 2;
        Sql("UPDATE hours SET state = 2" + where);
        break;
      case 1:  // minutes changed
        r.minutes += 15;
        Sql("UPDATE hours SET minutes = minutes + 15" + where);
        break;
      case 2:  // moved to another day (maybe into another month or year)
        r.day = absl::CivilDay(2024, 1, 1) + static_cast<int>(next(3 * 365));
        Sql("UPDATE hours SET work_date = " + day(r.day) + where);
        break;
      case 3:  // deleted, or restored
        r.deleted = !r.deleted;
        Sql(std::string("UPDATE hours SET delete_time = ") + (r.deleted ? "'2025-01-01'" : "NULL") +
            where);
        break;
      case 4:  // another project, or none
        r.project =
            r.project ? std::nullopt : std::optional<std::string>("libraries/x/projects/moved");
        Sql("UPDATE hours SET project = " + literal(r.project) + where);
        break;
      case 5:  // nothing counted changes
        Sql("UPDATE hours SET description = 'Описание'" + where);
        break;
      case 6:         // gone
        r.state = 0;  // counted nowhere from now on
        Sql("DELETE FROM hours" + where);
        break;
      default:
        break;
    }
  }
  // The summaries hold what the rows sum to (groups emptied stay as zeros).
  EXPECT_EQ(Query("SELECT library_id, month, project, minutes, entries FROM hours_monthly WHERE "
                  "entries <> 0 ORDER BY 1, 2, 3"),
            Query("SELECT library_id, EXTRACT(YEAR_MONTH FROM work_date), COALESCE(project, ''), "
                  "SUM(minutes), COUNT(*) FROM hours WHERE state = 2 AND delete_time IS NULL AND "
                  "work_date IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"));
  EXPECT_EQ(Query("SELECT library_id, year, volunteer_id, minutes, entries FROM hours_yearly WHERE "
                  "entries <> 0 ORDER BY 1, 2, 3"),
            Query("SELECT library_id, YEAR(work_date), volunteer_id, SUM(minutes), COUNT(*) FROM "
                  "hours WHERE state = 2 AND delete_time IS NULL AND work_date IS NOT NULL GROUP "
                  "BY 1, 2, 3 ORDER BY 1, 2, 3"));

  using D = absl::CivilDay;
  const std::vector<std::pair<D, D>> periods = {
      {D(2025, 1, 1), D(2025, 12, 31)},  // a year: the summaries alone
      {D(2024, 1, 1), D(2026, 12, 31)},  // three years
      {D(2025, 3, 15), D(2025, 6, 10)},  // whole months with days either side
      {D(2025, 2, 1), D(2025, 2, 28)},   // one whole month, no whole year
      {D(2025, 5, 7), D(2025, 5, 7)},    // one day
      {D(2024, 7, 1), D(2025, 6, 30)},   // months, no whole year
      {D(2024, 12, 31), D(2026, 1, 1)},  // a whole year with a day either side
      {D(2025, 1, 2), D(2025, 12, 30)},  // almost a year: the rows for both
  };
  for (const auto& [start, end] : periods) {
    SCOPED_TRACE(absl::StrCat(absl::FormatCivilTime(start), " .. ", absl::FormatCivilTime(end)));
    std::map<std::string, std::map<std::string, absl::int128>> want;
    std::map<std::string, std::map<std::string, int64_t>> net;  // lib -> volunteer -> minutes
    for (const Row& r : rows) {
      if (r.state != 2 || r.deleted || !r.day || *r.day < start || *r.day > end) continue;
      const std::string month = absl::FormatCivilTime(absl::CivilMonth(*r.day));
      const std::string p = r.project.value_or("none");
      auto& w = want[r.lib];
      w["hours.approved_minutes"] += r.minutes;
      w["hours.entries"] += 1;
      w["hours.by_month." + month] += r.minutes;
      w["hours.by_project." + p] += r.minutes;
      w[absl::StrCat("hours.by_project_month.", p, ".", month)] += r.minutes;
      net[r.lib][r.vol] += r.minutes;
    }
    for (const auto& [lib, by_volunteer] : net) {
      for (const auto& [vol, minutes] : by_volunteer) {
        if (minutes <= 0) continue;
        want[lib]["volunteers.active"] += 1;
        // Odd volunteers were born on 1 June 2012: minors at the end of every period here,
        // under 14 until 1 June 2026.
        if ((vol.back() - '0') % 2 == 1) {
          want[lib]["volunteers.active_minors"] += 1;
          if (end < D(2026, 6, 1)) want[lib]["volunteers.active_under_14"] += 1;
        }
      }
    }
    const Collected c = RunSplit(Days(start, end, end));
    std::map<std::string, std::map<std::string, absl::int128>> got;
    for (const auto& [lib, sums] : c.sums) {
      for (const auto& [key, value] : sums) {
        // The hours' keys as they are (zeros too); the active volunteers' where not zero.
        if (absl::StartsWith(key, "hours.") ||
            (absl::StartsWith(key, "volunteers.active") && value != 0)) {
          got[lib][key] = value;
        }
      }
    }
    EXPECT_EQ(got, want);
  }
}

}  // namespace
}  // namespace allies::storage::network_review
