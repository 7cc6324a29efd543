// Unit tests of the CSV side of `alliesctl volunteers import` and `export`: encodings, libcsv
// records and their lines, header mapping, list cells, dates, the rows sent, batches, results and
// quoting (no server needed).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/output.h"
#include "clients/alliesctl/volunteer_csv.h"

namespace allies::ctl {
namespace {

using allies::v1::Consent;
using allies::v1::ImportResult;
using allies::v1::ImportVolunteersResponse;
using allies::v1::Volunteer;

// «Ёлкина» in Windows-1251: Ё is 0xA8, л 0xEB, к 0xEA, и 0xE8, н 0xED, а 0xE0.
const char kYolkina1251[] = "\xA8\xEB\xEA\xE8\xED\xE0";

// ---- Encodings ----

TEST(CsvEncodingTest, ValidUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("family_name;Ёлкина"));
  size_t bad = 0;
  EXPECT_FALSE(IsValidUtf8(kYolkina1251, &bad));
  EXPECT_EQ(bad, 0u);
  EXPECT_FALSE(IsValidUtf8("ok \xD0", &bad)) << "a truncated sequence";
  EXPECT_EQ(bad, 3u);
  EXPECT_FALSE(IsValidUtf8("\xC0\x80")) << "an overlong form";
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80")) << "a surrogate";
}

TEST(CsvEncodingTest, Windows1251ToUtf8) {
  EXPECT_EQ(Windows1251ToUtf8(kYolkina1251).value(), "Ёлкина");
  EXPECT_EQ(Windows1251ToUtf8("\xB8\xEB\xEA\xE0;abc").value(), "ёлка;abc");
  EXPECT_EQ(Windows1251ToUtf8("\xB9 12").value(), "№ 12");
  EXPECT_EQ(Windows1251ToUtf8("").value(), "");
  // 0x98 is the one byte the code page leaves undefined.
  EXPECT_EQ(Windows1251ToUtf8("a\x98z").value(), "a\xEF\xBF\xBDz");
}

TEST(CsvEncodingTest, AutoTakesUtf8OnlyWhenTheWholeFileIsValid) {
  CsvEncoding used = CsvEncoding::kAuto;
  EXPECT_EQ(DecodeCsvBytes("Ёлкина;1\n", CsvEncoding::kAuto, &used).value(), "Ёлкина;1\n");
  EXPECT_EQ(used, CsvEncoding::kUtf8);
  EXPECT_EQ(DecodeCsvBytes("\xEF\xBB\xBF"
                           "family_name\n",
                           CsvEncoding::kAuto, &used)
                .value(),
            "family_name\n")
      << "the BOM is dropped";
  EXPECT_EQ(used, CsvEncoding::kUtf8);
  // Valid UTF-8 in the header, one Windows-1251 name later: the whole file is Windows-1251.
  const std::string mixed = std::string("family_name\nabc\n") + kYolkina1251 + "\n";
  EXPECT_EQ(DecodeCsvBytes(mixed, CsvEncoding::kAuto, &used).value(), "family_name\nabc\nЁлкина\n");
  EXPECT_EQ(used, CsvEncoding::kWindows1251);
}

TEST(CsvEncodingTest, ExplicitEncodings) {
  EXPECT_EQ(DecodeCsvBytes(kYolkina1251, CsvEncoding::kWindows1251).value(), "Ёлкина");
  const absl::StatusOr<std::string> bad =
      DecodeCsvBytes(std::string("a\nb\n") + kYolkina1251, CsvEncoding::kUtf8);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 3 is not valid UTF-8"), std::string::npos)
      << bad.status().message();
  const absl::StatusOr<std::string> utf16 = DecodeCsvBytes(std::string("\xFF\xFE"
                                                                       "a\0",
                                                                       4),
                                                           CsvEncoding::kAuto);
  ASSERT_FALSE(utf16.ok());
  EXPECT_NE(utf16.status().message().find("UTF-16"), std::string::npos);
  EXPECT_EQ(ParseCsvEncoding("UTF8").value(), CsvEncoding::kUtf8);
  EXPECT_EQ(ParseCsvEncoding("cp1251").value(), CsvEncoding::kWindows1251);
  EXPECT_EQ(ParseCsvEncoding("Windows-1251").value(), CsvEncoding::kWindows1251);
  EXPECT_FALSE(ParseCsvEncoding("koi8-r").ok());
}

// ---- Records ----

TEST(CsvParseTest, DetectsTheDelimiterInTheHeader) {
  EXPECT_EQ(DetectCsvDelimiter("a;b;c\n1,2,3,4,5\n"), ';');
  EXPECT_EQ(DetectCsvDelimiter("a,b,c\r\nx;y\r\n"), ',');
  EXPECT_EQ(DetectCsvDelimiter("\"a,b\";c;d\n"), ';');
  EXPECT_EQ(DetectCsvDelimiter("a\n"), ';') << "a tie is ';'";
  EXPECT_EQ(ParseCsvDelimiter(",").value(), ',');
  EXPECT_EQ(ParseCsvDelimiter("semicolon").value(), ';');
  EXPECT_FALSE(ParseCsvDelimiter("auto").value().has_value());
  EXPECT_FALSE(ParseCsvDelimiter("\t").ok());
}

TEST(CsvParseTest, QuotedCellsAndTheirLines) {
  const std::string text =
      "family_name;notes\r\n"                            // 1
      "Ёлкина;\"два\r\nстроки; и \"\"кавычки\"\"\"\r\n"  // 2-3
      "\r\n"                                             // 4: blank
      "  Петров  ;  \" с пробелами \"  \r\n"             // 5
      "Сидоров;\"\n\n\"\n"                               // 6-8
      "Last;no newline";                                 // 9
  const CsvFile file = ParseCsv(text, ';');
  EXPECT_FALSE(file.unterminated_quote_line.has_value());
  ASSERT_EQ(file.records.size(), 5u);
  EXPECT_EQ(file.records[0].line, 1);
  EXPECT_EQ(file.records[0].cells, (std::vector<std::string>{"family_name", "notes"}));
  EXPECT_EQ(file.records[1].line, 2);
  EXPECT_EQ(file.records[1].cells,
            (std::vector<std::string>{"Ёлкина", "два\r\nстроки; и \"кавычки\""}));
  EXPECT_EQ(file.records[2].line, 5);
  EXPECT_EQ(file.records[2].cells, (std::vector<std::string>{"Петров", " с пробелами "}));
  EXPECT_EQ(file.records[3].line, 6);
  EXPECT_EQ(file.records[3].cells, (std::vector<std::string>{"Сидоров", "\n\n"}));
  EXPECT_EQ(file.records[4].line, 9);
  EXPECT_EQ(file.records[4].cells, (std::vector<std::string>{"Last", "no newline"}));
}

TEST(CsvParseTest, CommaDelimitedAndEmptyCells) {
  const CsvFile file = ParseCsv("a,b,c\n1,,\"x,y\"\n,,\n", ',');
  ASSERT_EQ(file.records.size(), 3u);
  EXPECT_EQ(file.records[1].cells, (std::vector<std::string>{"1", "", "x,y"}));
  EXPECT_EQ(file.records[2].cells, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(file.records[2].line, 3);
}

TEST(CsvParseTest, AnUnclosedQuoteIsReportedWhereItStarts) {
  const CsvFile file = ParseCsv("a;b\n1;2\n3;\"open\n4;5\n6;7\n", ';');
  ASSERT_TRUE(file.unterminated_quote_line.has_value());
  EXPECT_EQ(*file.unterminated_quote_line, 3);
  EXPECT_EQ(file.records.size(), 2u);
}

// ---- Header ----

TEST(CsvHeaderTest, EnglishAndRussianNames) {
  EXPECT_EQ(FoldCsvHeader(" Эл. Почта "), "элпочта");
  EXPECT_EQ(FoldCsvHeader("E-mail"), "email");
  EXPECT_EQ(FoldCsvHeader("FAMILY_NAME"), "familyname");
  EXPECT_EQ(FoldCsvHeader("Ёлка"), "елка");

  const VolunteerCsvHeader header =
      MapVolunteerCsvHeader({"ФАМИЛИЯ", "имя", "Отчество", "Дата рождения", "E-mail", "Телефон",
                             "Город", "Навыки", "Интересы", "Языки", "ID Добро.рф", "Примечания",
                             "Номер согласия", "Дата согласия", "Законный представитель", "",
                             "consent_valid_until"})
          .value();
  ASSERT_EQ(header.columns.size(), 17u);
  EXPECT_EQ(header.columns[0], VolunteerColumn::kFamilyName);
  EXPECT_EQ(header.columns[1], VolunteerColumn::kGivenName);
  EXPECT_EQ(header.columns[4], VolunteerColumn::kEmail);
  EXPECT_EQ(header.columns[10], VolunteerColumn::kDobroId);
  EXPECT_EQ(header.columns[14], VolunteerColumn::kRepresentativeName);
  EXPECT_FALSE(header.columns[15].has_value()) << "an untitled column is ignored";
  EXPECT_EQ(header.columns[16], VolunteerColumn::kConsentValidUntil);
  EXPECT_EQ(header.titles[0], "ФАМИЛИЯ");

  // ё and е are the same; "Эл. почта" and "Добро ID" too.
  const VolunteerCsvHeader yo =
      MapVolunteerCsvHeader({"фамилия", "Имя", "Дата рождения", "Номер согласия", "Дата согласия",
                             "Эл. почта", "Добро ID", "Примечания"})
          .value();
  EXPECT_EQ(yo.columns[5], VolunteerColumn::kEmail);
  EXPECT_EQ(yo.columns[6], VolunteerColumn::kDobroId);

  // Every English name maps to its own column.
  std::vector<std::string> english;
  for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) english.push_back(info.name);
  const VolunteerCsvHeader all = MapVolunteerCsvHeader(english).value();
  for (size_t i = 0; i < english.size(); ++i) {
    EXPECT_EQ(all.columns[i], VolunteerCsvColumns()[i].column) << english[i];
  }
}

TEST(CsvHeaderTest, UnknownRepeatedAndMissingColumns) {
  const absl::StatusOr<VolunteerCsvHeader> unknown = MapVolunteerCsvHeader(
      {"family_name", "given_name", "birth_date", "consent_number", "consent_date", "Рост", "Вес"});
  ASSERT_FALSE(unknown.ok());
  const std::string message(unknown.status().message());
  EXPECT_NE(message.find("unknown columns \"Рост\", \"Вес\""), std::string::npos) << message;
  EXPECT_NE(message.find("known columns:\n  family_name (Фамилия), given_name (Имя),"),
            std::string::npos)
      << message;

  const absl::StatusOr<VolunteerCsvHeader> repeated = MapVolunteerCsvHeader(
      {"family_name", "Фамилия", "given_name", "birth_date", "consent_number", "consent_date"});
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.status().message().find(
                "column \"Фамилия\" (column 2) repeats \"family_name\" (column 1)"),
            std::string::npos)
      << repeated.status().message();

