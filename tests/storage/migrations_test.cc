#include "storage/migrations.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/pool.h"
#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;

// The library the hours of the summaries' tests belong to.
constexpr char kCity[] =
    "INSERT INTO libraries (id, parent_id, display_name, kind, revision, create_time, "
    "update_time) VALUES ('city', NULL, 'Городская ЦБС', 2, 1, '2025-01-01', '2025-01-01')";

TEST(MigrationsTest, SplitsStatements) {
  auto statements = SplitSqlStatements(
      "-- comment;\nCREATE TABLE a (\n  x INT, -- a column\n  y INT\n);\n\nINSERT INTO a VALUES "
      "(1);\n"
      "SELECT 'tail'");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0], "CREATE TABLE a (\n  x INT, -- a column\n  y INT\n)");
  EXPECT_EQ(statements[1], "INSERT INTO a VALUES (1)");
  EXPECT_EQ(statements[2], "SELECT 'tail'");
}

TEST(MigrationsTest, SplitsTriggerBodiesOnTheDelimiter) {
  auto statements = SplitSqlStatements(
      "CREATE TABLE t (x INT);\nDELIMITER //\nCREATE TRIGGER a AFTER INSERT ON t FOR EACH ROW\n"
      "BEGIN\n  -- inside\n  SET @n = 1;\n  SET @m = 2;\nEND //\nCREATE TRIGGER b AFTER DELETE ON "
      "t "
      "FOR EACH ROW SET @k = 3//\ndelimiter ;\nDROP TABLE t;\n");
  ASSERT_EQ(statements.size(), 4u);
  EXPECT_EQ(statements[0], "CREATE TABLE t (x INT)");
  EXPECT_EQ(statements[1],
            "CREATE TRIGGER a AFTER INSERT ON t FOR EACH ROW\nBEGIN\n  SET @n = 1;\n  SET @m = "
            "2;\nEND");
  EXPECT_EQ(statements[2], "CREATE TRIGGER b AFTER DELETE ON t FOR EACH ROW SET @k = 3");
  EXPECT_EQ(statements[3], "DROP TABLE t");
}

TEST(MigrationsTest, VersionsAreIncreasingAndNamed) {
  int last = 0;
  for (const auto& m : AllMigrations()) {
    EXPECT_GT(m.version, last) << m.name;
    EXPECT_FALSE(m.sql.empty()) << m.name;
    last = m.version;
  }
  EXPECT_GE(AllMigrations().size(), 1u);
}

TEST(MigrationsTest, ApplyTwiceIsIdempotent) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  auto first = ApplyMigrations(config);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->applied.size(), AllMigrations().size());
  auto second = ApplyMigrations(config);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->applied.empty());
  EXPECT_EQ(second->current_version, AllMigrations().back().version);
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT COUNT(*) FROM schema_migrations", config.database),
            std::to_string(AllMigrations().size()) + "\n");
}

TEST(MigrationsTest, TheLeaseIsGivenBackAndAnExpiredOneTakenOver) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  ASSERT_TRUE(ApplyMigrations(config, {}, 3).ok());
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT COUNT(*) FROM schema_lease", config.database), "0\n")
      << "given back when done";
  // A migrator that died holding the lease: once its lease expired, the next one takes over.
  TestDatabase::Shared().Sql(
      "INSERT INTO schema_lease (name, holder, expire_time) VALUES ('migrations', 'dead:1:1', "
      "UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)",
      config.database);
  const absl::Time start = absl::Now();
  auto rest = ApplyMigrations(config);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(60)) << "no waiting for an expired lease";
  EXPECT_EQ(rest->current_version, AllMigrations().back().version);
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT COUNT(*) FROM schema_lease", config.database),
            "0\n");
}

TEST(MigrationsTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  constexpr int kMigrators = 4;
  std::vector<absl::StatusOr<MigrationResult>> results(kMigrators, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] { results[i] = ApplyMigrations(config); });
  }
  for (auto& t : threads) t.join();
  size_t applied = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    applied += r->applied.size();
  }
  EXPECT_EQ(applied, AllMigrations().size());
}