  const absl::StatusOr<VolunteerCsvHeader> missing =
      MapVolunteerCsvHeader({"Фамилия", "Имя", "Дата рождения"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(
                "the header has no consent_number (Номер согласия), consent_date (Дата "
                "согласия) columns"),
            std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find(
                "Required: family_name, given_name, birth_date, consent_number, consent_date"),
            std::string::npos);
}

// ---- Cells ----

TEST(CsvCellsTest, ListsSplitAtBarsAndAtCommasUnderSemicolons) {
  EXPECT_EQ(SplitCsvList("a@x.ru | b@x.ru", ','), (std::vector<std::string>{"a@x.ru", "b@x.ru"}));
  EXPECT_EQ(SplitCsvList("ремонт книг, мастер-классы|чтение", ';'),
            (std::vector<std::string>{"ремонт книг", "мастер-классы", "чтение"}));
  EXPECT_EQ(SplitCsvList("ремонт книг, мастер-классы", ','),
            (std::vector<std::string>{"ремонт книг, мастер-классы"}))
      << "a comma is text when it is the delimiter (the cell was quoted)";
  EXPECT_TRUE(SplitCsvList(" | ,", ';').empty());
}

TEST(CsvCellsTest, Dates) {
  EXPECT_EQ(FormatDate(ParseCsvDate("1990-04-12").value()), "1990-04-12");
  EXPECT_EQ(FormatDate(ParseCsvDate("12.04.1990").value()), "1990-04-12");
  EXPECT_EQ(FormatDate(ParseCsvDate(" 1.4.1990 ").value()), "1990-04-01");
  EXPECT_EQ(FormatDate(ParseCsvDate("2000-02-29").value()), "2000-02-29");
  for (const char* bad : {"", "1990/04/12", "12.04.90", "04-12-1990", "1990-4", "12.04.1990г",
                          "сегодня", "1990-04-12T00:00"}) {
    const absl::StatusOr<google::type::Date> parsed = ParseCsvDate(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("want YYYY-MM-DD or DD.MM.YYYY"), std::string::npos)
        << parsed.status().message();
  }
  for (const char* impossible : {"31.02.1990", "2001-02-29", "1990-13-01", "00.01.1990"}) {
    const absl::StatusOr<google::type::Date> parsed = ParseCsvDate(impossible);
    ASSERT_FALSE(parsed.ok()) << impossible;
    EXPECT_NE(parsed.status().message().find("no such day"), std::string::npos) << impossible;
  }
}

VolunteerCsvHeader RussianHeader() {
  return MapVolunteerCsvHeader({"Фамилия", "Имя", "Дата рождения", "E-mail", "Навыки",
                                "Предпочтительный канал", "Номер согласия", "Дата согласия",
                                "Законный представитель", "Кем приходится"})
      .value();
}

TEST(CsvRowTest, BuildsTheVolunteerAndItsConsent) {
  CsvRecord record{7,
                   {"Ёлкина", "Алёна", "01.09.2010", "A@x.ru, b@x.ru", "ремонт книг|чтение",
                    "телефон", "17/2026", "2026-01-15", "Ёлкин Пётр", "отец"}};
  const BuiltImportRow built = BuildImportRow(RussianHeader(), record, ';');
  ASSERT_TRUE(built.row.has_value()) << built.failure.DebugString();
  EXPECT_EQ(built.row->line(), 7);
  const Volunteer& v = built.row->volunteer();
  EXPECT_EQ(v.family_name(), "Ёлкина");
  EXPECT_EQ(FormatDate(v.birth_date()), "2010-09-01");
  EXPECT_EQ(v.emails_size(), 2);
  EXPECT_EQ(v.skills(1), "чтение");
  EXPECT_EQ(v.preferred_channel(), Volunteer::PHONE);
  const Consent& c = built.row->consent();
  EXPECT_EQ(c.document_number(), "17/2026");
  EXPECT_EQ(FormatTimestamp(c.given_time()), "2026-01-15T00:00:00Z");
  EXPECT_EQ(c.representative_name(), "Ёлкин Пётр");
  EXPECT_EQ(c.representative_relation(), Consent::PARENT);
  ASSERT_EQ(c.purposes_size(), 1);
  EXPECT_EQ(c.purposes(0), Consent::VOLUNTEER_WORK);
  EXPECT_EQ(std::vector<std::string>(c.data_categories().begin(), c.data_categories().end()),
            (std::vector<std::string>{"ФИО", "дата рождения", "контактные данные"}));
  EXPECT_EQ(c.method(), Consent::METHOD_UNSPECIFIED) << "PAPER is the server's default";
  EXPECT_TRUE(c.subject().empty());
}

TEST(CsvRowTest, UnreadableCellsAreReportedByColumn) {
  CsvRecord record{
      12, {"Ёлкина", "Алёна", "31.02.2010", "", "", "голубь", "17", "вчера", "", "бабушка"}};
  const BuiltImportRow built = BuildImportRow(RussianHeader(), record, ';');
  ASSERT_FALSE(built.row.has_value());
  const ImportResult& failure = built.failure;
  EXPECT_EQ(failure.line(), 12);
  EXPECT_EQ(failure.outcome(), ImportResult::FAILED);
  EXPECT_EQ(failure.reason(), "INVALID_ROW");
  ASSERT_EQ(failure.errors_size(), 4);
  EXPECT_EQ(failure.errors(0).field(), "Дата рождения");
  EXPECT_NE(failure.errors(0).description().find("no such day"), std::string::npos);
  EXPECT_EQ(failure.errors(1).field(), "Предпочтительный канал");
  EXPECT_NE(failure.errors(1).description().find("EMAIL, PHONE"), std::string::npos);
  EXPECT_EQ(failure.errors(2).field(), "Дата согласия");
  EXPECT_EQ(failure.errors(3).field(), "Кем приходится");
}

TEST(CsvRowTest, TheNumberOfCellsMustBeTheHeaders) {
  const VolunteerCsvHeader header =
      MapVolunteerCsvHeader(
          {"family_name", "given_name", "birth_date", "consent_number", "consent_date", ""})
          .value();
  const BuiltImportRow short_row = BuildImportRow(header, {3, {"Ёлкина", "Алёна"}}, ',');
  ASSERT_FALSE(short_row.row.has_value());
  EXPECT_EQ(short_row.failure.errors(0).description(), "2 cells, the header has 6");
  const BuiltImportRow long_row =
      BuildImportRow(header, {4, {"a", "b", "2000-01-01", "1", "2020-01-01", "", "extra"}}, ',');
  EXPECT_FALSE(long_row.row.has_value());
  // Trailing empty cells and a missing untitled one are fine.
  EXPECT_TRUE(
      BuildImportRow(header, {5, {"a", "b", "2000-01-01", "1", "2020-01-01", "", "", ""}}, ',')
          .row.has_value());
  EXPECT_TRUE(BuildImportRow(header, {6, {"a", "b", "2000-01-01", "1", "2020-01-01"}}, ',')
                  .row.has_value());
}

// ---- Batches and results ----

TEST(ImportBatchesTest, CutByRowsAndBytes) {
  EXPECT_TRUE(PlanImportBatches({}, 1000, 100).empty());
  using Batches = std::vector<std::pair<size_t, size_t>>;
  EXPECT_EQ(PlanImportBatches(std::vector<size_t>(5, 1), 2, 100),
            (Batches{{0, 2}, {2, 4}, {4, 5}}));
  EXPECT_EQ(PlanImportBatches({40, 40, 40, 10}, 1000, 100), (Batches{{0, 2}, {2, 4}}));
  // A row larger than the limit goes alone.
  EXPECT_EQ(PlanImportBatches({10, 500, 10}, 1000, 100), (Batches{{0, 1}, {1, 2}, {2, 3}}));
}

TEST(ImportResultsTest, MergedTableAndSummary) {
  ImportVolunteersResponse total;
  ImportVolunteersResponse batch;
  auto* created = batch.add_results();
  created->set_line(2);
  created->set_outcome(ImportResult::CREATED);
  auto* duplicate = batch.add_results();
  duplicate->set_line(3);
  duplicate->set_outcome(ImportResult::DUPLICATE);
  duplicate->set_volunteer("libraries/o/volunteers/v1");
  duplicate->set_reason("email");
  duplicate->set_message("matches libraries/o/volunteers/v1 (email)");
  auto* failed = batch.add_results();
  failed->set_line(5);
  failed->set_outcome(ImportResult::FAILED);
  failed->set_reason("INVALID_ARGUMENT");
  auto* error = failed->add_errors();
  error->set_field("volunteer.family_name");
  error->set_description("is required");
  batch.set_created(1);
  batch.set_duplicates(1);
  batch.set_failed(1);
  MergeImportResponse(batch, &total);
  MergeImportResponse(batch, &total);
  EXPECT_EQ(total.results_size(), 6);
  EXPECT_EQ(ImportSummary(total, false), "created=2 updated=0 unchanged=0 duplicates=2 failed=2");
  EXPECT_EQ(ImportSummary(ImportVolunteersResponse(), true),
            "created=0 updated=0 unchanged=0 duplicates=0 failed=0 (dry run)");
  const Table table = ImportResultsTable(batch);
  EXPECT_EQ(table.headers,
            (std::vector<std::string>{"LINE", "OUTCOME", "VOLUNTEER", "REASON", "MESSAGE"}));
  ASSERT_EQ(table.rows.size(), 2u) << "CREATED rows are not listed";
  EXPECT_EQ(table.rows[0],
            (std::vector<std::string>{"3", "DUPLICATE", "libraries/o/volunteers/v1", "email",
                                      "matches libraries/o/volunteers/v1 (email)"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"5", "FAILED", "<none>", "INVALID_ARGUMENT",
                                                     "volunteer.family_name: is required"}));
}

// ---- Writing ----

TEST(CsvWriteTest, Rfc4180Quoting) {
  EXPECT_EQ(CsvCell("Ёлкина", ';'), "Ёлкина");
  EXPECT_EQ(CsvCell("a,b", ';'), "a,b") << "a comma needs no quotes under ';'";
  EXPECT_EQ(CsvCell("a,b", ','), "\"a,b\"");
  EXPECT_EQ(CsvCell("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(CsvCell("say \"hi\"", ';'), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines", ';'), "\"two\nlines\"");
  EXPECT_EQ(CsvCell(" padded", ';'), "\" padded\"") << "libcsv would trim it otherwise";
  EXPECT_EQ(CsvCell("", ';'), "");
  EXPECT_EQ(CsvLine({"a", "b;c", ""}, ';'), "a;\"b;c\";\r\n");
}

TEST(CsvWriteTest, WrittenCellsReadBack) {
  const std::vector<std::string> cells = {"Ёлкина", "x;y", "\"q\"", "a\r\nb", " s ", ""};
  const CsvFile file = ParseCsv(CsvLine(cells, ';') + CsvLine(cells, ';'), ';');
  ASSERT_EQ(file.records.size(), 2u);
  EXPECT_EQ(file.records[0].cells, cells);
  EXPECT_EQ(file.records[1].line, 3) << "the first record spans two lines";
}

TEST(CsvWriteTest, VolunteerCellsWithTheLatestWorkConsent) {
  Volunteer v;
  v.set_family_name("Ёлкина");
  v.set_given_name("Алёна");
  v.mutable_birth_date()->set_year(2010);
  v.mutable_birth_date()->set_month(9);
  v.mutable_birth_date()->set_day(1);
  v.add_emails("a@x.ru");
  v.add_emails("b@x.ru");
  v.add_skills("ремонт книг, переплёт");
  v.set_preferred_channel(Volunteer::PHONE);
  Consent old_work, new_work, photo, withdrawn;
  for (Consent* c : {&old_work, &new_work, &withdrawn}) c->add_purposes(Consent::VOLUNTEER_WORK);
  photo.add_purposes(Consent::PUBLICATION);
  old_work.set_state(Consent::ACTIVE);
  old_work.set_document_number("1");
  old_work.mutable_given_time()->set_seconds(1700000000);
  new_work.set_state(Consent::ACTIVE);
  new_work.set_document_number("2");
  new_work.mutable_given_time()->set_seconds(1736899200);  // 2025-01-15T00:00:00Z.
  new_work.set_representative_name("Ёлкин Пётр");
  new_work.set_representative_relation(Consent::PARENT);
  photo.set_state(Consent::ACTIVE);
  photo.mutable_given_time()->set_seconds(1800000000);
  withdrawn.set_state(Consent::WITHDRAWN);
  withdrawn.mutable_given_time()->set_seconds(1800000000);
  const Consent* latest = LatestWorkConsent({&old_work, &photo, &new_work, &withdrawn});
  ASSERT_EQ(latest, &new_work);
  EXPECT_EQ(LatestWorkConsent({&photo, &withdrawn}), nullptr);

  const std::vector<std::string> cells = VolunteerCsvCells(v, latest);
  ASSERT_EQ(cells.size(), VolunteerCsvColumns().size());
  EXPECT_EQ(cells[0], "Ёлкина");
  EXPECT_EQ(cells[3], "2010-09-01");
  EXPECT_EQ(cells[4], "a@x.ru|b@x.ru");
  EXPECT_EQ(cells[7], "ремонт книг, переплёт");
  EXPECT_EQ(cells[11], "PHONE");
  EXPECT_EQ(cells[13], "2");
  EXPECT_EQ(cells[14], "2025-01-15");
  EXPECT_EQ(cells[15], "");
  EXPECT_EQ(cells[16], "Ёлкин Пётр");
  EXPECT_EQ(cells[17], "PARENT");
  EXPECT_EQ(VolunteerCsvCells(v, nullptr)[13], "");

  // What export writes, import reads back (the header of English names included).
  std::vector<std::string> names;
  for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) names.push_back(info.name);
  const CsvFile file = ParseCsv(CsvLine(names, ';') + CsvLine(cells, ';'), ';');
  ASSERT_EQ(file.records.size(), 2u);
  const BuiltImportRow built =
      BuildImportRow(MapVolunteerCsvHeader(file.records[0].cells).value(), file.records[1], ';');
  ASSERT_TRUE(built.row.has_value()) << built.failure.DebugString();
  EXPECT_EQ(built.row->volunteer().emails_size(), 2);
  EXPECT_EQ(built.row->volunteer().preferred_channel(), Volunteer::PHONE);
  EXPECT_EQ(built.row->consent().document_number(), "2");
  EXPECT_EQ(built.row->consent().given_time().seconds(), 1736899200);
  EXPECT_EQ(built.row->consent().representative_relation(), Consent::PARENT);
}