// A database holding rows made by the schema before 0008 (activities keyed by id alone, related
// resources in activity_related, request_log without libraries) keeps every row through it.
TEST(MigrationsTest, LibraryKeysMigrationKeepsEveryRow) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  auto old = ApplyMigrations(config, nullptr, 7);
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_EQ(old->current_version, 7);
  auto sql = [&](const std::string& statement) {
    return TestDatabase::Shared().Sql(statement, config.database);
  };
  sql(R"(
    INSERT INTO libraries (id, parent_id, display_name, kind, revision, create_time, update_time)
    VALUES ('oblast', NULL, 'Областная', 1, 1, '2026-01-01', '2026-01-01'),
           ('city', 'oblast', 'Городская ЦБС', 2, 1, '2026-01-01', '2026-01-01');
    INSERT INTO partners (library_id, id, display_name, inn, kind, state, notes, revision,
                          create_time, update_time)
    VALUES ('city', 'bank', 'Банк «Ёлка»', '7707083893', 1, 2, '', 1, '2026-01-02', '2026-01-02'),
           ('city', 'quiet', 'Тихий', NULL, 1, 1, '', 1, '2026-01-02', '2026-01-02');
    INSERT INTO contacts (library_id, id, family_name, given_name, partner, notes, revision,
                          create_time, update_time)
    VALUES ('city', 'ivanova', 'Иванова', 'Алёна', 'libraries/city/partners/bank', '', 1,
            '2026-01-02', '2026-01-02');
    INSERT INTO resource_values VALUES
      ('partners', 'city', 'bank', 'tags', 0, 'банк'),
      ('partners', 'city', 'bank', 'tags', 1, 'спонсор'),
      ('contacts', 'city', 'ivanova', 'emails', 0, 'alena@example.ru');
    INSERT INTO activities (id, library_id, kind, actor, verb, resource, changed_fields,
                            request_id, subject, description, occurred_time, revision,
                            create_time, update_time, delete_time)
    VALUES ('sys1', 'city', 1, 'apiKeys/a', 'CREATE', 'libraries/city/partners/bank',
            'display_name,inn', 'r1', '', '', '2026-01-02', 1, '2026-01-02', '2026-01-02', NULL),
           ('meet', 'oblast', 2, 'apiKeys/a', '', '', '', 'r2', 'Встреча с Ивановой',
            'Обсудили «Ёлку»', '2026-03-05 10:00:00', 1, '2026-03-05', '2026-03-05', NULL),
           ('gone', 'city', 3, 'apiKeys/a', '', '', '', 'r3', 'Звонок', '',
            '2026-04-01 09:00:00', 2, '2026-04-01', '2026-04-02', '2026-04-02'),
           ('early', 'city', 2, 'apiKeys/a', '', '', '', 'r4', 'Раньше', '',
            '2026-02-01 09:00:00', 1, '2026-02-01', '2026-02-01', NULL);
    INSERT INTO activity_related VALUES
      ('meet', 'libraries/city/partners/bank'), ('meet', 'libraries/city/contacts/ivanova'),
      ('gone', 'libraries/city/partners/bank'), ('early', 'libraries/city/partners/bank');
    INSERT INTO request_log (principal, request_id, method, request_hash, response, create_time)
    VALUES ('apiKeys/a', 'req-1', 'allies.v1.PartnerService/CreatePartner', REPEAT('x', 32),
            'ответ', '2026-11-29');
  )");
  // The columns the previous schema had (later migrations add some).
  const std::string kActivityColumns =
      "SELECT id, library_id, kind, actor, verb, resource, changed_fields, request_id, subject, "
      "description, occurred_time, follow_up_date, revision, create_time, update_time, "
      "delete_time FROM activities ORDER BY id";
  const std::string activities_before = sql(kActivityColumns);
  const std::string values_before = sql("SELECT * FROM resource_values ORDER BY owner_id, field");

  auto all = ApplyMigrations(config);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->current_version, AllMigrations().back().version);

  EXPECT_EQ(sql(kActivityColumns), activities_before);
  EXPECT_EQ(sql("SELECT * FROM resource_values WHERE collection <> 'activities' "
                "ORDER BY owner_id, field"),
            values_before);
  // Rows keep a copy of their repeated values (0010), as the services read them.
  EXPECT_EQ(sql("SELECT REPLACE(REPLACE(repeated_values, CHAR(30), '='), CHAR(31), ';') FROM "
                "activities WHERE id = 'meet'"),
            "related=libraries/city/contacts/ivanova;related=libraries/city/partners/bank\n");
  EXPECT_EQ(sql("SELECT REPLACE(REPLACE(repeated_values, CHAR(30), '='), CHAR(31), ';') FROM "
                "partners WHERE id = 'bank'"),
            "tags=банк;tags=спонсор\n");
  EXPECT_EQ(
      sql("SELECT library_id, owner_id, position, value FROM resource_values "
          "WHERE collection = 'activities' AND field = 'related' ORDER BY owner_id, position"),
      "city\tearly\t0\tlibraries/city/partners/bank\n"
      "city\tgone\t0\tlibraries/city/partners/bank\n"
      "oblast\tmeet\t0\tlibraries/city/contacts/ivanova\n"
      "oblast\tmeet\t1\tlibraries/city/partners/bank\n");
  EXPECT_EQ(sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                "AND table_name = 'activity_related'"),
            "0\n");
  EXPECT_EQ(sql("SELECT library_id, principal, request_id, response FROM request_log"),
            "\tapiKeys/a\treq-1\tответ\n");
  // The latest live interaction, not the deleted one, nor the system entry.
  EXPECT_EQ(sql("SELECT id, last_interaction_time FROM partners ORDER BY id"),
            "bank\t2026-03-05 10:00:00.000000\nquiet\tNULL\n");
  EXPECT_EQ(sql("SELECT GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM "
                "information_schema.statistics WHERE table_schema = DATABASE() AND "
                "table_name = 'activities' AND index_name = 'PRIMARY'"),
            "library_id,id\n");

  // Run again (as after a migrator that died before recording it): nothing changes.
  sql("DELETE FROM schema_migrations WHERE version = 8");
  auto again = ApplyMigrations(config);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->applied, std::vector<int>{8});
  EXPECT_EQ(sql(kActivityColumns), activities_before);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM resource_values"), "7\n");
}