// ---- Commands ----

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

CliResult RunCtl(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunCli(DefaultRegistry(), args, std::nullopt, out, err);
  return {code, out.str(), err.str()};
}

TEST(VolunteerCsvCommandsTest, ImportUsageErrors) {
  const CliResult help = RunCtl({"volunteers", "import", "--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("3 when some did"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--on-match"), std::string::npos);
  EXPECT_EQ(RunCtl({"volunteers", "import", "o"}).code, 2);
  const CliResult missing = RunCtl({"volunteers", "import", "o", "/nonexistent/v.csv"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot read /nonexistent/v.csv"), std::string::npos) << missing.err;
  const CliResult on_match =
      RunCtl({"volunteers", "import", "o", "/nonexistent/v.csv", "--on-match", "merge"});
  EXPECT_EQ(on_match.code, 2);
  EXPECT_NE(on_match.err.find("want report or update"), std::string::npos);
  EXPECT_EQ(RunCtl({"volunteers", "import", "o", "v.csv", "--batch-size", "1001"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteers", "import", "o", "v.csv", "--encoding", "koi8-r"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteers", "import", "-", "v.csv"}).code, 2);
}

TEST(VolunteerCsvCommandsTest, ExportUsageErrors) {
  const CliResult file_with_name =
      RunCtl({"volunteers", "export", "libraries/o/volunteers/v", "--file", "x.csv"});
  EXPECT_EQ(file_with_name.code, 2);
  EXPECT_NE(file_with_name.err.find("--file goes with a library"), std::string::npos);
  EXPECT_EQ(RunCtl({"volunteers", "export", "o", "-o", "json"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteers", "export", "-"}).code, 2);
}

}  // namespace
}  // namespace allies::ctl