// The hours summaries (0020) count the hours written before them, and again the same when 0020
// runs a second time (a migrator that died before recording it).
TEST(MigrationsTest, HoursSummariesCountTheHoursWrittenBeforeThem) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  ASSERT_TRUE(ApplyMigrations(config, nullptr, 19).ok());
  auto sql = [&](const std::string& statement) {
    return TestDatabase::Shared().Sql(statement, config.database);
  };
  sql(kCity);
  sql(R"(
    INSERT INTO hours (library_id, volunteer_id, id, project, work_date, minutes, description,
                       source, state, create_time, update_time, delete_time)
    VALUES ('city', 'v1', 'a', 'libraries/city/projects/p', '2025-03-10', 120, 'Ёлка', 1, 2,
            '2025-03-10', '2025-03-10', NULL),
           ('city', 'v1', 'b', 'libraries/city/projects/p', '2025-03-20', -30, '', 1, 2,
            '2025-03-20', '2025-03-20', NULL),
           ('city', 'v1', 'c', NULL, '2025-12-31', 60, '', 1, 2, '2025-12-31', '2025-12-31', NULL),
           ('city', 'v2', 'd', NULL, '2026-01-01', 45, '', 1, 2, '2026-01-01', '2026-01-01', NULL),
           ('city', 'v2', 'e', NULL, '2025-05-01', 45, '', 1, 1, '2025-05-01', '2025-05-01', NULL),
           ('city', 'v2', 'f', NULL, '2025-05-01', 45, '', 1, 2, '2025-05-01', '2025-05-01',
            '2025-05-02'),
           ('city', 'v2', 'g', NULL, NULL, 45, '', 1, 2, '2025-05-01', '2025-05-01', NULL);
  )");
  const std::string kMonthly =
      "SELECT library_id, month, project, minutes, entries FROM hours_monthly WHERE entries <> 0 "
      "ORDER BY 1, 2, 3";
  const std::string kYearly =
      "SELECT library_id, year, volunteer_id, minutes, entries FROM hours_yearly WHERE entries <> "
      "0 ORDER BY 1, 2, 3";
  const std::string monthly =
      "city\t202503\tlibraries/city/projects/p\t90\t2\n"
      "city\t202512\t\t60\t1\n"
      "city\t202601\t\t45\t1\n";
  const std::string yearly =
      "city\t2025\tv1\t150\t3\n"
      "city\t2026\tv2\t45\t1\n";
  ASSERT_TRUE(ApplyMigrations(config).ok());
  EXPECT_EQ(sql(kMonthly), monthly);
  EXPECT_EQ(sql(kYearly), yearly);

  // Both again (as by allies-migrate --redo): the triggers replaced, the sums rebuilt.
  for (int redo : {20, 21}) {
    auto again = ApplyMigrations(config, nullptr, 0, redo);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->applied, std::vector<int>{redo});
    EXPECT_EQ(sql(kMonthly), monthly) << "counted once, not twice";
    EXPECT_EQ(sql(kYearly), yearly);
  }
  EXPECT_EQ(sql("SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = "
                "DATABASE() AND event_object_table = 'hours'"),
            "3\n");
  // The triggers keep them from now on: e approved.
  sql("UPDATE hours SET state = 2 WHERE id = 'e'");
  EXPECT_EQ(sql("SELECT minutes, entries FROM hours_yearly WHERE year = 2025 AND volunteer_id = "
                "'v2'"),
            "45\t1\n");
}

// The rebuild (0021) while a writer's transaction is open: its trigger has added an approved
// entry to the summaries and holds their rows. The rebuild waits for it and counts the entry
// once (at READ COMMITTED, a REPLACE of the sums read from a snapshot would have waited, then
// written sums without it).
TEST(MigrationsTest, HoursSummariesRebuildCountsAWriterStillOpenOnce) {
  DbConfig config = TestDatabase::Shared().EmptySchema();
  ASSERT_TRUE(ApplyMigrations(config, nullptr, 20).ok());
  auto sql = [&](const std::string& statement) {
    return TestDatabase::Shared().Sql(statement, config.database);
  };
  sql(kCity);
  sql("INSERT INTO hours (library_id, volunteer_id, id, project, work_date, minutes, description, "
      "source, state, create_time, update_time) SELECT 'city', CONCAT('v', seq % 7), "
      "CONCAT('h', seq), 'libraries/city/projects/p', '2025-01-01' + INTERVAL seq % 365 DAY, 30, "
      "'', 1, 2, '2025-01-01', '2025-01-01' FROM seq_1_to_3000");
  auto writer = ConnectionPool::Connect(config);
  ASSERT_TRUE(writer.ok()) << writer.status();
  Session& w = **writer;
  ASSERT_TRUE(w.Run([&]() -> absl::Status {
                 w.Begin();
                 w.ExecuteDirect(
                     "INSERT INTO hours (library_id, volunteer_id, id, project, work_date, "
                     "minutes, description, source, state, create_time, update_time) VALUES "
                     "('city', 'v1', 'open', 'libraries/city/projects/p', '2025-01-01', 45, "
                     "'Ёлка', 1, 2, '2025-01-01', '2025-01-01')");
                 return absl::OkStatus();
               }).ok());
  absl::StatusOr<MigrationResult> rebuilt;
  std::thread migrator([&] { rebuilt = ApplyMigrations(config); });
  // The rebuild's DELETE running (it cannot end before the writer does, which holds summary
  // rows). Seen in the process list: innodb_trx does not always list a transaction waiting for
  // its first lock (MariaDB 10.11 left it out for seconds under load).
  bool waited = false;
  for (int i = 0; i < 200 && !waited; ++i) {
    waited = TestDatabase::Shared().Sql(absl::StrCat(
                 "SELECT COUNT(*) FROM information_schema.processlist WHERE db = '",
                 config.database, "' AND info LIKE 'DELETE FROM hours_monthly%'")) != "0\n";
    if (!waited) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(waited) << "the rebuild did not wait for the open writer";
  ASSERT_TRUE(w.Run([&]() -> absl::Status {
                 w.Commit();
                 return absl::OkStatus();
               }).ok());
  migrator.join();
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_EQ(rebuilt->applied, std::vector<int>{21});
  EXPECT_EQ(sql("SELECT SUM(minutes), SUM(entries) FROM hours_monthly"), "90045\t3001\n");
  EXPECT_EQ(sql("SELECT SUM(minutes), SUM(entries) FROM hours_yearly"), "90045\t3001\n");
  EXPECT_EQ(sql("SELECT minutes, entries FROM hours_yearly WHERE volunteer_id = 'v1'"),
            absl::StrCat(30 * 429 + 45, "\t430\n"));
}

// A summary gone wrong (a sum off, a group whose rows are gone) is set right by running 0021
// again; a migration this binary does not have is refused, by the function and by
// allies-migrate.
TEST(MigrationsTest, RedoRebuildsTheHoursSummariesAndRefusesAnUnknownMigration) {
  DbConfig config = TestDatabase::Shared().FreshSchema();
  auto sql = [&](const std::string& statement) {
    return TestDatabase::Shared().Sql(statement, config.database);
  };
  sql(kCity);
  sql("INSERT INTO hours (library_id, volunteer_id, id, project, work_date, minutes, description, "
      "source, state, create_time, update_time) VALUES ('city', 'v1', 'a', NULL, '2025-03-10', "
      "120, '', 1, 2, '2025-03-10', '2025-03-10')");
  sql("UPDATE hours_monthly SET minutes = minutes + 1000");
  sql("INSERT INTO hours_yearly VALUES ('city', 1999, 'ghost', 5, 1)");
  auto redone = ApplyMigrations(config, nullptr, 0, 21);
  ASSERT_TRUE(redone.ok()) << redone.status();
  EXPECT_EQ(redone->applied, std::vector<int>{21});
  EXPECT_EQ(sql("SELECT month, project, minutes, entries FROM hours_monthly"),
            "202503\t\t120\t1\n");
  EXPECT_EQ(sql("SELECT year, volunteer_id, minutes, entries FROM hours_yearly"),
            "2025\tv1\t120\t1\n");

  EXPECT_EQ(ApplyMigrations(config, nullptr, 0, 999).status().code(),
            absl::StatusCode::kInvalidArgument);
  const std::string env = absl::StrCat("ALLIES_DB_SOCKET='", config.socket, "' ALLIES_DB_USER='",
                                       config.user, "' ALLIES_DB_PASSWORD='", config.password,
                                       "' ALLIES_DB_NAME='", config.database, "' ");
  auto run = [&](const std::string& flag, int* status) {
    std::string out;
    FILE* p = popen(absl::StrCat(env, ALLIES_MIGRATE_BIN, " ", flag, " 2>&1").c_str(), "r");
    char buf[512];
    while (p != nullptr && fgets(buf, sizeof(buf), p) != nullptr) out += buf;
    *status = p == nullptr ? -1 : WEXITSTATUS(pclose(p));
    return out;
  };
  int status = 0;
  std::string out = run("--redo=двадцать", &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("--redo takes a migration's number"), std::string::npos) << out;
  out = run("--redo=999", &status);
  EXPECT_EQ(status, 1) << out;
  EXPECT_NE(out.find("there is no migration 999"), std::string::npos) << out;
  out = run("--redo=21", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("running migration 21 again"), std::string::npos) << out;
}

// The migrations need no privilege beyond those the production overlay grants the allies user
// (k8s/overlays/production/mariadb.yaml, its Grant): applied here as a user with only those.
TEST(MigrationsTest, ApplyWithTheProductionGrantAlone) {
  std::ifstream yaml(ALLIES_SOURCE_DIR "/k8s/overlays/production/mariadb.yaml");
  ASSERT_TRUE(yaml) << "the production overlay's mariadb.yaml";
  std::string line, privileges;
  while (std::getline(yaml, line)) {
    const size_t at = line.find("privileges: [");
    if (at == std::string::npos) continue;
    privileges = line.substr(at + 13, line.find(']') - at - 13);
  }
  ASSERT_FALSE(privileges.empty()) << "no Grant privileges in the overlay";
  DbConfig config = TestDatabase::Shared().EmptySchema();
  const std::string user = "grant_" + config.database;
  TestDatabase::Shared().Sql(
      absl::StrCat("CREATE USER '", user, "'@'localhost' IDENTIFIED BY 'пароль-ё'; GRANT ",
                   privileges, " ON `", config.database, "`.* TO '", user, "'@'localhost'"));
  config.user = user;
  config.password = "пароль-ё";
  auto applied = ApplyMigrations(config);
  ASSERT_TRUE(applied.ok()) << applied.status() << " (granted: " << privileges << ")";
  EXPECT_EQ(applied->applied.size(), AllMigrations().size());
  TestDatabase::Shared().Sql(absl::StrCat("DROP USER '", user, "'@'localhost'"));
}

TEST(MigrationsTest, UnreachableDatabaseIsUnavailable) {
  DbConfig config = TestDatabase::Shared().base_config();
  config.socket = "/nonexistent.sock";
  EXPECT_EQ(ApplyMigrations(config).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace allies::storage
