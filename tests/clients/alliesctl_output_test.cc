// Unit tests of alliesctl's pure logic: display width, table rendering,
// argument parsing, request building, error rendering and dispatch of usage
// errors (no server needed).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "allies/v1/api_key.pb.h"
#include "clients/alliesctl/activities.h"
#include "clients/alliesctl/agreements.h"
#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/completion.h"
#include "clients/alliesctl/consents.h"
#include "clients/alliesctl/contacts.h"
#include "clients/alliesctl/describe.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/hours.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/output.h"
#include "clients/alliesctl/partners.h"
#include "clients/alliesctl/projects.h"
#include "clients/alliesctl/volunteer_csv.h"
#include "clients/alliesctl/volunteer_records.h"
#include "clients/alliesctl/volunteers.h"
#include "google/protobuf/struct.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "yaml-cpp/yaml.h"

namespace allies::ctl {
namespace {

using allies::v1::Agreement;
using allies::v1::Consent;
using allies::v1::Library;
using allies::v1::Partner;
using allies::v1::Project;
using allies::v1::Qualification;
using allies::v1::Schedule;
using allies::v1::Shift;
using allies::v1::Signup;
using allies::v1::Volunteer;
using allies::v1::VolunteerAgreement;

// ---- Display width and tables ----

TEST(DisplayWidthTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Ёлкин"), 5u);  // 10 bytes.
  EXPECT_EQ(DisplayWidth("Областная библиотека им. Ё. Ёлкина"), 34u);
  EXPECT_EQ(DisplayWidth("€"), 1u);  // 3 bytes.
  EXPECT_EQ(DisplayWidth("😀"), 1u);  // 4 bytes.
}

TEST(DisplayWidthTest, CombiningMarksAreZeroWidth) {
  // "й" as "и" + U+0306 COMBINING BREVE.
  EXPECT_EQ(DisplayWidth("\xD0\xB8\xCC\x86"), 1u);
  EXPECT_EQ(DisplayWidth("a\xE2\x80\x8B"
                         "b"),
            2u);  // Zero-width space.
}

TEST(DisplayWidthTest, InvalidBytesCountOneEach) {
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);
  EXPECT_EQ(DisplayWidth("\xD0"), 1u);      // Truncated sequence.
  EXPECT_EQ(DisplayWidth("\xC0\x80"), 2u);  // Overlong encoding.
  EXPECT_EQ(DisplayWidth("\xD0x"), 2u);     // Bad continuation byte.
}

TEST(RenderTableTest, AlignsCyrillicByDisplayWidth) {
  Table table;
  table.headers = {"NAME", "DISPLAY NAME", "KIND"};
  table.rows = {{"libraries/obl", "Областная библиотека", "REGIONAL"},
                {"libraries/b1", "Филиал", "BRANCH"}};
  EXPECT_EQ(RenderTable(table),
            "NAME            DISPLAY NAME           KIND\n"
            "libraries/obl   Областная библиотека   REGIONAL\n"
            "libraries/b1    Филиал                 BRANCH\n");
}

TEST(RenderTableTest, NoTrailingSpacesAndShortRowsPadded) {
  Table table;
  table.headers = {"A", "B"};
  table.rows = {{"x"}, {"yyyy", ""}};
  EXPECT_EQ(RenderTable(table),
            "A      B\n"
            "x\n"
            "yyyy\n");
}

TEST(RenderTableTest, ControlCharactersBecomeSpaces) {
  Table table;
  table.headers = {"ADDRESS", "X"};
  table.rows = {{"ул.\tЛенина,\n1", "y"}};
  EXPECT_EQ(RenderTable(table),
            "ADDRESS         X\n"
            "ул. Ленина, 1   y\n");
}

TEST(RenderTableTest, EmptyHeadersRenderNothing) { EXPECT_EQ(RenderTable(Table{}), ""); }

// ---- Tables that fit a width ----

TEST(TruncateToWidthTest, CutsByDisplayWidthWithAnEllipsis) {
  EXPECT_EQ(TruncateToWidth("Областная", 9), "Областная");
  EXPECT_EQ(TruncateToWidth("Областная", 6), "Облас…");
  EXPECT_EQ(DisplayWidth(TruncateToWidth("Областная", 6)), 6u);
  EXPECT_EQ(TruncateToWidth("abc", 1), "…");
  EXPECT_EQ(TruncateToWidth("abc", 0), "");
  // A combining mark stays with its letter: "и" + U+0306 is one column.
  EXPECT_EQ(TruncateToWidth("Краи\u0306ний", 6), "Краи\u0306н…");
}

Table WideTable() {
  Table table;
  table.headers = {"NAME", "DISPLAY NAME", "KIND"};
  table.rows = {{"libraries/oblast", "Областная универсальная научная библиотека", "REGIONAL"},
                {"libraries/b1", "Филиал", "BRANCH"}};
  return table;
}

TEST(RenderTableTest, NoWidthOrEnoughWidthCutsNothing) {
  const std::string natural = RenderTable(WideTable());
  EXPECT_EQ(natural.find("…"), std::string::npos);
  EXPECT_EQ(RenderTable(WideTable(), 0), natural);
  EXPECT_EQ(RenderTable(WideTable(), 200), natural);
  EXPECT_EQ(RenderTable(WideTable(), 72), natural);  // Exactly as wide as the table.
  EXPECT_NE(RenderTable(WideTable(), 71), natural);
}

TEST(RenderTableTest, TheWidestColumnShrinksToFit) {
  // 72 columns wide; 22 too many for 50: the display name alone gives them up.
  EXPECT_EQ(RenderTable(WideTable(), 50),
            "NAME               DISPLAY NAME           KIND\n"
            "libraries/oblast   Областная универсал…   REGIONAL\n"
            "libraries/b1       Филиал                 BRANCH\n");
  for (const absl::string_view line : absl::StrSplit(RenderTable(WideTable(), 50), '\n')) {
    EXPECT_LE(DisplayWidth(line), 50u) << line;
  }
}

TEST(RenderTableTest, SeveralWideColumnsShrinkToOneWidth) {
  // Too narrow for the display name alone: the name shrinks as well, to the same width, and
  // the header is cut like any cell.
  const std::string text = RenderTable(WideTable(), 34);
  EXPECT_EQ(text,
            "NAME         DISPLAY N…   KIND\n"
            "libraries…   Областная…   REGIONAL\n"
            "libraries…   Филиал       BRANCH\n");
  for (const absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_LE(DisplayWidth(line), 34u) << line;
  }
}

TEST(RenderTableTest, ColumnsNeverShrinkBelowTheMinimum) {
  const std::string text = RenderTable(WideTable(), 10);
  EXPECT_NE(text.find("libra…"), std::string::npos) << text;
  EXPECT_NE(text.find("Облас…"), std::string::npos) << text;
  EXPECT_NE(text.find("REGIO…"), std::string::npos) << text;
  EXPECT_NE(text.find("KIND"), std::string::npos) << text;  // Narrower than the minimum: kept.
}

TEST(OutputTest, FormatTimestamp) {
  google::protobuf::Timestamp ts;
  EXPECT_EQ(FormatTimestamp(ts), "");
  ts.set_seconds(1714566896);
  ts.set_nanos(123);
  EXPECT_EQ(FormatTimestamp(ts), "2024-05-01T12:34:56Z");
}

TEST(OutputTest, ParseOutputFormat) {
  EXPECT_EQ(ParseOutputFormat("table").value(), OutputFormat::kTable);
  EXPECT_EQ(ParseOutputFormat("JSON").value(), OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("name").value(), OutputFormat::kName);
  EXPECT_FALSE(ParseOutputFormat("xml").ok());
  EXPECT_FALSE(ParseOutputFormat("describe").ok());  // A verb, not a format.
}

TEST(OutputTest, MessageToJsonUsesCamelCaseAndKeepsCyrillic) {
  Library library;
  library.set_display_name("Ёлкин");
  library.set_kind(Library::BRANCH);
  const std::string json = MessageToJson(library).value();
  EXPECT_NE(json.find("\"displayName\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"BRANCH\""), std::string::npos) << json;
  EXPECT_EQ(json.find("region"), std::string::npos) << json;
  EXPECT_EQ(json.back(), '\n');
}

// ---- Argument parsing ----

std::vector<FlagSpec> TestSpecs() {
  return {{"output", 'o', true, "FORMAT", ""},
          {"parent", '\0', true, "P", ""},
          {"force", '\0', false, "", ""},
          {"help", 'h', false, "", ""}};
}

TEST(ParseArgsTest, FlagsBeforeAndAfterWords) {
  ParsedArgs args =
      ParseArgs({"-o", "json", "libraries", "--parent=libraries/a", "list", "--force"}, TestSpecs())
          .value();
  EXPECT_EQ(args.positionals(), (std::vector<std::string>{"libraries", "list"}));
  EXPECT_EQ(args.Get("output"), "json");
  EXPECT_EQ(args.Get("parent"), "libraries/a");
  EXPECT_TRUE(args.GetBool("force"));
  EXPECT_FALSE(args.GetBool("help"));
  EXPECT_FALSE(args.Has("help"));
  EXPECT_EQ(args.given_flags(), (std::vector<std::string>{"output", "parent", "force"}));
}

TEST(ParseArgsTest, ShortFlagForms) {
  EXPECT_EQ(ParseArgs({"-ojson"}, TestSpecs())->Get("output"), "json");
  EXPECT_EQ(ParseArgs({"-o=table"}, TestSpecs())->Get("output"), "table");
  EXPECT_TRUE(ParseArgs({"-h"}, TestSpecs())->GetBool("help"));
}

TEST(ParseArgsTest, EmptyValuesAreKept) {
  ParsedArgs args = ParseArgs({"--parent", ""}, TestSpecs()).value();
  EXPECT_TRUE(args.Has("parent"));
  EXPECT_EQ(args.Get("parent"), "");
  EXPECT_EQ(ParseArgs({"--parent="}, TestSpecs())->Get("parent"), "");
}

TEST(ParseArgsTest, ValueMayStartWithDash) {
  EXPECT_EQ(ParseArgs({"--parent", "-x"}, TestSpecs())->Get("parent"), "-x");
}

TEST(ParseArgsTest, LastOccurrenceWins) {
  EXPECT_EQ(ParseArgs({"-o", "json", "--output=table"}, TestSpecs())->Get("output"), "table");
}

TEST(ParseArgsTest, BooleanValues) {
  EXPECT_FALSE(ParseArgs({"--force=false"}, TestSpecs())->GetBool("force"));
  EXPECT_TRUE(ParseArgs({"--force=TRUE"}, TestSpecs())->GetBool("force"));
  EXPECT_FALSE(ParseArgs({"--force=maybe"}, TestSpecs()).ok());
}

TEST(ParseArgsTest, Errors) {
  EXPECT_FALSE(ParseArgs({"--nope"}, TestSpecs()).ok());
  EXPECT_FALSE(ParseArgs({"-x"}, TestSpecs()).ok());
  EXPECT_FALSE(ParseArgs({"libraries", "--parent"}, TestSpecs()).ok());
  EXPECT_FALSE(ParseArgs({"-o"}, TestSpecs()).ok());
}

TEST(ParseArgsTest, DoubleDashEndsFlags) {
  ParsedArgs args = ParseArgs({"get", "--", "--force", "-"}, TestSpecs()).value();
  EXPECT_EQ(args.positionals(), (std::vector<std::string>{"get", "--force", "-"}));
  EXPECT_FALSE(args.Has("force"));
}

TEST(ParseArgsTest, NumberParsers) {
  EXPECT_EQ(ParseInt32Flag("page-size", "25").value(), 25);
  EXPECT_EQ(ParseInt32Flag("page-size", "-1").value(), -1);
  EXPECT_FALSE(ParseInt32Flag("page-size", "ten").ok());
  EXPECT_FALSE(ParseInt32Flag("page-size", "99999999999").ok());
  EXPECT_DOUBLE_EQ(ParsePositiveSecondsFlag("timeout", "0.5").value(), 0.5);
  EXPECT_FALSE(ParsePositiveSecondsFlag("timeout", "0").ok());
  EXPECT_FALSE(ParsePositiveSecondsFlag("timeout", "-3").ok());
  EXPECT_FALSE(ParsePositiveSecondsFlag("timeout", "soon").ok());
}

TEST(ParseArgsTest, RegisteredFlagsAreConsistent) {
  const CommandRegistry registry = DefaultRegistry();
  std::vector<FlagSpec> all = GlobalFlags();
  for (const Resource& resource : registry.resources()) {
    for (const Command* command : registry.CommandsOf(resource.name)) {
      all.insert(all.end(), command->flags.begin(), command->flags.end());
    }
  }
  EXPECT_TRUE(CheckFlagSpecsConsistent(all).ok());
  EXPECT_FALSE(
      CheckFlagSpecsConsistent({{"a", '\0', true, "", ""}, {"a", '\0', false, "", ""}}).ok());
}

// ---- Libraries ----

TEST(LibrariesTest, NormalizeLibraryName) {
  EXPECT_EQ(NormalizeLibraryName("obl"), "libraries/obl");
  EXPECT_EQ(NormalizeLibraryName("libraries/obl"), "libraries/obl");
  EXPECT_EQ(NormalizeLibraryName(""), "");
}

TEST(LibrariesTest, ParseLibraryKind) {
  EXPECT_EQ(ParseLibraryKind("REGIONAL").value(), Library::REGIONAL);
  EXPECT_EQ(ParseLibraryKind("central_system").value(), Library::CENTRAL_SYSTEM);
  EXPECT_EQ(ParseLibraryKind("Central-Library").value(), Library::CENTRAL_LIBRARY);
  EXPECT_EQ(ParseLibraryKind("").value(), Library::KIND_UNSPECIFIED);
  absl::StatusOr<Library::Kind> bad = ParseLibraryKind("village");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("BRANCH"), std::string::npos);
}

ParsedArgs Args(const std::vector<std::string>& words) {
  return ParseArgs(words, DefaultRegistry().AllFlags()).value();
}

std::vector<std::string> Paths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

TEST(LibrariesTest, BuildCreateRequest) {
  allies::v1::CreateLibraryRequest request =
      BuildCreateLibraryRequest(Args({"--id", "b1", "--display-name", "Филиал №1", "--kind",
                                      "branch", "--parent", "obl", "--region", "Тверская"}))
          .value();
  EXPECT_EQ(request.library_id(), "b1");
  EXPECT_EQ(request.library().display_name(), "Филиал №1");
  EXPECT_EQ(request.library().kind(), Library::BRANCH);
  EXPECT_EQ(request.library().parent(), "libraries/obl");
  EXPECT_EQ(request.library().region(), "Тверская");
  EXPECT_TRUE(request.library().website().empty());
}

TEST(LibrariesTest, BuildCreateRequestNeedsDisplayNameAndKind) {
  EXPECT_FALSE(BuildCreateLibraryRequest(Args({"--kind", "branch"})).ok());
  EXPECT_FALSE(BuildCreateLibraryRequest(Args({"--display-name", "x"})).ok());
  EXPECT_FALSE(BuildCreateLibraryRequest(Args({"--display-name", "x", "--kind", "z"})).ok());
}

TEST(LibrariesTest, BuildUpdateRequestMaskHoldsExactlyTheGivenFields) {
  allies::v1::UpdateLibraryRequest request =
      BuildUpdateLibraryRequest("obl", Args({"--website", "https://x.ru", "--parent", "",
                                             "--display-name", "Новое", "--etag", "e1"}))
          .value();
  EXPECT_EQ(request.library().name(), "libraries/obl");
  EXPECT_EQ(request.library().etag(), "e1");
  EXPECT_EQ(request.library().display_name(), "Новое");
  EXPECT_EQ(request.library().parent(), "");
  EXPECT_EQ(request.library().website(), "https://x.ru");
  EXPECT_EQ(Paths(request.update_mask()),
            (std::vector<std::string>{"display_name", "parent", "website"}));
}

TEST(LibrariesTest, BuildUpdateRequestClearsWithEmptyValue) {
  allies::v1::UpdateLibraryRequest request =
      BuildUpdateLibraryRequest("libraries/obl", Args({"--region="})).value();
  EXPECT_EQ(request.library().name(), "libraries/obl");
  ASSERT_EQ(request.update_mask().paths_size(), 1);
  EXPECT_EQ(request.update_mask().paths(0), "region");
}

TEST(LibrariesTest, BuildUpdateRequestWithoutFieldsIsAnError) {
  EXPECT_FALSE(BuildUpdateLibraryRequest("obl", Args({})).ok());
  EXPECT_FALSE(BuildUpdateLibraryRequest("obl", Args({"--etag", "e"})).ok());
}

TEST(LibrariesTest, TableAddsDeletedColumnOnlyWhenNeeded) {
  google::protobuf::RepeatedPtrField<Library> libraries;
  Library* root = libraries.Add();
  root->set_name("libraries/obl");
  root->set_display_name("Областная библиотека им. Ё. Ёлкина");
  root->set_kind(Library::REGIONAL);
  root->mutable_update_time()->set_seconds(1714566896);
  Library* child = libraries.Add();
  child->set_name("libraries/b1");
  child->set_display_name("Филиал");
  child->set_kind(Library::BRANCH);
  child->set_parent("libraries/obl");
  child->set_region("Тверская");

  Table table = LibrariesTable(libraries);
  EXPECT_EQ(table.headers, (std::vector<std::string>{"NAME", "DISPLAY NAME", "KIND", "PARENT",
                                                     "REGION", "UPDATED"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0],
            (std::vector<std::string>{"libraries/obl", "Областная библиотека им. Ё. Ёлкина",
                                      "REGIONAL", "<none>", "<none>", "2024-05-01T12:34:56Z"}));
  EXPECT_EQ(table.rows[1][3], "libraries/obl");

  child->mutable_delete_time()->set_seconds(1714566896);
  table = LibrariesTable(libraries);
  ASSERT_EQ(table.headers.size(), 7u);
  EXPECT_EQ(table.headers[6], "DELETED");
  EXPECT_EQ(table.rows[0][6], "<none>");
  EXPECT_EQ(table.rows[1][6], "2024-05-01T12:34:56Z");
}

// ---- Errors ----

TEST(ErrorsTest, ExitCodes) {
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::OK), 0);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::INTERNAL), 1);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::INVALID_ARGUMENT), 3);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::OUT_OF_RANGE), 3);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::NOT_FOUND), 4);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::UNAVAILABLE), 5);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::DEADLINE_EXCEEDED), 5);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::ALREADY_EXISTS), 6);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::FAILED_PRECONDITION), 6);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::ABORTED), 6);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::PERMISSION_DENIED), 7);
  EXPECT_EQ(ExitCodeForStatus(grpc::StatusCode::UNAUTHENTICATED), 7);
}

TEST(ErrorsTest, FormatsDetails) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  rpc_status.set_message("invalid library");
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("library.display_name");
  violation->set_description("обязательное поле");
  google::rpc::ErrorInfo info;
  info.set_reason("INVALID_LIBRARY");
  info.set_domain("allies.v1");
  (*info.mutable_metadata())["zeta"] = "1";
  (*info.mutable_metadata())["alpha"] = "2";
  // ErrorInfo first: violations are still printed before the reason.
  rpc_status.add_details()->PackFrom(info);
  rpc_status.add_details()->PackFrom(bad_request);

  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "invalid library",
                            rpc_status.SerializeAsString());
  EXPECT_EQ(FormatRpcError(status),
            "error: INVALID_ARGUMENT: invalid library\n"
            "  library.display_name: обязательное поле\n"
            "  reason: INVALID_LIBRARY\n"
            "  alpha=2\n"
            "  zeta=1\n");
}

TEST(ErrorsTest, FormatsWithoutDetails) {
  EXPECT_EQ(FormatRpcError(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such library")),
            "error: NOT_FOUND: no such library\n");
  EXPECT_EQ(FormatRpcError(grpc::Status(grpc::StatusCode::ABORTED, "stale", "\xFF garbage")),
            "error: ABORTED: stale\n");
}

// ---- Dispatch (no RPC is made for usage errors) ----

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

TEST(RunCliTest, HelpDocumentsExitCodes) {
  CliResult result = RunCtl({"--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.out.find("Exit codes"), std::string::npos);
  EXPECT_NE(result.out.find("libraries"), std::string::npos);
  EXPECT_EQ(RunCtl({"libraries", "-h"}).code, 0);
  result = RunCtl({"libraries", "update", "--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.out.find("--display-name"), std::string::npos);
}

TEST(RunCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCtl({}).code, 2);
  EXPECT_EQ(RunCtl({"books", "list"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "frobnicate"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "get"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "get", "a", "b"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "get", "a", "--nope"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "get", "a", "--force"}).code, 2);  // Not a flag of get.
  EXPECT_EQ(RunCtl({"libraries", "get", "a", "-o", "xml"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "get", "a", "--timeout", "0"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "list", "--page-size", "many"}).code, 2);
  EXPECT_EQ(RunCtl({"libraries", "create", "--kind", "branch"}).code, 2);
  CliResult result = RunCtl({"libraries", "update", "obl"});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("error: nothing to update"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("Usage: alliesctl libraries update"), std::string::npos);
}

TEST(RunCliTest, UnreachableServerIsUnavailable) {
  // Port 1 on localhost refuses connections.
  CliResult result = RunCtl({"--endpoint=127.0.0.1:1", "--timeout", "5", "lib", "get", "obl"});
  EXPECT_EQ(result.code, 5) << result.err;
  EXPECT_EQ(result.err.rfind("error: UNAVAILABLE: ", 0), 0u) << result.err;
  EXPECT_TRUE(result.out.empty());
}

TEST(RunCliTest, UsageErrorsSayWhatIsWrong) {
  CliResult result = RunCtl({"libraries", "get", "a", "--nope"});
  EXPECT_EQ(result.err.rfind("error: unknown flag --nope\n", 0), 0u) << result.err;
  result = RunCtl({"libraries", "get", "a", "--force"});
  EXPECT_EQ(result.err.rfind("error: flag --force is not accepted by 'libraries get'\n", 0), 0u)
      << result.err;
  result = RunCtl({"books", "list"});
  EXPECT_EQ(result.err.rfind("error: unknown resource \"books\"\n", 0), 0u) << result.err;
  result = RunCtl({"lib", "frobnicate"});
  EXPECT_EQ(result.err.rfind("error: unknown verb \"frobnicate\" for libraries\n", 0), 0u)
      << result.err;
  result = RunCtl({"libraries"});
  EXPECT_EQ(result.err.rfind("error: missing verb for libraries\n", 0), 0u) << result.err;
  result = RunCtl({"libraries", "get", "a", "b"});
  EXPECT_EQ(result.err.rfind("error: 'libraries get' takes arguments NAME, got 2\n", 0), 0u)
      << result.err;
  result = RunCtl({"libraries", "get", "a", "--timeout"});
  EXPECT_EQ(result.err.rfind("error: flag --timeout needs a value\n", 0), 0u) << result.err;
  result = RunCtl({"libraries", "list", "--show-deleted=maybe"});
  EXPECT_EQ(result.err.rfind("error: flag --show-deleted takes no value", 0), 0u) << result.err;
  result = RunCtl({"libraries", "get", "a", "-o"});
  EXPECT_EQ(result.code, 2);
  EXPECT_EQ(result.err.rfind("error: flag --output needs a value\n", 0), 0u) << result.err;
}

TEST(RunCliTest, FlagsBeforeBetweenAndAfterTheCommandWords) {
  // Nothing listens on port 1: each gets as far as the call, so the line was understood.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--endpoint=127.0.0.1:1", "-o", "json", "libraries", "get", "obl"},
           {"libraries", "--endpoint", "127.0.0.1:1", "get", "obl", "-ojson"},
           {"lib", "get", "--endpoint", "127.0.0.1:1", "obl", "--output=yaml"},
           {"--endpoint=127.0.0.1:1", "boards", "members", "get", "-o=yaml",
            "libraries/a/supervisoryBoards/b/members/m"},
       }) {
    CliResult result = RunCtl(args);
    EXPECT_EQ(result.code, 5) << absl::StrJoin(args, " ") << "\n" << result.err;
  }
  // An operand that is a verb's or a resource's name stays an operand.
  CliResult result = RunCtl({"--endpoint=127.0.0.1:1", "libraries", "get", "list"});
  EXPECT_EQ(result.code, 5) << result.err;
  result = RunCtl({"--endpoint=127.0.0.1:1", "libraries", "get", "--", "partners"});
  EXPECT_EQ(result.code, 5) << result.err;
}

TEST(RunCliTest, VersionNamesTheProjectVersion) {
  CliResult result = RunCtl({"--version"});
  EXPECT_EQ(result.code, 0);
  EXPECT_EQ(result.out.rfind("alliesctl 0.", 0), 0u) << result.out;
  EXPECT_EQ(result.out, VersionText());
  EXPECT_NE(RunCtl({"--help"}).out.find("alliesctl --version"), std::string::npos);
}

TEST(RunCliTest, CompletionScriptComesFromTheCommandTable) {
  CliResult result = RunCtl({"completion", "bash"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_NE(result.out.find("complete -o default -F _alliesctl alliesctl"), std::string::npos);
  EXPECT_NE(result.out.find("\"/libraries\"|\"/library\"|\"/lib\"|\"/libs\") REPLY='libraries' ;;"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("\"boards/members\"|\"boards/member\") REPLY='boards members' ;;"),
            std::string::npos);
  EXPECT_NE(result.out.find("\"libraries update\") REPLY='--display-name"), std::string::npos);
  EXPECT_NE(result.out.find("\"libraries describe\") REPLY="), std::string::npos);
  EXPECT_EQ(RunCtl({"completion"}).code, 2);
  EXPECT_EQ(RunCtl({"completion", "zsh"}).code, 2);
  EXPECT_EQ(RunCtl({"completion", "--help"}).code, 0);
  EXPECT_EQ(BashCompletion(DefaultRegistry()), result.out);
}

TEST(RunCliTest, DescribeBesideEveryGet) {
  const CommandRegistry registry = DefaultRegistry();
  size_t gets = 0;
  for (const Resource& resource : registry.resources()) {
    const Command* get = registry.FindCommand(resource.name, "get");
    if (get == nullptr) continue;
    ++gets;
    const Command* describe = registry.FindCommand(resource.name, "describe");
    ASSERT_NE(describe, nullptr) << resource.name;
    EXPECT_EQ(describe->operand_usage, get->operand_usage);
  }
  EXPECT_GT(gets, 20u);
  CliResult result = RunCtl({"libraries", "describe", "--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.out.find("Usage: alliesctl libraries describe NAME"), std::string::npos);
  result = RunCtl({"--endpoint=127.0.0.1:1", "libraries", "describe", "obl", "-o", "json"});
  EXPECT_EQ(result.code, 2);
  EXPECT_NE(result.err.find("describe prints text"), std::string::npos) << result.err;
  result = RunCtl({"--endpoint=127.0.0.1:1", "--timeout=2", "libraries", "describe", "obl"});
  EXPECT_EQ(result.code, 5) << result.err;
}

TEST(YamlTest, WritesTheJsonMappingAsBlockYaml) {
  allies::v1::ListLibrariesResponse response;
  Library* oblast = response.add_libraries();
  oblast->set_name("libraries/oblast");
  oblast->set_display_name("Областная \"Ё\" библиотека");
  oblast->set_kind(Library::REGIONAL);
  oblast->mutable_create_time()->set_seconds(1714566896);
  response.add_libraries()->set_name("libraries/b");
  response.set_next_page_token("true");
  const std::string yaml = MessageToYaml(response).value();
  EXPECT_EQ(yaml,
            "libraries:\n"
            "  - name: \"libraries/oblast\"\n"
            "    displayName: \"Областная \\\"Ё\\\" библиотека\"\n"
            "    kind: \"REGIONAL\"\n"
            "    createTime: \"2024-05-01T12:34:56Z\"\n"
            "  - name: \"libraries/b\"\n"
            "nextPageToken: \"true\"\n");
  // What it says reads back as the same values, text staying text.
  const YAML::Node node = YAML::Load(yaml);
  EXPECT_EQ(node["libraries"][0]["displayName"].as<std::string>(), "Областная \"Ё\" библиотека");
  EXPECT_EQ(node["libraries"].size(), 2u);
  EXPECT_EQ(node["nextPageToken"].Tag(), "!");
}

TEST(YamlTest, NumbersBooleansAndEmptyOnes) {
  google::protobuf::Struct value;
  auto& fields = *value.mutable_fields();
  fields["count"].set_number_value(3);
  fields["deep"].mutable_struct_value()->mutable_fields()->operator[]("ok").set_bool_value(true);
  fields["empty"].mutable_list_value();
  fields["none"].mutable_struct_value();
  fields["tags"].mutable_list_value()->add_values()->set_string_value("a");
  fields["123"].set_string_value("x");
  const std::string yaml = MessageToYaml(value).value();
  EXPECT_NE(yaml.find("count: 3\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("deep:\n  ok: true\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("empty: []\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("none: {}\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("tags:\n  - \"a\"\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\"123\": \"x\"\n"), std::string::npos) << yaml;  // A key that is no name.
  EXPECT_EQ(MessageToYaml(Library()).value(), "{}\n");
}

// ---- -o name ----

TEST(ResourceNamesTest, OneResourceOrEveryItemOfAList) {
  Library library;
  library.set_name("libraries/oblast");
  EXPECT_EQ(ResourceNames(library).value(), (std::vector<std::string>{"libraries/oblast"}));
  allies::v1::ListLibrariesResponse list;
  list.add_libraries()->set_name("libraries/a");
  list.add_libraries()->set_name("libraries/b");
  list.set_next_page_token("tok");
  EXPECT_EQ(ResourceNames(list).value(), (std::vector<std::string>{"libraries/a", "libraries/b"}));
  EXPECT_TRUE(ResourceNames(allies::v1::ListLibrariesResponse()).value().empty());
  allies::v1::CreateApiKeyResponse created;
  created.mutable_api_key()->set_name("apiKeys/k1");
  created.set_key("allies_k1_secret");
  EXPECT_EQ(ResourceNames(created).value(), (std::vector<std::string>{"apiKeys/k1"}));
  EXPECT_FALSE(ResourceNames(google::type::Date()).ok());
}

TEST(ResourceNamesTest, PrintWritesOneNamePerLine) {
  Command command = NewCommand("libraries", "list", "", "List libraries.");
  GlobalOptions options;
  options.output = OutputFormat::kName;
  std::ostringstream out, err;
  Invocation inv(command, options, ParsedArgs(), {}, out, err);
  allies::v1::ListLibrariesResponse list;
  list.add_libraries()->set_name("libraries/a");
  list.add_libraries()->set_name("libraries/b");
  EXPECT_EQ(PrintListPage(inv, list, Table{{"NAME"}, {{"libraries/a"}, {"libraries/b"}}}, false,
                          "next", "libraries"),
            0);
  EXPECT_EQ(out.str(), "libraries/a\nlibraries/b\n");
  EXPECT_EQ(err.str(), "next page: --page-token next\n");
  out.str("");
  EXPECT_EQ(inv.Print(google::type::Date(), Table{}), kExitError);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("holds no resource names"), std::string::npos) << err.str();
}

// ---- describe ----

TEST(DescribeTest, EveryFieldOneLineEachAligned) {
  Library library;
  library.set_name("libraries/oblast");
  library.set_display_name("Областная библиотека");
  library.set_kind(Library::REGIONAL);
  library.mutable_create_time()->set_seconds(1714566896);
  EXPECT_EQ(DescribeMessage(library),
            "name:         libraries/oblast\n"
            "display_name: Областная библиотека\n"
            "parent:       <none>\n"
            "kind:         REGIONAL\n"
            "region:       <none>\n"
            "address:      <none>\n"
            "website:      <none>\n"
            "etag:         <none>\n"
            "create_time:  2024-05-01T12:34:56Z\n"
            "update_time:  <none>\n"
            "delete_time:  <none>\n"
            "time_zone:    <none>\n"
            "email:        <none>\n");
  // The defaults too: an unset enum shows its zero value.
  EXPECT_NE(DescribeMessage(Library()).find("kind:         KIND_UNSPECIFIED\n"), std::string::npos);
}

TEST(DescribeTest, ListsNestedMessagesAndLineBreaks) {
  Volunteer volunteer;
  volunteer.set_name("libraries/oblast/volunteers/petrova");
  volunteer.add_emails("anna@example.ru");
  auto* slot = volunteer.add_availability();
  slot->set_day_of_week(1);
  slot->set_start_time("09:00");
  slot->set_end_time("13:00");
  auto* blackout = volunteer.add_blackouts();
  blackout->mutable_start_date()->set_year(2026);
  blackout->mutable_start_date()->set_month(7);
  blackout->mutable_start_date()->set_day(1);
  volunteer.set_notes("первая\nвторая");
  volunteer.set_do_not_contact(true);
  const std::string text = DescribeMessage(volunteer);
  // The longest label is personal_data_withheld: values start at column 24.
  EXPECT_NE(text.find("name:                   libraries/oblast/volunteers/petrova\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nemails:\n  - anna@example.ru\nphones:                 <none>\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\navailability:\n"
                      "  - day_of_week: 1\n"
                      "    start_time:  09:00\n"
                      "    end_time:    13:00\n"
                      "blackouts:\n"
                      "  - start_date: 2026-07-01\n"
                      "    end_date:   <none>\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nnotes:                  первая\n                        вторая\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\ndo_not_contact:         true\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\napproved_minutes:       0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nbirth_date:             <none>\n"), std::string::npos) << text;
}

TEST(DescribeTest, MapsByKey) {
  google::protobuf::Struct value;
  (*value.mutable_fields())["b"].set_string_value("x");
  (*value.mutable_fields())["a"].set_bool_value(true);
  const std::string text = DescribeMessage(value);
  EXPECT_LT(text.find("  a:\n"), text.find("  b:\n")) << text;
  EXPECT_NE(text.find("    bool_value:   true\n"), std::string::npos) << text;
}

TEST(CsvTest, QuotesWhatNeedsQuoting) {
  Table table;
  table.headers = {"NAME", "DISPLAY NAME", "REGION"};
  table.rows = {{"libraries/a", "Библиотека, \"Ёлка\"", kEmptyCell},
                {"libraries/b", "две\nстроки", "Вологда"}};
  EXPECT_EQ(RenderCsv(table),
            "NAME,DISPLAY NAME,REGION\r\n"
            "libraries/a,\"Библиотека, \"\"Ёлка\"\"\",\r\n"
            "libraries/b,\"две\nстроки\",Вологда\r\n");
}

// ---- Shared value parsers ----

TEST(ValueParsersTest, RepeatedAndCommaSeparatedFlags) {
  ParsedArgs args = Args({"--tag", "банк, спонсор", "--tag", "с,,", "--tag", " ", "-o", "json"});
  EXPECT_EQ(args.GetAll("tag"), (std::vector<std::string>{"банк, спонсор", "с,,", " "}));
  EXPECT_EQ(args.GetList("tag"), (std::vector<std::string>{"банк", "спонсор", "с"}));
  EXPECT_EQ(args.Get("tag"), " ");  // The last one, as for any flag.
  EXPECT_TRUE(args.GetAll("source").empty());
  EXPECT_TRUE(Args({"--tag="}).GetList("tag").empty());
}

TEST(ValueParsersTest, EnumByName) {
  const auto& kind = *Partner::Kind_descriptor();
  EXPECT_EQ(ParseEnumFlag("kind", kind, "business").value(), Partner::BUSINESS);
  EXPECT_EQ(ParseEnumFlag("kind", kind, "Nonprofit").value(), Partner::NONPROFIT);
  EXPECT_EQ(ParseEnumFlag("support-form", *Partner::SupportForm_descriptor(), "venue").value(),
            Partner::VENUE);
  EXPECT_EQ(ParseEnumFlag("kind", *Agreement::Kind_descriptor(), "information-support").value(),
            Agreement::INFORMATION_SUPPORT);
  EXPECT_EQ(ParseEnumFlag("kind", kind, "").value(), Partner::KIND_UNSPECIFIED);
  absl::StatusOr<int> bad = ParseEnumFlag("kind", kind, "bank");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "--kind: unknown value \"bank\" (want BUSINESS, NONPROFIT, GOVERNMENT, MEDIA, "
            "EDUCATION, CULTURE, RELIGIOUS or INDIVIDUAL)");
  EXPECT_EQ(EnumValueNames(*Partner::State_descriptor()), "PROSPECT, ACTIVE, PAUSED or FORMER");
}

TEST(ValueParsersTest, Dates) {
  google::type::Date date = ParseDateFlag("end-date", "2026-12-31").value();
  EXPECT_EQ(date.year(), 2026);
  EXPECT_EQ(date.month(), 12);
  EXPECT_EQ(date.day(), 31);
  EXPECT_EQ(FormatDate(date), "2026-12-31");
  EXPECT_EQ(FormatDate(ParseDateFlag("d", "2028-02-29").value()), "2028-02-29");  // Leap year.
  EXPECT_EQ(FormatDate(google::type::Date()), "");
  for (const char* bad :
       {"", "2026-02-29", "2026-13-01", "2026-04-31", "2026-00-10", "2026-1-5", "26-01-05",
        "2026/01/05", "2026-01-05T00:00:00Z", "0000-01-01", "2026-+1-05", "завтра"}) {
    absl::StatusOr<google::type::Date> parsed = ParseDateFlag("end-date", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message(),
              absl::StrCat("--end-date: expected a date YYYY-MM-DD, got \"", bad, "\""));
  }
}

TEST(ValueParsersTest, Money) {
  google::type::Money money = ParseMoneyFlag("value", "150000.50 RUB").value();
  EXPECT_EQ(money.currency_code(), "RUB");
  EXPECT_EQ(money.units(), 150000);
  EXPECT_EQ(money.nanos(), 500000000);
  EXPECT_EQ(FormatMoney(money), "150000.50 RUB");

  money = ParseMoneyFlag("value", "  1500 rub ").value();
  EXPECT_EQ(money.units(), 1500);
  EXPECT_EQ(money.nanos(), 0);
  EXPECT_EQ(FormatMoney(money), "1500 RUB");

  money = ParseMoneyFlag("value", "0,000000001 EUR").value();  // A decimal comma.
  EXPECT_EQ(money.units(), 0);
  EXPECT_EQ(money.nanos(), 1);
  EXPECT_EQ(FormatMoney(money), "0.000000001 EUR");

  money = ParseMoneyFlag("value", "-1.25 USD").value();  // The server refuses it, not the parser.
  EXPECT_EQ(money.units(), -1);
  EXPECT_EQ(money.nanos(), -250000000);
  EXPECT_EQ(FormatMoney(money), "-1.25 USD");
  money = ParseMoneyFlag("value", "-0.5 USD").value();
  EXPECT_EQ(money.units(), 0);
  EXPECT_EQ(money.nanos(), -500000000);
  EXPECT_EQ(FormatMoney(money), "-0.50 USD");

  EXPECT_EQ(FormatMoney(google::type::Money()), "");
  for (const char* bad :
       {"", "150000.50", "RUB 150000.50", "150 000 RUB", "1.2345678901 RUB", "1. RUB", ".5 RUB",
        "1e3 RUB", "10 RUBL", "10 RU", "10 Р", "99999999999999999999 RUB", "+5 RUB", "--5 RUB"}) {
    absl::StatusOr<google::type::Money> parsed = ParseMoneyFlag("value", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(std::string(parsed.status().message()).find("--value: expected AMOUNT CURRENCY"),
              std::string::npos);
  }
}

TEST(ValueParsersTest, Pairs) {
  EXPECT_EQ(
      ParsePairFlag("document", "TITLE=URI", "Договор №12 = https://x.ru/d?id=12&v=2").value(),
      std::make_pair(std::string("Договор №12"), std::string("https://x.ru/d?id=12&v=2")));
  for (const char* bad : {"", "Договор", "=https://x.ru", "Договор=", " = "}) {
    absl::StatusOr<std::pair<std::string, std::string>> parsed =
        ParsePairFlag("document", "TITLE=URI", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().message(),
              absl::StrCat("--document: expected TITLE=URI, got \"", bad, "\""));
  }
}

// ---- Shared command building blocks ----

TEST(CommandBlocksTest, NewCommandCountsOperands) {
  Command command = NewCommand("partners", "get", "NAME", "Show");
  EXPECT_EQ(command.min_operands, 1u);
  EXPECT_EQ(command.max_operands, 1u);
  command = NewCommand("partners", "list", "[LIBRARY]", "List");
  EXPECT_EQ(command.min_operands, 0u);
  EXPECT_EQ(command.max_operands, 1u);
  command = NewCommand("x", "y", "", "z");
  EXPECT_EQ(command.min_operands, 0u);
  EXPECT_EQ(command.max_operands, 0u);
}

TEST(CommandBlocksTest, FillNamedRequestSetsWhatTheRequestHas) {
  const ParsedArgs args = Args({"--etag", "e1", "--request-id", "r1", "--force"});
  allies::v1::DeletePartnerRequest del;
  FillNamedRequest("libraries/a/partners/b", args, &del);
  EXPECT_EQ(del.name(), "libraries/a/partners/b");
  EXPECT_EQ(del.etag(), "e1");
  EXPECT_TRUE(del.force());
  allies::v1::ActivateAgreementRequest activate;
  FillNamedRequest("libraries/a/agreements/c", args, &activate);
  EXPECT_EQ(activate.etag(), "e1");
  EXPECT_EQ(activate.request_id(), "r1");
  allies::v1::GetPartnerRequest get;
  FillNamedRequest("libraries/a/partners/b", args, &get);
  EXPECT_EQ(get.name(), "libraries/a/partners/b");
}

TEST(CommandBlocksTest, ColumnsAddDeletedOnlyWhenNeeded) {
  google::protobuf::RepeatedPtrField<Partner> partners;
  Partner* sber = partners.Add();
  sber->set_name("libraries/obl/partners/sber");
  sber->set_display_name("Сбербанк");
  sber->set_kind(Partner::BUSINESS);
  sber->set_state(Partner::ACTIVE);
  sber->set_inn("7707083893");
  sber->mutable_last_interaction_time()->set_seconds(1714566896);
  Partner* club = partners.Add();
  club->set_name("libraries/obl/partners/club");
  club->set_display_name("Клуб «Ёлочка»");
  club->set_kind(Partner::NONPROFIT);
  club->set_state(Partner::PROSPECT);
  EXPECT_EQ(RenderTable(PartnersTable(partners)),
            "NAME                          DISPLAY NAME    KIND        STATE      INN          "
            "LAST INTERACTION\n"
            "libraries/obl/partners/sber   Сбербанк        BUSINESS    ACTIVE     7707083893   "
            "2024-05-01T12:34:56Z\n"
            "libraries/obl/partners/club   Клуб «Ёлочка»   NONPROFIT   PROSPECT   <none>       "
            "<none>\n");
  club->mutable_delete_time()->set_seconds(1714566896);
  const Table table = PartnersTable(partners);
  ASSERT_EQ(table.headers.size(), 7u);
  EXPECT_EQ(table.headers.back(), "DELETED");
  EXPECT_EQ(table.rows[0].back(), "<none>");
  EXPECT_EQ(table.rows[1].back(), "2024-05-01T12:34:56Z");
}

// ---- Partners ----

TEST(PartnersTest, BuildCreateRequest) {
  allies::v1::CreatePartnerRequest request =
      BuildCreatePartnerRequest("obl", Args({"--id",           "sber",
                                             "--display-name", "Сбербанк",
                                             "--kind",         "business",
                                             "--inn",          "7707083893",
                                             "--support-form", "material,informational",
                                             "--support-form", "venue",
                                             "--tag",          "банк",
                                             "--tag",          "спонсор",
                                             "--state",        "active",
                                             "--request-id",   "r1"}))
          .value();
  EXPECT_EQ(request.parent(), "libraries/obl");
  EXPECT_EQ(request.partner_id(), "sber");
  EXPECT_EQ(request.request_id(), "r1");
  const Partner& partner = request.partner();
  EXPECT_EQ(partner.display_name(), "Сбербанк");
  EXPECT_EQ(partner.kind(), Partner::BUSINESS);
  EXPECT_EQ(partner.state(), Partner::ACTIVE);
  EXPECT_EQ(partner.inn(), "7707083893");
  ASSERT_EQ(partner.support_forms_size(), 3);
  EXPECT_EQ(partner.support_forms(0), Partner::MATERIAL);
  EXPECT_EQ(partner.support_forms(1), Partner::INFORMATIONAL);
  EXPECT_EQ(partner.support_forms(2), Partner::VENUE);
  EXPECT_EQ(std::vector<std::string>(partner.tags().begin(), partner.tags().end()),
            (std::vector<std::string>{"банк", "спонсор"}));
  EXPECT_EQ(
      BuildCreatePartnerRequest("libraries/-", Args({"--display-name", "x", "--kind", "media"}))
          ->parent(),
      "libraries/-");
}

TEST(PartnersTest, BuildCreateRequestErrors) {
  absl::StatusOr<allies::v1::CreatePartnerRequest> missing =
      BuildCreatePartnerRequest("obl", Args({"--kind", "media"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "--display-name is required");
  EXPECT_FALSE(BuildCreatePartnerRequest("obl", Args({"--display-name", "x"})).ok());
  absl::StatusOr<allies::v1::CreatePartnerRequest> bad_form = BuildCreatePartnerRequest(
      "obl", Args({"--display-name", "x", "--kind", "media", "--support-form", "money"}));
  ASSERT_FALSE(bad_form.ok());
  EXPECT_NE(std::string(bad_form.status().message()).find("--support-form: unknown value"),
            std::string::npos);
}

TEST(PartnersTest, BuildUpdateRequestMaskFollowsTheFlags) {
  allies::v1::UpdatePartnerRequest request =
      BuildUpdatePartnerRequest("libraries/obl/partners/sber",
                                Args({"--tag", "", "--notes", "Звонить после 10:00", "--inn",
                                      "7707083893", "--etag", "e1"}))
          .value();
  EXPECT_EQ(request.partner().name(), "libraries/obl/partners/sber");
  EXPECT_EQ(request.partner().etag(), "e1");
  EXPECT_EQ(request.partner().tags_size(), 0);
  EXPECT_EQ(Paths(request.update_mask()), (std::vector<std::string>{"inn", "tags", "notes"}));
  absl::StatusOr<allies::v1::UpdatePartnerRequest> nothing =
      BuildUpdatePartnerRequest("libraries/obl/partners/sber", Args({"--etag", "e1"}));
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(std::string(nothing.status().message()).find("nothing to update"), std::string::npos);
}

// ---- Contacts ----

TEST(ContactsTest, BuildCreateAndUpdateRequests) {
  allies::v1::CreateContactRequest create =
      BuildCreateContactRequest(
          "obl", Args({"--family-name", "Иванова", "--given-name", "Мария", "--partner",
                       "libraries/obl/partners/sber", "--email", "a@x.ru,b@x.ru", "--phone",
                       "+7 900 123-45-67", "--preferred-channel", "in-person"}))
          .value();
  EXPECT_EQ(create.parent(), "libraries/obl");
  EXPECT_EQ(create.contact().family_name(), "Иванова");
  EXPECT_EQ(create.contact().partner(), "libraries/obl/partners/sber");
  EXPECT_EQ(create.contact().emails_size(), 2);
  EXPECT_EQ(create.contact().phones(0), "+7 900 123-45-67");
  EXPECT_EQ(create.contact().preferred_channel(), allies::v1::Contact::IN_PERSON);

  allies::v1::UpdateContactRequest update =
      BuildUpdateContactRequest("libraries/obl/contacts/ivanova",
                                Args({"--phone", "", "--position", "директор"}))
          .value();
  EXPECT_EQ(update.contact().name(), "libraries/obl/contacts/ivanova");
  EXPECT_EQ(Paths(update.update_mask()), (std::vector<std::string>{"position", "phones"}));
}

TEST(ContactsTest, MergeNeedsSources) {
  allies::v1::MergeContactsRequest request =
      BuildMergeContactsRequest("libraries/o/contacts/a",
                                Args({"--source", "libraries/o/contacts/b,libraries/o/contacts/c",
                                      "--source", "libraries/o/contacts/d"}))
          .value();
  EXPECT_EQ(request.target(), "libraries/o/contacts/a");
  EXPECT_EQ(std::vector<std::string>(request.sources().begin(), request.sources().end()),
            (std::vector<std::string>{"libraries/o/contacts/b", "libraries/o/contacts/c",
                                      "libraries/o/contacts/d"}));
  EXPECT_FALSE(BuildMergeContactsRequest("libraries/o/contacts/a", Args({})).ok());
}

TEST(ContactsTest, DuplicatesTableHasARowPerContact) {
  allies::v1::FindDuplicateContactsResponse response;
  allies::v1::DuplicateGroup* group = response.add_groups();
  group->add_contacts("libraries/o/contacts/a");
  group->add_contacts("libraries/o/contacts/b");
  group->add_reasons("email");
  group->add_reasons("full_name");
  response.add_groups()->add_contacts("libraries/o/contacts/c");
  const Table table = DuplicatesTable(response);
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[1],
            (std::vector<std::string>{"1", "libraries/o/contacts/b", "email, full_name"}));
  EXPECT_EQ(table.rows[2], (std::vector<std::string>{"2", "libraries/o/contacts/c", "<none>"}));
}

// ---- Agreements ----

TEST(AgreementsTest, BuildCreateRequest) {
  allies::v1::CreateAgreementRequest request =
      BuildCreateAgreementRequest("obl", Args({"--partner",
                                               "libraries/obl/partners/sber",
                                               "--number",
                                               "12/2026-С",
                                               "--title",
                                               "Договор",
                                               "--kind",
                                               "sponsorship",
                                               "--sign-date",
                                               "2026-11-20",
                                               "--end-date",
                                               "2027-11-19",
                                               "--value",
                                               "150000.50 RUB",
                                               "--auto-renew",
                                               "--renewal-months",
                                               "12",
                                               "--signatory",
                                               "libraries/obl/contacts/a",
                                               "--signatory",
                                               "libraries/obl/contacts/b",
                                               "--document",
                                               "Договор=https://x.ru/12.pdf",
                                               "--document",
                                               "Акт сверки=https://x.ru/a?x=1"}))
          .value();
  const Agreement& agreement = request.agreement();
  EXPECT_EQ(request.parent(), "libraries/obl");
  EXPECT_EQ(agreement.kind(), Agreement::SPONSORSHIP);
  EXPECT_EQ(FormatDate(agreement.sign_date()), "2026-11-20");
  EXPECT_FALSE(agreement.has_start_date());
  EXPECT_EQ(FormatDate(agreement.end_date()), "2027-11-19");
  EXPECT_EQ(FormatMoney(agreement.value()), "150000.50 RUB");
  EXPECT_TRUE(agreement.auto_renew());
  EXPECT_EQ(agreement.renewal_months(), 12);
  EXPECT_EQ(agreement.signatories_size(), 2);
  ASSERT_EQ(agreement.documents_size(), 2);
  EXPECT_EQ(agreement.documents(1).title(), "Акт сверки");
  EXPECT_EQ(agreement.documents(1).uri(), "https://x.ru/a?x=1");
}

TEST(AgreementsTest, BuildCreateRequestErrorsNameTheFlag) {
  const std::vector<std::string> required = {
      "--partner", "libraries/o/partners/p", "--number", "1", "--title", "t", "--kind", "other"};
  EXPECT_TRUE(BuildCreateAgreementRequest("o", Args(required)).ok());
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> words = required;
    words.insert(words.end(), more.begin(), more.end());
    absl::StatusOr<allies::v1::CreateAgreementRequest> request =
        BuildCreateAgreementRequest("o", Args(words));
    return request.ok() ? std::string() : std::string(request.status().message());
  };
  EXPECT_EQ(with({"--end-date", "31.12.2026"}).rfind("--end-date: ", 0), 0u);
  EXPECT_EQ(with({"--value", "150000"}).rfind("--value: ", 0), 0u);
  EXPECT_EQ(with({"--document", "Договор"}).rfind("--document: ", 0), 0u);
  EXPECT_EQ(with({"--renewal-months", "year"}).rfind("--renewal-months: ", 0), 0u);
  EXPECT_EQ(BuildCreateAgreementRequest("o", Args({"--number", "1"})).status().message(),
            "--partner is required");
}

TEST(AgreementsTest, BuildUpdateRequestClearsAndTurnsOff) {
  allies::v1::UpdateAgreementRequest request =
      BuildUpdateAgreementRequest("libraries/o/agreements/a",
                                  Args({"--auto-renew=false", "--value", "", "--document", ""}))
          .value();
  EXPECT_FALSE(request.agreement().auto_renew());
  EXPECT_FALSE(request.agreement().has_value());
  EXPECT_EQ(request.agreement().documents_size(), 0);
  EXPECT_EQ(Paths(request.update_mask()),
            (std::vector<std::string>{"auto_renew", "value", "documents"}));
}

TEST(AgreementsTest, Table) {
  google::protobuf::RepeatedPtrField<Agreement> agreements;
  Agreement* a = agreements.Add();
  a->set_name("libraries/o/agreements/a");
  a->set_number("12/2026-С");
  a->set_partner("libraries/o/partners/sber");
  a->set_state(Agreement::ACTIVE);
  *a->mutable_end_date() = ParseDateFlag("end-date", "2027-11-19").value();
  *a->mutable_value() = ParseMoneyFlag("value", "150000.5 RUB").value();
  agreements.Add()->set_name("libraries/o/agreements/b");
  const Table table = AgreementsTable(agreements);
  EXPECT_EQ(table.headers,
            (std::vector<std::string>{"NAME", "NUMBER", "PARTNER", "STATE", "END DATE", "VALUE"}));
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"libraries/o/agreements/a", "12/2026-С",
                                                     "libraries/o/partners/sber", "ACTIVE",
                                                     "2027-11-19", "150000.50 RUB"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"libraries/o/agreements/b", "<none>", "<none>",
                                                     "STATE_UNSPECIFIED", "<none>", "<none>"}));
}

// ---- Activities ----

TEST(ActivitiesTest, LogTakesRelatedRepeatedOrCommaSeparated) {
  allies::v1::CreateActivityRequest request =
      BuildLogActivityRequest(
          "obl", Args({"--kind", "meeting", "--subject", "Встреча", "--related",
                       "libraries/obl/partners/sber, libraries/obl/contacts/a", "--related",
                       "libraries/obl/agreements/b", "--follow-up-date", "2026-12-15"}))
          .value();
  EXPECT_EQ(std::vector<std::string>(request.activity().related().begin(),
                                     request.activity().related().end()),
            (std::vector<std::string>{"libraries/obl/partners/sber", "libraries/obl/contacts/a",
                                      "libraries/obl/agreements/b"}));
  EXPECT_EQ(FormatDate(request.activity().follow_up_date()), "2026-12-15");
  EXPECT_FALSE(BuildLogActivityRequest(
                   "obl", Args({"--kind", "call", "--subject", "x", "--follow-up-date", "15.12"}))
                   .ok());
}

// ---- Volunteers ----

TEST(VolunteersTest, ParseAvailability) {
  allies::v1::WeeklyAvailability monday =
      ParseAvailabilityFlag("availability", "1 09:00-13:00").value();
  EXPECT_EQ(monday.day_of_week(), 1);
  EXPECT_EQ(monday.start_time(), "09:00");
  EXPECT_EQ(monday.end_time(), "13:00");
  // One-digit hours are padded; spaces around the dash and the ends are allowed.
  allies::v1::WeeklyAvailability sunday =
      ParseAvailabilityFlag("availability", "  7  9:30 - 18:05 ").value();
  EXPECT_EQ(sunday.day_of_week(), 7);
  EXPECT_EQ(sunday.start_time(), "09:30");
  EXPECT_EQ(sunday.end_time(), "18:05");
  EXPECT_EQ(FormatAvailability(sunday), "7 09:30-18:05");
  EXPECT_EQ(ParseAvailabilityFlag("availability", "5 00:00-23:59")->end_time(), "23:59");
}

TEST(VolunteersTest, ParseAvailabilityErrorsNameTheFlagAndTheProblem) {
  auto error = [](absl::string_view value) {
    absl::StatusOr<allies::v1::WeeklyAvailability> parsed =
        ParseAvailabilityFlag("availability", value);
    return parsed.ok() ? std::string() : std::string(parsed.status().message());
  };
  for (const char* bad :
       {"", "1", "09:00-13:00", "0 09:00-13:00", "8 09:00-13:00", "пн 09:00-13:00", "1 09:00",
        "1 09:00-13:00-14:00", "1 24:00-25:00", "1 09:60-10:00", "1 9-13", "1 009:00-13:00",
        "1 09:00-1:0", "1 13:00-09:00", "1 10:00-10:00", "1.5 09:00-13:00"}) {
    const std::string message = error(bad);
    EXPECT_EQ(message.rfind("--availability: ", 0), 0u) << bad << ": " << message;
    EXPECT_NE(message.find("1 09:00-13:00"), std::string::npos) << "an example: " << message;
  }
  EXPECT_NE(error("8 09:00-13:00").find("day of the week must be 1-7"), std::string::npos);
  EXPECT_NE(error("1 13:00-09:00").find("start time must be before the end time"),
            std::string::npos);
  EXPECT_NE(error("1 25:00-26:00").find("bad start time \"25:00\""), std::string::npos);
}

TEST(VolunteersTest, ParseBlackout) {
  allies::v1::DateRange july = ParseBlackoutFlag("blackout", "2026-07-01..2026-07-14").value();
  EXPECT_EQ(FormatDate(july.start_date()), "2026-07-01");
  EXPECT_EQ(FormatDate(july.end_date()), "2026-07-14");
  EXPECT_EQ(FormatBlackout(july), "2026-07-01..2026-07-14");
  allies::v1::DateRange one_day = ParseBlackoutFlag("blackout", " 2026-12-31 ").value();
  EXPECT_EQ(FormatDate(one_day.start_date()), "2026-12-31");
  EXPECT_EQ(FormatDate(one_day.end_date()), "2026-12-31");
  EXPECT_EQ(FormatBlackout(one_day), "2026-12-31");
  EXPECT_EQ(FormatBlackout(ParseBlackoutFlag("blackout", "2026-01-01 .. 2026-01-01").value()),
            "2026-01-01");
  for (const char* bad :
       {"", "..", "2026-07-01..", "..2026-07-14", "2026-07-01-2026-07-14", "01.07.2026..14.07.2026",
        "2026-02-30..2026-03-01", "2026-07-01...2026-07-14"}) {
    absl::StatusOr<allies::v1::DateRange> parsed = ParseBlackoutFlag("blackout", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(std::string(parsed.status().message()).rfind("--blackout: expected ", 0), 0u)
        << parsed.status();
  }
  absl::StatusOr<allies::v1::DateRange> reversed =
      ParseBlackoutFlag("blackout", "2026-07-14..2026-07-01");
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.status().message(),
            "--blackout: the end 2026-07-01 is before the start 2026-07-14");
}

TEST(VolunteersTest, BuildCreateRequestWithTheConsentGivenWithTheApplication) {
  allies::v1::CreateVolunteerRequest request =
      BuildCreateVolunteerRequest("obl", Args({"--id",
                                               "petrov",
                                               "--family-name",
                                               "Петров",
                                               "--given-name",
                                               "Илья",
                                               "--patronymic",
                                               "Андреевич",
                                               "--birth-date",
                                               "2011-03-08",
                                               "--email",
                                               "a@x.ru,b@x.ru",
                                               "--phone",
                                               "+7 900 123-45-67",
                                               "--city",
                                               "Вологда",
                                               "--skill",
                                               "ремонт книг",
                                               "--skill",
                                               "игры",
                                               "--interest",
                                               "история",
                                               "--language",
                                               "ru,татарский",
                                               "--availability",
                                               "1 09:00-13:00",
                                               "--availability",
                                               "6 10:00-14:00,7 10:00-12:00",
                                               "--blackout",
                                               "2026-07-01..2026-07-14",
                                               "--preferred-channel",
                                               "messenger",
                                               "--opt-out",
                                               "sms,mail",
                                               "--dobro-id",
                                               "12345678",
                                               "--guardian",
                                               "libraries/obl/contacts/mother",
                                               "--notes",
                                               "Пишет стихи",
                                               "--consent-purpose",
                                               "volunteer_work,communication",
                                               "--consent-method",
                                               "paper",
                                               "--consent-document",
                                               "17/2026",
                                               "--consent-valid-until",
                                               "2029-03-07",
                                               "--representative",
                                               "Петрова Анна Сергеевна",
                                               "--representative-relation",
                                               "parent",
                                               "--representative-document",
                                               "свидетельство о рождении II-ОД № 1",
                                               "--representative-contact",
                                               "libraries/obl/contacts/mother",
                                               "--request-id",
                                               "r1"}))
          .value();
  EXPECT_EQ(request.parent(), "libraries/obl");
  EXPECT_EQ(request.volunteer_id(), "petrov");
  EXPECT_EQ(request.request_id(), "r1");
  const Volunteer& volunteer = request.volunteer();
  EXPECT_EQ(volunteer.family_name(), "Петров");
  EXPECT_EQ(FormatDate(volunteer.birth_date()), "2011-03-08");
  EXPECT_EQ(volunteer.emails_size(), 2);
  EXPECT_EQ(std::vector<std::string>(volunteer.skills().begin(), volunteer.skills().end()),
            (std::vector<std::string>{"ремонт книг", "игры"}));
  EXPECT_EQ(volunteer.languages_size(), 2);
  ASSERT_EQ(volunteer.availability_size(), 3);
  EXPECT_EQ(FormatAvailability(volunteer.availability(0)), "1 09:00-13:00");
  EXPECT_EQ(FormatAvailability(volunteer.availability(2)), "7 10:00-12:00");
  ASSERT_EQ(volunteer.blackouts_size(), 1);
  EXPECT_EQ(FormatBlackout(volunteer.blackouts(0)), "2026-07-01..2026-07-14");
  EXPECT_EQ(volunteer.preferred_channel(), Volunteer::MESSENGER);
  ASSERT_EQ(volunteer.opt_outs_size(), 2);
  EXPECT_EQ(volunteer.opt_outs(1), Volunteer::MAIL);
  EXPECT_EQ(volunteer.dobro_id(), "12345678");
  EXPECT_EQ(volunteer.guardian(), "libraries/obl/contacts/mother");
  EXPECT_EQ(volunteer.notes(), "Пишет стихи");

  ASSERT_TRUE(request.has_consent());
  EXPECT_TRUE(request.consent_name().empty());
  const Consent& consent = request.consent();
  EXPECT_TRUE(consent.subject().empty()) << "the server makes it the new volunteer";
  EXPECT_EQ(consent.subject_name(), "Петров Илья Андреевич");
  ASSERT_EQ(consent.purposes_size(), 2);
  EXPECT_EQ(consent.purposes(0), Consent::VOLUNTEER_WORK);
  EXPECT_EQ(consent.purposes(1), Consent::COMMUNICATION);
  EXPECT_EQ(
      std::vector<std::string>(consent.data_categories().begin(), consent.data_categories().end()),
      (std::vector<std::string>{"ФИО", "дата рождения", "контактные данные"}));
  EXPECT_EQ(consent.method(), Consent::PAPER);
  EXPECT_EQ(consent.document_number(), "17/2026");
  EXPECT_EQ(FormatDate(consent.valid_until()), "2029-03-07");
  EXPECT_EQ(consent.representative_name(), "Петрова Анна Сергеевна");
  EXPECT_EQ(consent.representative_relation(), Consent::PARENT);
  EXPECT_EQ(consent.representative_document(), "свидетельство о рождении II-ОД № 1");
  EXPECT_EQ(consent.representative_contact(), "libraries/obl/contacts/mother");
  EXPECT_FALSE(consent.has_given_time());
}

TEST(VolunteersTest, BuildCreateRequestConsentChoices) {
  const std::vector<std::string> person = {"--family-name", "Петрова",      "--given-name",
                                           "Анна",          "--birth-date", "1990-01-31"};
  auto build = [&](std::vector<std::string> more) {
    std::vector<std::string> words = person;
    words.insert(words.end(), more.begin(), more.end());
    return BuildCreateVolunteerRequest("libraries/obl", Args(words));
  };
  // An existing consent.
  allies::v1::CreateVolunteerRequest linked =
      build({"--consent", "libraries/obl/consents/c1"}).value();
  EXPECT_EQ(linked.consent_name(), "libraries/obl/consents/c1");
  EXPECT_FALSE(linked.has_consent());
  // None: sent as is, the server refuses and says why.
  allies::v1::CreateVolunteerRequest none = build({}).value();
  EXPECT_FALSE(none.has_consent());
  EXPECT_TRUE(none.consent_name().empty());
  // Categories given replace the defaults, each whole.
  allies::v1::CreateVolunteerRequest categories =
      build({"--consent-purpose", "volunteer_work", "--consent-method", "electronic",
             "--consent-category", "ФИО", "--consent-category", "телефон, e-mail",
             "--consent-given-time", "2026-11-26T10:00:00+03:00"})
          .value();
  EXPECT_EQ(std::vector<std::string>(categories.consent().data_categories().begin(),
                                     categories.consent().data_categories().end()),
            (std::vector<std::string>{"ФИО", "телефон, e-mail"}));
  EXPECT_EQ(categories.consent().subject_name(), "Петрова Анна");
  EXPECT_EQ(categories.consent().given_time().seconds(), 1795676400);
  // Both, or an incomplete inline consent, are usage errors.
  absl::StatusOr<allies::v1::CreateVolunteerRequest> both =
      build({"--consent", "libraries/obl/consents/c1", "--consent-purpose", "volunteer_work"});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(std::string(both.status().message()).find("not both"), std::string::npos);
  absl::StatusOr<allies::v1::CreateVolunteerRequest> no_method =
      build({"--representative", "Петров Сергей", "--consent-purpose", "volunteer_work"});
  ASSERT_FALSE(no_method.ok());
  EXPECT_EQ(std::string(no_method.status().message()).rfind("--consent-method is required", 0), 0u);
  EXPECT_FALSE(build({"--consent-method", "paper"}).ok());  // No purpose.
  EXPECT_EQ(
      std::string(
          build({"--consent-purpose", "work", "--consent-method", "paper"}).status().message())
          .rfind("--consent-purpose: unknown value \"work\"", 0),
      0u);
  // The person's required fields.
  EXPECT_EQ(BuildCreateVolunteerRequest("obl", Args({"--family-name", "x", "--given-name", "y"}))
                .status()
                .message(),
            "--birth-date is required");
  EXPECT_EQ(std::string(build({"--availability", "1 9-13"}).status().message())
                .rfind("--availability: ", 0),
            0u);
}

TEST(VolunteersTest, BuildUpdateRequestReplacesAndClearsLists) {
  allies::v1::UpdateVolunteerRequest request =
      BuildUpdateVolunteerRequest("libraries/obl/volunteers/a",
                                  Args({"--blackout", "", "--availability", "2 18:00-20:00",
                                        "--city", "Череповец", "--etag", "e1"}))
          .value();
  EXPECT_EQ(request.volunteer().name(), "libraries/obl/volunteers/a");
  EXPECT_EQ(request.volunteer().etag(), "e1");
  EXPECT_EQ(request.volunteer().blackouts_size(), 0);
  ASSERT_EQ(request.volunteer().availability_size(), 1);
  EXPECT_EQ(Paths(request.update_mask()),
            (std::vector<std::string>{"city", "availability", "blackouts"}));
  EXPECT_FALSE(BuildUpdateVolunteerRequest("libraries/obl/volunteers/a", Args({})).ok());
  EXPECT_FALSE(
      BuildMergeVolunteersRequest("libraries/obl/volunteers/a", Args({"--request-id", "r"})).ok());
  EXPECT_EQ(BuildMergeVolunteersRequest("libraries/obl/volunteers/a",
                                        Args({"--source", "libraries/obl/volunteers/b"}))
                ->sources_size(),
            1);
}

TEST(VolunteersTest, Tables) {
  google::protobuf::RepeatedPtrField<Volunteer> volunteers;
  Volunteer* anna = volunteers.Add();
  anna->set_name("libraries/o/volunteers/a");
  anna->set_family_name("Петрова");
  anna->set_given_name("Анна");
  *anna->mutable_birth_date() = ParseDateFlag("birth-date", "2011-03-08").value();
  anna->set_age(15);
  anna->set_state(Volunteer::ACTIVE);
  Volunteer* withheld = volunteers.Add();
  withheld->set_name("libraries/o/volunteers/b");
  withheld->set_state(Volunteer::APPLICANT);
  withheld->set_personal_data_withheld(true);
  const Table table = VolunteersTable(volunteers);
  EXPECT_EQ(table.headers,
            (std::vector<std::string>{"NAME", "FAMILY NAME", "GIVEN NAME", "AGE", "STATE"}));
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"libraries/o/volunteers/a", "Петрова", "Анна",
                                                     "15", "ACTIVE"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"libraries/o/volunteers/b", "<none>", "<none>",
                                                     "<none>", "APPLICANT"}));

  allies::v1::FindDuplicateVolunteersResponse duplicates;
  allies::v1::VolunteerDuplicateGroup* group = duplicates.add_groups();
  group->add_volunteers("libraries/o/volunteers/a");
  group->add_volunteers("libraries/o/volunteers/c");
  group->add_reasons("email");
  group->add_reasons("full_name_birth_date");
  const Table groups = VolunteerDuplicatesTable(duplicates);
  ASSERT_EQ(groups.rows.size(), 2u);
  EXPECT_EQ(groups.rows[1], (std::vector<std::string>{"1", "libraries/o/volunteers/c",
                                                      "email, full_name_birth_date"}));

  allies::v1::ExportVolunteerDataResponse exported;
  *exported.mutable_volunteer() = *anna;
  Consent* consent = exported.add_consents();
  consent->set_name("libraries/o/consents/k");
  consent->add_purposes(Consent::VOLUNTEER_WORK);
  consent->set_state(Consent::ACTIVE);
  exported.add_referenced_by("libraries/o/consents/k");
  exported.add_referenced_by("libraries/o/volunteers/z");
  exported.add_former_values("anna@old.ru");
  const Table rows = VolunteerExportTable(exported);
  ASSERT_EQ(rows.rows.size(), 4u);
  EXPECT_EQ(rows.rows[0], (std::vector<std::string>{"volunteer", "libraries/o/volunteers/a",
                                                    "Петрова Анна, 2011-03-08, ACTIVE"}));
  EXPECT_EQ(rows.rows[1], (std::vector<std::string>{"consent", "libraries/o/consents/k",
                                                    "VOLUNTEER_WORK ACTIVE"}));
  EXPECT_EQ(rows.rows[2],
            (std::vector<std::string>{"referenced by", "libraries/o/volunteers/z", "<none>"}));
  EXPECT_EQ(rows.rows[3], (std::vector<std::string>{"former value", "<none>", "anna@old.ru"}));
}

// ---- Consents ----

TEST(ConsentsTest, BuildCreateRequest) {
  allies::v1::CreateConsentRequest request =
      BuildCreateConsentRequest("obl", Args({"--id",
                                             "photo",
                                             "--subject",
                                             "libraries/obl/volunteers/a",
                                             "--subject-name",
                                             "Петрова Анна",
                                             "--purpose",
                                             "publication",
                                             "--purpose",
                                             "transfer-to-dobro",
                                             "--category",
                                             "ФИО",
                                             "--category",
                                             "фотографии, видео",
                                             "--processor",
                                             "ООО «Добро», г. Москва",
                                             "--method",
                                             "paper",
                                             "--document-number",
                                             "5/2026",
                                             "--valid-until",
                                             "2027-12-31",
                                             "--given-time",
                                             "2026-11-26T10:00:00Z",
                                             "--representative",
                                             "Петров С. И.",
                                             "--representative-relation",
                                             "guardian",
                                             "--representative-document",
                                             "акт опеки № 7",
                                             "--representative-contact",
                                             "libraries/obl/contacts/p"}))
          .value();
  EXPECT_EQ(request.parent(), "libraries/obl");
  EXPECT_EQ(request.consent_id(), "photo");
  const Consent& consent = request.consent();
  EXPECT_EQ(consent.subject(), "libraries/obl/volunteers/a");
  EXPECT_EQ(consent.subject_name(), "Петрова Анна");
  ASSERT_EQ(consent.purposes_size(), 2);
  EXPECT_EQ(consent.purposes(1), Consent::TRANSFER_TO_DOBRO);
  EXPECT_EQ(
      std::vector<std::string>(consent.data_categories().begin(), consent.data_categories().end()),
      (std::vector<std::string>{"ФИО", "фотографии, видео"}));
  ASSERT_EQ(consent.processors_size(), 1);
  EXPECT_EQ(consent.processors(0), "ООО «Добро», г. Москва");
  EXPECT_EQ(consent.method(), Consent::PAPER);
  EXPECT_EQ(consent.document_number(), "5/2026");
  EXPECT_EQ(FormatDate(consent.valid_until()), "2027-12-31");
  EXPECT_EQ(FormatTimestamp(consent.given_time()), "2026-11-26T10:00:00Z");
  EXPECT_EQ(consent.representative_relation(), Consent::GUARDIAN);
  EXPECT_EQ(consent.representative_contact(), "libraries/obl/contacts/p");

  EXPECT_EQ(BuildCreateConsentRequest("obl", Args({"--purpose", "publication"})).status().message(),
            "--subject-name is required");
  EXPECT_NE(BuildCreateConsentRequest(
                "obl", Args({"--subject-name", "x", "--purpose", "publication", "--category", "ФИО",
                             "--method", "paper", "--given-time", "вчера"}))
                .status()
                .ToString()
                .find("--given-time: "),
            std::string::npos);
}

TEST(ConsentsTest, BuildWithdrawRequest) {
  allies::v1::WithdrawConsentRequest request =
      BuildWithdrawConsentRequest(
          "libraries/obl/consents/k",
          Args({"--channel", "in-writing", "--withdraw-time", "2026-11-26T10:00:00.5+03:00",
                "--etag", "e1", "--request-id", "r1"}))
          .value();
  EXPECT_EQ(request.name(), "libraries/obl/consents/k");
  EXPECT_EQ(request.channel(), Consent::IN_WRITING);
  EXPECT_EQ(request.withdraw_time().seconds(), 1795676400);
  EXPECT_EQ(request.withdraw_time().nanos(), 500000000);
  EXPECT_EQ(request.etag(), "e1");
  EXPECT_EQ(request.request_id(), "r1");
  absl::StatusOr<allies::v1::WithdrawConsentRequest> missing =
      BuildWithdrawConsentRequest("libraries/obl/consents/k", Args({}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "--channel is required: how the withdrawal came (IN_WRITING, ELECTRONIC_FORM, "
            "IN_PERSON or EMAIL)");
  EXPECT_FALSE(
      BuildWithdrawConsentRequest("libraries/obl/consents/k", Args({"--channel", "pigeon"})).ok());
  EXPECT_FALSE(
      BuildWithdrawConsentRequest("libraries/obl/consents/k",
                                  Args({"--channel", "email", "--withdraw-time", "2026-11-26"}))
          .ok());
}

TEST(ConsentsTest, Tables) {
  google::protobuf::RepeatedPtrField<Consent> consents;
  Consent* withdrawn = consents.Add();
  withdrawn->set_name("libraries/o/consents/k");
  withdrawn->set_subject("libraries/o/volunteers/a");
  withdrawn->add_purposes(Consent::VOLUNTEER_WORK);
  withdrawn->add_purposes(Consent::COMMUNICATION);
  withdrawn->set_state(Consent::WITHDRAWN);
  *withdrawn->mutable_destroy_due() = ParseTimestampFlag("t", "2024-05-01T12:34:56Z").value();
  consents.Add()->set_name("libraries/o/consents/l");
  const Table table = ConsentsTable(consents);
  EXPECT_EQ(table.headers,
            (std::vector<std::string>{"NAME", "SUBJECT", "PURPOSES", "STATE", "DESTROY DUE"}));
  EXPECT_EQ(table.rows[0],
            (std::vector<std::string>{"libraries/o/consents/k", "libraries/o/volunteers/a",
                                      "VOLUNTEER_WORK, COMMUNICATION", "WITHDRAWN",
                                      "2024-05-01T12:34:56Z"}));
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"libraries/o/consents/l", "<none>", "<none>",
                                                     "STATE_UNSPECIFIED", "<none>"}));

  google::protobuf::RepeatedPtrField<allies::v1::DestructionRecord> records;
  allies::v1::DestructionRecord* act = records.Add();
  act->set_name("libraries/o/destructions/d");
  act->set_subject("libraries/o/volunteers/a");
  act->set_reason(allies::v1::DestructionRecord::ERASURE_REQUEST);
  *act->mutable_destroy_time() = ParseTimestampFlag("t", "2024-05-01T12:34:56Z").value();
  act->set_destroyed_by("apiKeys/admin");
  EXPECT_EQ(
      DestructionRecordsTable(records).rows[0],
      (std::vector<std::string>{"libraries/o/destructions/d", "libraries/o/volunteers/a", "<none>",
                                "ERASURE_REQUEST", "2024-05-01T12:34:56Z", "apiKeys/admin"}));
}

TEST(ValueParsersTest, Timestamps) {
  EXPECT_EQ(ParseTimestampFlag("given-time", "2024-05-01T12:34:56Z")->seconds(), 1714566896);
  EXPECT_EQ(ParseTimestampFlag("given-time", "2024-05-01T15:34:56+03:00")->seconds(), 1714566896);
  EXPECT_EQ(ParseTimestampFlag("given-time", "2024-05-01T12:34:56.25Z")->nanos(), 250000000);
  for (const char* bad : {"", "2024-05-01", "2024-05-01 12:34:56", "вчера", "12:34"}) {
    absl::StatusOr<google::protobuf::Timestamp> parsed = ParseTimestampFlag("given-time", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(std::string(parsed.status().message()).rfind("--given-time: expected an RFC 3339", 0),
              0u);
  }
}

TEST(ValueParsersTest, EachValueSetterKeepsCommas) {
  const auto set = EachValueSetter("tag", "tags");
  Partner partner;
  partner.add_tags("old");
  ASSERT_TRUE(set(Args({"--tag", "банк, спонсор", "--tag", " с ", "--tag", ""}), &partner).ok());
  EXPECT_EQ(std::vector<std::string>(partner.tags().begin(), partner.tags().end()),
            (std::vector<std::string>{"банк, спонсор", "с"}));
  ASSERT_TRUE(set(Args({"--tag", ""}), &partner).ok());
  EXPECT_EQ(partner.tags_size(), 0);
  EXPECT_EQ(EachValueSetter("tag", "display_name")(Args({"--tag", "x"}), &partner).code(),
            absl::StatusCode::kInternal);
}

TEST(RunCliTest, HelpListsVolunteersAndConsents) {
  const std::string help = RunCtl({"help"}).out;
  for (const char* word :
       {"volunteers", "activate, pause, resume, deactivate, duplicates, merge, export, erase",
        "consents", "create, withdraw, due, destructions, destruction"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  CliResult create = RunCtl({"volunteers", "create", "--help"});
  EXPECT_EQ(create.code, 0);
  for (const char* flag : {"--availability \"DAY HH:MM-HH:MM\"", "--blackout DATE..DATE",
                           "--consent CONSENT", "--consent-purpose PURPOSE",
                           "--representative NAME", "--guardian CONTACT", "--opt-out CHANNEL"}) {
    EXPECT_NE(create.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(RunCtl({"consent", "due", "-h"}).code, 0);  // Alias.
  EXPECT_EQ(RunCtl({"volunteer", "list", "-h"}).code, 0);
}

TEST(RunCliTest, VolunteerAndConsentUsageErrorsExitTwo) {
  CliResult erase = RunCtl({"volunteers", "erase", "libraries/o/volunteers/a"});
  EXPECT_EQ(erase.code, 2);
  EXPECT_NE(erase.err.find("cannot be undone"), std::string::npos) << erase.err;
  CliResult availability =
      RunCtl({"volunteers", "create", "o", "--family-name", "x", "--given-name", "y",
              "--birth-date", "2000-01-01", "--availability", "1 13:00-09:00"});
  EXPECT_EQ(availability.code, 2);
  EXPECT_NE(availability.err.find("--availability: the start time must be before the end time"),
            std::string::npos)
      << availability.err;
  EXPECT_EQ(RunCtl({"volunteers", "update", "libraries/o/volunteers/a", "--blackout",
                    "2026-07-14..2026-07-01"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"volunteers", "merge", "libraries/o/volunteers/a"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteers", "activate", "a", "--yes"}).code, 2);  // Not a flag of activate.
  EXPECT_EQ(RunCtl({"consents", "withdraw", "libraries/o/consents/k"}).code, 2);
  EXPECT_EQ(RunCtl({"consents", "due", "--within-days", "month"}).code, 2);
  EXPECT_EQ(RunCtl({"consents", "list", "--show-deleted"}).code, 2);  // Never soft-deleted.
  EXPECT_EQ(RunCtl({"consents", "create", "o", "--subject-name", "x"}).code, 2);
  EXPECT_EQ(RunCtl({"consents", "destruction"}).code, 2);
}

// ---- Dispatch of the new resources (usage errors make no RPC) ----

TEST(RunCliTest, HelpListsThePartnershipResources) {
  const std::string help = RunCtl({"help"}).out;
  for (const char* word : {"partners", "contacts", "agreements", "duplicates, merge, export, erase",
                           "terminate, renew, expiring"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  CliResult result = RunCtl({"agreements", "create", "--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.out.find("--value MONEY"), std::string::npos);
  EXPECT_NE(result.out.find("150000.50 RUB"), std::string::npos);
  EXPECT_EQ(RunCtl({"partner", "list", "-h"}).code, 0);  // Alias.
}

TEST(RunCliTest, PartnershipUsageErrorsExitTwo) {
  CliResult erase = RunCtl({"contacts", "erase", "libraries/o/contacts/a"});
  EXPECT_EQ(erase.code, 2);
  EXPECT_NE(erase.err.find("cannot be undone"), std::string::npos) << erase.err;
  EXPECT_NE(erase.err.find("--yes"), std::string::npos) << erase.err;
  EXPECT_EQ(RunCtl({"contacts", "merge", "libraries/o/contacts/a"}).code, 2);
  EXPECT_EQ(RunCtl({"agreements", "terminate", "libraries/o/agreements/a"}).code, 2);
  EXPECT_EQ(RunCtl({"agreements", "terminate", "libraries/o/agreements/a", "--reason="}).code, 2);
  EXPECT_EQ(RunCtl({"agreements", "renew", "libraries/o/agreements/a"}).code, 2);
  EXPECT_EQ(
      RunCtl({"agreements", "renew", "libraries/o/agreements/a", "--new-end-date", "soon"}).code,
      2);
  EXPECT_EQ(RunCtl({"agreements", "expiring", "--within-days", "month"}).code, 2);
  EXPECT_EQ(RunCtl({"agreements", "expiring", "--filter", "x"}).code, 2);  // No filter there.
  EXPECT_EQ(RunCtl({"partners", "create"}).code, 2);                       // LIBRARY missing.
  EXPECT_EQ(RunCtl({"partners", "create", "obl", "--display-name", "x"}).code, 2);
  EXPECT_EQ(RunCtl({"partners", "update", "libraries/o/partners/p"}).code, 2);
  EXPECT_EQ(RunCtl({"partners", "get", "a", "--force"}).code, 2);
  EXPECT_EQ(RunCtl({"contacts", "delete", "a", "--force"}).code, 2);  // Contacts have no force.
  EXPECT_EQ(RunCtl({"partners", "list", "a", "b"}).code, 2);
}

// ---- Volunteer agreements and qualifications ----

TEST(VolunteerRecordsTest, ListParent) {
  EXPECT_EQ(VolunteerListParent(""), "libraries/-/volunteers/-");
  EXPECT_EQ(VolunteerListParent("-"), "libraries/-/volunteers/-");
  EXPECT_EQ(VolunteerListParent("obl"), "libraries/obl/volunteers/-");
  EXPECT_EQ(VolunteerListParent("libraries/obl"), "libraries/obl/volunteers/-");
  EXPECT_EQ(VolunteerListParent("libraries/obl/volunteers/v"), "libraries/obl/volunteers/v");
  EXPECT_EQ(VolunteerListParent("obl/volunteers/v"), "libraries/obl/volunteers/v");
  EXPECT_EQ(VolunteerListParent("libraries/-/volunteers/-"), "libraries/-/volunteers/-");
}

TEST(VolunteerRecordsTest, BuildCreateAgreementRequest) {
  allies::v1::CreateVolunteerAgreementRequest request =
      BuildCreateVolunteerAgreementRequest("libraries/obl/volunteers/petrova",
                                           Args({"--id",
                                                 "a1",
                                                 "--number",
                                                 "В-7/2026",
                                                 "--tasks",
                                                 "Помощь в читальном зале, "
                                                 "проведение мастер-классов",
                                                 "--place",
                                                 "Вологда, ул. Ленина, 1",
                                                 "--start-date",
                                                 "2026-12-01",
                                                 "--end-date",
                                                 "2027-11-30",
                                                 "--support",
                                                 "meals,insurance",
                                                 "--support",
                                                 "travel",
                                                 "--support-notes",
                                                 "Проезд до 500 ₽ в месяц",
                                                 "--risk-briefing-time",
                                                 "2026-11-26T10:00:00+03:00",
                                                 "--signer",
                                                 "representative",
                                                 "--representative-contact",
                                                 "libraries/obl/contacts/mother"}))
          .value();
  const VolunteerAgreement& agreement = request.agreement();
  EXPECT_EQ(request.parent(), "libraries/obl/volunteers/petrova");
  EXPECT_EQ(request.agreement_id(), "a1");
  EXPECT_EQ(agreement.number(), "В-7/2026");
  EXPECT_EQ(agreement.tasks(), "Помощь в читальном зале, проведение мастер-классов");
  EXPECT_EQ(FormatDate(agreement.start_date()), "2026-12-01");
  EXPECT_EQ(FormatDate(agreement.end_date()), "2027-11-30");
  ASSERT_EQ(agreement.support_size(), 3);
  EXPECT_EQ(agreement.support(0), VolunteerAgreement::MEALS);
  EXPECT_EQ(agreement.support(1), VolunteerAgreement::INSURANCE);
  EXPECT_EQ(agreement.support(2), VolunteerAgreement::TRAVEL);
  EXPECT_EQ(FormatTimestamp(agreement.risk_briefing_time()), "2026-11-26T07:00:00Z");
  EXPECT_EQ(agreement.signer(), VolunteerAgreement::REPRESENTATIVE);
  EXPECT_EQ(agreement.representative_contact(), "libraries/obl/contacts/mother");
}

TEST(VolunteerRecordsTest, BuildAgreementRequestErrorsNameTheFlag) {
  auto error = [](std::vector<std::string> words) {
    absl::StatusOr<allies::v1::CreateVolunteerAgreementRequest> request =
        BuildCreateVolunteerAgreementRequest("libraries/o/volunteers/v", Args(words));
    return request.ok() ? std::string() : std::string(request.status().message());
  };
  EXPECT_EQ(error({"--number", "1"}), "--tasks is required");
  EXPECT_EQ(error({"--tasks", "x", "--signer", "parent"}).rfind("--signer: ", 0), 0u);
  EXPECT_EQ(error({"--tasks", "x", "--support", "money"}).rfind("--support: ", 0), 0u);
  EXPECT_EQ(error({"--tasks", "x", "--end-date", "30.11.2027"}).rfind("--end-date: ", 0), 0u);
  EXPECT_EQ(error({"--tasks", "x", "--risk-briefing-time", "2026-11-26"})
                .rfind("--risk-briefing-time: ", 0),
            0u);
}

TEST(VolunteerRecordsTest, BuildUpdateAgreementRequestMaskFollowsTheFlags) {
  allies::v1::UpdateVolunteerAgreementRequest request =
      BuildUpdateVolunteerAgreementRequest(
          "libraries/o/volunteers/v/agreements/a",
          Args({"--support-notes", "Питание", "--risk-briefing-time", "", "--support", "", "--etag",
                "e1"}))
          .value();
  EXPECT_EQ(request.agreement().name(), "libraries/o/volunteers/v/agreements/a");
  EXPECT_EQ(request.agreement().etag(), "e1");
  EXPECT_FALSE(request.agreement().has_risk_briefing_time());
  EXPECT_EQ(request.agreement().support_size(), 0);
  EXPECT_EQ(Paths(request.update_mask()),
            (std::vector<std::string>{"support", "support_notes", "risk_briefing_time"}));
  EXPECT_FALSE(BuildUpdateVolunteerAgreementRequest("libraries/o/volunteers/v/agreements/a",
                                                    Args({"--etag", "e1"}))
                   .ok());
}

TEST(VolunteerRecordsTest, BuildQualificationRequests) {
  allies::v1::CreateQualificationRequest create =
      BuildCreateQualificationRequest(
          "libraries/o/volunteers/v",
          Args({"--kind", "no-criminal-record", "--title", "Справка об отсутствии судимости",
                "--issuer", "МВД России", "--issued-date", "2026-03-01", "--expiry-date",
                "2027-02-28", "--evidence", "№ 35/1234"}))
          .value();
  const Qualification& q = create.qualification();
  EXPECT_EQ(create.parent(), "libraries/o/volunteers/v");
  EXPECT_EQ(q.kind(), Qualification::NO_CRIMINAL_RECORD);
  EXPECT_EQ(q.title(), "Справка об отсутствии судимости");
  EXPECT_EQ(q.issuer(), "МВД России");
  EXPECT_EQ(FormatDate(q.issued_date()), "2026-03-01");
  EXPECT_EQ(FormatDate(q.expiry_date()), "2027-02-28");
  EXPECT_EQ(q.evidence(), "№ 35/1234");
  EXPECT_EQ(BuildCreateQualificationRequest("libraries/o/volunteers/v",
                                            Args({"--kind", "training", "--title", "x"}))
                .status()
                .message(),
            "--issued-date is required");
  allies::v1::UpdateQualificationRequest update =
      BuildUpdateQualificationRequest("libraries/o/volunteers/v/qualifications/q",
                                      Args({"--expiry-date", "", "--issuer", "Минздрав"}))
          .value();
  EXPECT_FALSE(update.qualification().has_expiry_date());
  EXPECT_EQ(Paths(update.update_mask()), (std::vector<std::string>{"issuer", "expiry_date"}));
}

TEST(VolunteerRecordsTest, Tables) {
  google::protobuf::RepeatedPtrField<VolunteerAgreement> agreements;
  VolunteerAgreement* a = agreements.Add();
  a->set_name("libraries/o/volunteers/v/agreements/a");
  a->set_state(VolunteerAgreement::EXPIRED);
  *a->mutable_end_date() = ParseDateFlag("end-date", "2026-01-31").value();
  a->set_signer(VolunteerAgreement::REPRESENTATIVE);
  agreements.Add()->set_name("libraries/o/volunteers/v/agreements/b");
  const Table agreement_table = VolunteerAgreementsTable(agreements);
  EXPECT_EQ(agreement_table.headers,
            (std::vector<std::string>{"NAME", "STATE", "END DATE", "SIGNER"}));
  EXPECT_EQ(agreement_table.rows[0],
            (std::vector<std::string>{"libraries/o/volunteers/v/agreements/a", "EXPIRED",
                                      "2026-01-31", "REPRESENTATIVE"}));
  EXPECT_EQ(agreement_table.rows[1],
            (std::vector<std::string>{"libraries/o/volunteers/v/agreements/b", "STATE_UNSPECIFIED",
                                      "<none>", "<none>"}));

  google::protobuf::RepeatedPtrField<Qualification> qualifications;
  Qualification* q = qualifications.Add();
  q->set_name("libraries/o/volunteers/v/qualifications/q");
  q->set_kind(Qualification::TRAINING);
  q->set_title("Курс первой помощи");
  q->set_state(Qualification::VALID);
  const Table qualification_table = QualificationsTable(qualifications);
  EXPECT_EQ(qualification_table.headers,
            (std::vector<std::string>{"NAME", "KIND", "TITLE", "EXPIRY", "STATE"}));
  EXPECT_EQ(qualification_table.rows[0],
            (std::vector<std::string>{"libraries/o/volunteers/v/qualifications/q", "TRAINING",
                                      "Курс первой помощи", "<none>", "VALID"}));
}

TEST(RunCliTest, HelpListsTheVolunteerRecords) {
  const std::string help = RunCtl({"help"}).out;
  for (const char* word :
       {"volunteer-agreements", "get, list, create, update, delete, undelete, activate, terminate",
        "qualifications"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  CliResult create = RunCtl({"vagreements", "create", "--help"});  // Alias.
  EXPECT_EQ(create.code, 0);
  for (const char* flag : {"--tasks TEXT", "--support SUPPORT", "--risk-briefing-time TIME",
                           "--signer SIGNER", "--representative-contact CONTACT"}) {
    EXPECT_NE(create.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(RunCtl({"qualification", "list", "-h"}).code, 0);  // Alias.
}

TEST(RunCliTest, VolunteerRecordUsageErrorsExitTwo) {
  EXPECT_EQ(
      RunCtl({"volunteer-agreements", "terminate", "libraries/o/volunteers/v/agreements/a"}).code,
      2);
  EXPECT_EQ(RunCtl({"volunteer-agreements", "terminate", "libraries/o/volunteers/v/agreements/a",
                    "--reason="})
                .code,
            2);
  EXPECT_EQ(RunCtl({"volunteer-agreements", "create"}).code, 2);  // VOLUNTEER missing.
  EXPECT_EQ(RunCtl({"volunteer-agreements", "create", "libraries/o/volunteers/v"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteer-agreements", "suspend", "a"}).code, 2);  // No such verb.
  EXPECT_EQ(RunCtl({"volunteer-agreements", "delete", "a", "--request-id", "r"}).code, 2);
  EXPECT_EQ(RunCtl({"qualifications", "create", "libraries/o/volunteers/v", "--kind", "diploma",
                    "--title", "x", "--issued-date", "2026-01-01"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"qualifications", "activate", "a"}).code, 2);
  EXPECT_EQ(RunCtl({"qualifications", "list", "a", "b"}).code, 2);
}

// ---- Projects, shifts and sign-ups ----

TEST(ProjectsTest, ListParents) {
  EXPECT_EQ(ShiftListParent(""), "libraries/-/projects/-");
  EXPECT_EQ(ShiftListParent("-"), "libraries/-/projects/-");
  EXPECT_EQ(ShiftListParent("obl"), "libraries/obl/projects/-");
  EXPECT_EQ(ShiftListParent("obl/projects/p"), "libraries/obl/projects/p");
  EXPECT_EQ(ShiftListParent("libraries/obl/projects/-"), "libraries/obl/projects/-");
  EXPECT_EQ(SignupListParent(""), "libraries/-/projects/-/shifts/-");
  EXPECT_EQ(SignupListParent("libraries/obl"), "libraries/obl/projects/-/shifts/-");
  EXPECT_EQ(SignupListParent("libraries/obl/projects/p"), "libraries/obl/projects/p/shifts/-");
  EXPECT_EQ(SignupListParent("libraries/obl/projects/p/shifts/s"),
            "libraries/obl/projects/p/shifts/s");
}

TEST(ProjectsTest, BuildProjectRequests) {
  allies::v1::CreateProjectRequest create =
      BuildCreateProjectRequest(
          "obl",
          Args({"--id", "readings", "--title", "Громкие чтения", "--skill", "чтение вслух,дикция",
                "--minimum-age", "14", "--required-qualification", "training", "--branch", "cbs",
                "--start-date", "2026-12-01", "--partner", "libraries/obl/partners/sber"}))
          .value();
  const Project& p = create.project();
  EXPECT_EQ(create.parent(), "libraries/obl");
  EXPECT_EQ(create.project_id(), "readings");
  EXPECT_EQ(p.title(), "Громкие чтения");
  EXPECT_EQ(std::vector<std::string>(p.skills().begin(), p.skills().end()),
            (std::vector<std::string>{"чтение вслух", "дикция"}));
  EXPECT_EQ(p.minimum_age(), 14);
  ASSERT_EQ(p.required_qualifications_size(), 1);
  EXPECT_EQ(p.required_qualifications(0), Qualification::TRAINING);
  EXPECT_EQ(p.branch(), "libraries/cbs");
  EXPECT_EQ(FormatDate(p.start_date()), "2026-12-01");
  EXPECT_EQ(p.partner(), "libraries/obl/partners/sber");
  EXPECT_EQ(BuildCreateProjectRequest("obl", Args({"--skill", "x"})).status().message(),
            "--title is required");
  EXPECT_EQ(BuildCreateProjectRequest("obl", Args({"--title", "x", "--minimum-age", "old"}))
                .status()
                .message()
                .rfind("--minimum-age", 0),
            0u);

  allies::v1::UpdateProjectRequest update =
      BuildUpdateProjectRequest("libraries/obl/projects/readings",
                                Args({"--end-date", "", "--skill", "", "--etag", "e1"}))
          .value();
  EXPECT_EQ(update.project().name(), "libraries/obl/projects/readings");
  EXPECT_EQ(update.project().etag(), "e1");
  EXPECT_FALSE(update.project().has_end_date());
  EXPECT_EQ(Paths(update.update_mask()), (std::vector<std::string>{"skills", "end_date"}));
  EXPECT_FALSE(BuildUpdateProjectRequest("libraries/obl/projects/r", Args({"--etag", "e"})).ok());
}

TEST(ProjectsTest, ShiftTimesAreLocalUnlessTheyHaveAZone) {
  Shift shift;
  ASSERT_TRUE(SetShiftTime("start", "2026-12-05T10:00", true, &shift).ok());
  EXPECT_EQ(shift.local_start_time(), "2026-12-05T10:00");
  EXPECT_FALSE(shift.has_start_time());
  ASSERT_TRUE(SetShiftTime("end", "2026-12-05 13:30:00", false, &shift).ok());
  EXPECT_EQ(shift.local_end_time(), "2026-12-05T13:30");
  EXPECT_FALSE(shift.has_end_time());

  ASSERT_TRUE(SetShiftTime("start", "2026-12-05T10:00:00+10:00", true, &shift).ok());
  EXPECT_EQ(FormatTimestamp(shift.start_time()), "2026-12-05T00:00:00Z");
  EXPECT_TRUE(shift.local_start_time().empty());
  ASSERT_TRUE(SetShiftTime("end", "2026-12-05T03:00:00Z", false, &shift).ok());
  EXPECT_EQ(FormatTimestamp(shift.end_time()), "2026-12-05T03:00:00Z");
  EXPECT_TRUE(shift.local_end_time().empty());
  ASSERT_TRUE(SetShiftTime("end", "2026-12-05T03:00:00-01:30", false, &shift).ok());
  EXPECT_EQ(FormatTimestamp(shift.end_time()), "2026-12-05T04:30:00Z");

  for (const char* bad : {"2026-12-05", "2026-12-05T25:00", "2026-02-30T10:00", "05.12.2026 10:00",
                          "2026-12-05T10:00:30", ""}) {
    absl::Status status = SetShiftTime("start", bad, true, &shift);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(status.message().rfind("--start: ", 0), 0u) << status.message();
  }
  // A zone, but not RFC 3339 (no seconds).
  EXPECT_EQ(
      SetShiftTime("end", "2026-12-05T10:00+03:00", false, &shift).message().rfind("--end: ", 0),
      0u);
}

TEST(ProjectsTest, BuildShiftRequests) {
  allies::v1::CreateShiftRequest create =
      BuildCreateShiftRequest("obl/projects/readings",
                              Args({"--id", "first", "--start", "2026-12-05T10:00", "--end",
                                    "2026-12-05T04:00:00Z", "--capacity", "5", "--waitlist", "none",
                                    "--place", "Читальный зал", "--request-id", "r1"}))
          .value();
  EXPECT_EQ(create.parent(), "libraries/obl/projects/readings");
  EXPECT_EQ(create.shift_id(), "first");
  EXPECT_EQ(create.request_id(), "r1");
  EXPECT_EQ(create.shift().local_start_time(), "2026-12-05T10:00");
  EXPECT_EQ(FormatTimestamp(create.shift().end_time()), "2026-12-05T04:00:00Z");
  EXPECT_EQ(create.shift().capacity(), 5);
  EXPECT_EQ(create.shift().waitlist_mode(), allies::v1::NONE);
  EXPECT_EQ(create.shift().place(), "Читальный зал");
  EXPECT_EQ(BuildCreateShiftRequest("libraries/o/projects/p", Args({"--start", "2026-12-05T10:00",
                                                                    "--end", "2026-12-05T12:00"}))
                .status()
                .message(),
            "--capacity is required");
  EXPECT_EQ(BuildCreateShiftRequest(
                "libraries/o/projects/p",
                Args({"--start", "2026-12-05T10:00", "--end", "soon", "--capacity", "1"}))
                .status()
                .message()
                .rfind("--end: ", 0),
            0u);
  EXPECT_EQ(
      BuildCreateShiftRequest("libraries/o/projects/p",
                              Args({"--start", "2026-12-05T10:00", "--end", "2026-12-05T12:00",
                                    "--capacity", "1", "--waitlist", "sometimes"}))
          .status()
          .message()
          .rfind("--waitlist: ", 0),
      0u);

  // The mask names local times as such; instants as start_time / end_time.
  allies::v1::UpdateShiftRequest local =
      BuildUpdateShiftRequest(
          "libraries/o/projects/p/shifts/s",
          Args({"--capacity", "8", "--start", "2026-12-05T11:00", "--end", "2026-12-05T14:00"}))
          .value();
  EXPECT_EQ(local.shift().name(), "libraries/o/projects/p/shifts/s");
  EXPECT_EQ(Paths(local.update_mask()),
            (std::vector<std::string>{"local_start_time", "local_end_time", "capacity"}));
  EXPECT_EQ(local.shift().local_end_time(), "2026-12-05T14:00");
  allies::v1::UpdateShiftRequest exact =
      BuildUpdateShiftRequest("libraries/o/projects/p/shifts/s",
                              Args({"--end", "2026-12-05T05:00:00Z", "--notes", ""}))
          .value();
  EXPECT_EQ(Paths(exact.update_mask()), (std::vector<std::string>{"end_time", "notes"}));
  EXPECT_FALSE(BuildUpdateShiftRequest("libraries/o/projects/p/shifts/s", Args({})).ok());
}

TEST(ProjectsTest, BuildSignupAndUpcomingRequests) {
  allies::v1::CreateSignupRequest create =
      BuildCreateSignupRequest(
          "libraries/o/projects/p/shifts/s",
          Args({"--volunteer", "libraries/o/volunteers/v", "--party-size", "3", "--source",
                "import", "--overlap-reason", "Две смены подряд в одном зале", "--notes",
                "С сестрой", "--request-only"}))
          .value();
  EXPECT_EQ(create.parent(), "libraries/o/projects/p/shifts/s");
  EXPECT_EQ(create.signup().volunteer(), "libraries/o/volunteers/v");
  EXPECT_EQ(create.signup().party_size(), 3);
  EXPECT_EQ(create.signup().source(), Signup::IMPORT);
  EXPECT_EQ(create.signup().overlap_reason(), "Две смены подряд в одном зале");
  EXPECT_EQ(create.signup().notes(), "С сестрой");
  EXPECT_TRUE(create.request_only());
  EXPECT_FALSE(BuildCreateSignupRequest("libraries/o/projects/p/shifts/s",
                                        Args({"--volunteer", "libraries/o/volunteers/v"}))
                   ->request_only());
  EXPECT_EQ(
      BuildCreateSignupRequest("libraries/o/projects/p/shifts/s", Args({})).status().message(),
      "--volunteer is required");
  EXPECT_EQ(BuildCreateSignupRequest("libraries/o/projects/p/shifts/s",
                                     Args({"--volunteer", "v", "--party-size", "two"}))
                .status()
                .message()
                .rfind("--party-size", 0),
            0u);

  allies::v1::ListUpcomingShiftsRequest all = BuildUpcomingShiftsRequest(Args({})).value();
  EXPECT_EQ(all.parent(), "libraries/-");
  EXPECT_EQ(all.within_hours(), 24);
  allies::v1::ListUpcomingShiftsRequest mine =
      BuildUpcomingShiftsRequest(
          Args({"--volunteer", "libraries/o/volunteers/v", "--within-hours", "168"}))
          .value();
  EXPECT_EQ(mine.parent(), "");
  EXPECT_EQ(mine.volunteer(), "libraries/o/volunteers/v");
  EXPECT_EQ(mine.within_hours(), 168);
  EXPECT_EQ(BuildUpcomingShiftsRequest(Args({"--parent", "obl"}))->parent(), "libraries/obl");
  EXPECT_FALSE(BuildUpcomingShiftsRequest(Args({"--within-hours", "week"})).ok());
}

TEST(ProjectsTest, Tables) {
  google::protobuf::RepeatedPtrField<Project> projects;
  Project* p = projects.Add();
  p->set_name("libraries/o/projects/readings");
  p->set_title("Громкие чтения");
  p->set_state(Project::ACTIVE);
  *p->mutable_start_date() = ParseDateFlag("start-date", "2026-12-01").value();
  EXPECT_EQ(ProjectsTable(projects).headers,
            (std::vector<std::string>{"NAME", "TITLE", "STATE", "START DATE", "END DATE"}));
  EXPECT_EQ(ProjectsTable(projects).rows[0],
            (std::vector<std::string>{"libraries/o/projects/readings", "Громкие чтения", "ACTIVE",
                                      "2026-12-01", "<none>"}));

  google::protobuf::RepeatedPtrField<Shift> shifts;
  Shift* s = shifts.Add();
  s->set_name("libraries/o/projects/readings/shifts/first");
  s->set_local_start_time("2026-12-05T10:00");
  s->set_local_end_time("2026-12-05T13:00");
  s->set_time_zone("Asia/Vladivostok");
  s->set_capacity(5);
  s->set_confirmed_count(4);
  s->set_places_left(1);
  s->set_waitlist_length(2);
  Shift* utc = shifts.Add();  // No local times: UTC.
  utc->set_name("libraries/o/projects/readings/shifts/second");
  *utc->mutable_start_time() = ParseTimestampFlag("start", "2026-12-06T00:00:00Z").value();
  const Table shift_table = ShiftsTable(shifts);
  EXPECT_EQ(shift_table.headers,
            (std::vector<std::string>{"NAME", "START", "END", "TIME ZONE", "CAPACITY", "CONFIRMED",
                                      "LEFT", "WAITLIST"}));
  EXPECT_EQ(
      shift_table.rows[0],
      (std::vector<std::string>{"libraries/o/projects/readings/shifts/first", "2026-12-05T10:00",
                                "2026-12-05T13:00", "Asia/Vladivostok", "5", "4", "1", "2"}));
  EXPECT_EQ(shift_table.rows[1][1], "2026-12-06T00:00:00Z");
  EXPECT_EQ(shift_table.rows[1][2], "<none>");

  google::protobuf::RepeatedPtrField<Signup> signups;
  Signup* u = signups.Add();
  u->set_name("libraries/o/projects/readings/shifts/first/signups/a");
  u->set_volunteer("libraries/o/volunteers/v");
  u->set_party_size(2);
  u->set_source(Signup::SELF_SERVICE);
  u->set_state(Signup::WAITLISTED);
  EXPECT_EQ(SignupsTable(signups).headers,
            (std::vector<std::string>{"NAME", "VOLUNTEER", "PARTY", "SOURCE", "STATE"}));
  EXPECT_EQ(
      SignupsTable(signups).rows[0],
      (std::vector<std::string>{"libraries/o/projects/readings/shifts/first/signups/a",
                                "libraries/o/volunteers/v", "2", "SELF_SERVICE", "WAITLISTED"}));
}

TEST(RunCliTest, HelpListsProjectsShiftsAndSignups) {
  const std::string help = RunCtl({"help"}).out;
  for (const char* word :
       {"projects", "undelete, activate, complete, cancel", "shifts", "undelete, upcoming",
        "signups", "create, confirm, waitlist, cancel, complete, no-show"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  CliResult create = RunCtl({"shift", "create", "--help"});  // Alias.
  EXPECT_EQ(create.code, 0);
  for (const char* flag : {"--start TIME", "--end TIME", "--capacity N", "--waitlist MODE"}) {
    EXPECT_NE(create.out.find(flag), std::string::npos) << flag;
  }
  CliResult signup = RunCtl({"signups", "create", "--help"});
  for (const char* flag : {"--volunteer VOLUNTEER", "--party-size N", "--source SOURCE",
                           "--overlap-reason TEXT", "--notes TEXT", "--request-only"}) {
    EXPECT_NE(signup.out.find(flag), std::string::npos) << flag;
  }
  CliResult upcoming = RunCtl({"shifts", "upcoming", "-h"});
  for (const char* flag : {"--parent PARENT", "--volunteer VOLUNTEER", "--within-hours HOURS"}) {
    EXPECT_NE(upcoming.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(RunCtl({"project", "list", "-h"}).code, 0);  // Alias.
}

TEST(RunCliTest, ProjectUsageErrorsExitTwo) {
  EXPECT_EQ(RunCtl({"projects", "cancel", "libraries/o/projects/p"}).code, 2);  // No reason.
  EXPECT_EQ(RunCtl({"projects", "cancel", "libraries/o/projects/p", "--reason", " "}).code, 2);
  EXPECT_EQ(RunCtl({"projects", "create"}).code, 2);  // LIBRARY missing.
  EXPECT_EQ(RunCtl({"projects", "create", "o"}).code, 2);
  EXPECT_EQ(RunCtl({"shifts", "create", "libraries/o/projects/p", "--start", "завтра", "--end",
                    "2026-12-05T12:00", "--capacity", "1"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"shifts", "upcoming", "--within-hours", "x"}).code, 2);
  EXPECT_EQ(RunCtl({"shifts", "upcoming", "extra"}).code, 2);
  EXPECT_EQ(RunCtl({"signups", "create", "libraries/o/projects/p/shifts/s"}).code, 2);
  EXPECT_EQ(RunCtl({"signups", "delete", "a"}).code, 2);  // No such verb.
  EXPECT_EQ(RunCtl({"signups", "cancel", "a", "--overlap-reason", "x"}).code, 2);
}

// ---- Schedules ----

TEST(SchedulesTest, ClockTimes) {
  EXPECT_EQ(ParseClockTimeFlag("start-time", "10:00").value(), "10:00");
  EXPECT_EQ(ParseClockTimeFlag("start-time", " 9:30 ").value(), "09:30");
  EXPECT_EQ(ParseClockTimeFlag("start-time", "23:59").value(), "23:59");
  EXPECT_EQ(ParseClockTimeFlag("start-time", "00:00").value(), "00:00");
  for (const char* bad :
       {"24:00", "10:60", "10", "10:0", "10:00:00", "10.00", "-1:00", "", "1O:00", "10:00+03"}) {
    absl::StatusOr<std::string> parsed = ParseClockTimeFlag("start-time", bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(
        parsed.status().message().rfind("--start-time: expected a local time of day HH:MM", 0), 0u)
        << parsed.status().message();
  }
}

TEST(SchedulesTest, BuildScheduleRequests) {
  allies::v1::CreateScheduleRequest create =
      BuildCreateScheduleRequest("obl/projects/readings", Args({"--id",
                                                                "saturdays",
                                                                "--rule",
                                                                "FREQ=WEEKLY;BYDAY=SA",
                                                                "--start-date",
                                                                "2026-12-05",
                                                                "--start-time",
                                                                "9:30",
                                                                "--duration-minutes",
                                                                "120",
                                                                "--capacity",
                                                                "5",
                                                                "--waitlist-mode",
                                                                "manual",
                                                                "--place",
                                                                "Читальный зал",
                                                                "--notes",
                                                                "Возьмите очки",
                                                                "--horizon-days",
                                                                "60",
                                                                "--request-id",
                                                                "r1"}))
          .value();
  const Schedule& s = create.schedule();
  EXPECT_EQ(create.parent(), "libraries/obl/projects/readings");
  EXPECT_EQ(create.schedule_id(), "saturdays");
  EXPECT_EQ(create.request_id(), "r1");
  EXPECT_EQ(s.rule(), "FREQ=WEEKLY;BYDAY=SA");
  EXPECT_EQ(FormatDate(s.start_date()), "2026-12-05");
  EXPECT_EQ(s.start_time(), "09:30");
  EXPECT_EQ(s.duration_minutes(), 120);
  EXPECT_EQ(s.capacity(), 5);
  EXPECT_EQ(s.waitlist_mode(), allies::v1::MANUAL);
  EXPECT_EQ(s.place(), "Читальный зал");
  EXPECT_EQ(s.notes(), "Возьмите очки");
  EXPECT_EQ(s.horizon_days(), 60);

  const std::vector<std::string> required = {
      "--rule", "FREQ=WEEKLY;BYDAY=SA", "--start-date", "2026-12-05", "--start-time",
      "10:00",  "--duration-minutes",   "90",           "--capacity", "3"};
  EXPECT_TRUE(BuildCreateScheduleRequest("libraries/o/projects/p", Args(required)).ok());
  for (size_t i = 0; i < required.size(); i += 2) {
    std::vector<std::string> words = required;
    words.erase(words.begin() + i, words.begin() + i + 2);
    EXPECT_EQ(BuildCreateScheduleRequest("libraries/o/projects/p", Args(words)).status().message(),
              required[i] + " is required");
  }
  std::vector<std::string> bad_time = required;
  bad_time[5] = "10 утра";
  EXPECT_EQ(BuildCreateScheduleRequest("libraries/o/projects/p", Args(bad_time))
                .status()
                .message()
                .rfind("--start-time: ", 0),
            0u);
  std::vector<std::string> bad_mode = required;
  bad_mode.insert(bad_mode.end(), {"--waitlist-mode", "sometimes"});
  EXPECT_EQ(BuildCreateScheduleRequest("libraries/o/projects/p", Args(bad_mode))
                .status()
                .message()
                .rfind("--waitlist-mode: ", 0),
            0u);

  allies::v1::UpdateScheduleRequest update =
      BuildUpdateScheduleRequest(
          "libraries/o/projects/p/schedules/s",
          Args({"--start-time", "11:00", "--capacity", "8", "--notes", "", "--etag", "e1"}))
          .value();
  EXPECT_EQ(update.schedule().name(), "libraries/o/projects/p/schedules/s");
  EXPECT_EQ(update.schedule().etag(), "e1");
  EXPECT_EQ(update.schedule().start_time(), "11:00");
  EXPECT_EQ(Paths(update.update_mask()),
            (std::vector<std::string>{"start_time", "capacity", "notes"}));
  EXPECT_FALSE(BuildUpdateScheduleRequest("libraries/o/projects/p/schedules/s", Args({})).ok());
}

TEST(SchedulesTest, TableAndKeptShiftsNote) {
  google::protobuf::RepeatedPtrField<Schedule> schedules;
  Schedule* s = schedules.Add();
  s->set_name("libraries/o/projects/p/schedules/saturdays");
  s->set_rule("FREQ=WEEKLY;BYDAY=SA");
  s->set_rule_description("every week on Saturday");
  *s->mutable_start_date() = ParseDateFlag("start-date", "2026-12-05").value();
  s->set_start_time("10:00");
  s->set_duration_minutes(90);
  s->set_capacity(5);
  *s->mutable_generated_through() = ParseDateFlag("through", "2027-03-05").value();
  s->add_kept_shifts("libraries/o/projects/p/shifts/a");
  s->add_kept_shifts("libraries/o/projects/p/shifts/b");
  Schedule* bare = schedules.Add();  // No description: the rule itself.
  bare->set_name("libraries/o/projects/p/schedules/monthly");
  bare->set_rule("FREQ=MONTHLY;BYDAY=-1FR");
  const Table table = SchedulesTable(schedules);
  EXPECT_EQ(table.headers, (std::vector<std::string>{"NAME", "RULE", "START", "TIME", "MINUTES",
                                                     "CAPACITY", "THROUGH", "KEPT"}));
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"libraries/o/projects/p/schedules/saturdays",
                                                     "every week on Saturday", "2026-12-05",
                                                     "10:00", "90", "5", "2027-03-05", "2"}));
  EXPECT_EQ(table.rows[1][1], "FREQ=MONTHLY;BYDAY=-1FR");
  EXPECT_EQ(table.rows[1][6], "<none>");
  EXPECT_EQ(table.rows[1][7], "0");

  EXPECT_EQ(KeptShiftsNote(*s),
            "note: kept as they were (they have sign-ups): "
            "libraries/o/projects/p/shifts/a, libraries/o/projects/p/shifts/b; move or cancel "
            "them by hand ('shifts update', 'signups cancel')");
  EXPECT_EQ(KeptShiftsNote(*bare), "");
}

// ---- Hours ----

TEST(HoursTest, HoursAsMinutes) {
  EXPECT_EQ(ParseHoursFlag("hours", "1.5").value(), 90);
  EXPECT_EQ(ParseHoursFlag("hours", "1,5").value(), 90);
  EXPECT_EQ(ParseHoursFlag("hours", "2").value(), 120);
  EXPECT_EQ(ParseHoursFlag("hours", " 0.25 ").value(), 15);
  EXPECT_EQ(ParseHoursFlag("hours", ".5").value(), 30);
  EXPECT_EQ(ParseHoursFlag("hours", "3.").value(), 180);
  EXPECT_EQ(ParseHoursFlag("hours", "-0.5").value(), -30);
  EXPECT_EQ(ParseHoursFlag("hours", "+1.05").value(), 63);
  EXPECT_EQ(ParseHoursFlag("hours", "24").value(), 1440);
  for (const char* bad : {"", "-", ".", "1.5.0", "полтора", "1h", "1e2", "1 5", "1234567"}) {
    absl::StatusOr<int32_t> minutes = ParseHoursFlag("hours", bad);
    ASSERT_FALSE(minutes.ok()) << bad;
    EXPECT_EQ(minutes.status().message().rfind("--hours: ", 0), 0u) << minutes.status().message();
  }
  absl::StatusOr<int32_t> third = ParseHoursFlag("hours", "1.01");
  ASSERT_FALSE(third.ok());
  EXPECT_NE(third.status().message().find("not a whole number of minutes (60.6)"),
            std::string::npos)
      << third.status().message();
}

TEST(HoursTest, DecimalHours) {
  EXPECT_EQ(DecimalHours(150), "2.5");
  EXPECT_EQ(DecimalHours(90), "1.5");
  EXPECT_EQ(DecimalHours(60), "1");
  EXPECT_EQ(DecimalHours(0), "0");
  EXPECT_EQ(DecimalHours(20), "0.33");
  EXPECT_EQ(DecimalHours(40), "0.67");
  EXPECT_EQ(DecimalHours(100), "1.67");
  EXPECT_EQ(DecimalHours(1), "0.02");
  EXPECT_EQ(DecimalHours(3), "0.05");
  EXPECT_EQ(DecimalHours(15), "0.25");
  EXPECT_EQ(DecimalHours(1440), "24");
  EXPECT_EQ(DecimalHours(-30), "-0.5");
  EXPECT_EQ(DecimalHours(-20), "-0.33");
  EXPECT_EQ(DecimalHours(123456), "2057.6");
}

TEST(HoursTest, BuildHoursRequests) {
  allies::v1::CreateHoursRequest create =
      BuildCreateHoursRequest(
          "obl/volunteers/petrova",
          Args({"--project", "libraries/obl/projects/readings", "--shift",
                "libraries/obl/projects/readings/shifts/s1", "--date", "2026-11-28", "--hours",
                "2.5", "--description", "Громкие чтения «Ёлка»", "--source", "import", "--id", "h1",
                "--request-id", "r1"}))
          .value();
  EXPECT_EQ(create.parent(), "libraries/obl/volunteers/petrova");
  EXPECT_EQ(create.hours_id(), "h1");
  EXPECT_EQ(create.request_id(), "r1");
  const allies::v1::HoursEntry& h = create.hours();
  EXPECT_EQ(h.project(), "libraries/obl/projects/readings");
  EXPECT_EQ(h.shift(), "libraries/obl/projects/readings/shifts/s1");
  EXPECT_EQ(FormatDate(h.work_date()), "2026-11-28");
  EXPECT_EQ(h.minutes(), 150);
  EXPECT_EQ(h.description(), "Громкие чтения «Ёлка»");
  EXPECT_EQ(h.source(), allies::v1::HoursEntry::IMPORT);

  // A correction takes minutes away.
  allies::v1::CreateHoursRequest correction =
      BuildCreateHoursRequest(
          "libraries/obl/volunteers/petrova",
          Args({"--project", "libraries/obl/projects/readings", "--date", "2026-11-28", "--minutes",
                "-30", "--corrects", "libraries/obl/volunteers/petrova/hours/h1"}))
          .value();
  EXPECT_EQ(correction.hours().minutes(), -30);
  EXPECT_EQ(correction.hours().corrects(), "libraries/obl/volunteers/petrova/hours/h1");

  const std::vector<std::string> base = {"--project", "libraries/o/projects/p", "--date",
                                         "2026-11-28"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> words = base;
    words.insert(words.end(), more.begin(), more.end());
    return BuildCreateHoursRequest("libraries/o/volunteers/v", Args(words)).status();
  };
  EXPECT_EQ(with({}).message(), "--minutes or --hours is required");
  EXPECT_EQ(with({"--minutes", "60", "--hours", "1"}).message(),
            "give the time as --minutes or --hours, not both");
  EXPECT_EQ(with({"--minutes", "час"}).message().rfind("--minutes", 0), 0u);
  EXPECT_EQ(with({"--hours", "1.01"}).message().rfind("--hours: ", 0), 0u);
  EXPECT_EQ(with({"--minutes", "60", "--date", "28.11.2026"}).message().rfind("--date: ", 0), 0u);
  EXPECT_EQ(BuildCreateHoursRequest("libraries/o/volunteers/v",
                                    Args({"--date", "2026-11-28", "--minutes", "60"}))
                .status()
                .message(),
            "--project is required");

  allies::v1::UpdateHoursRequest update =
      BuildUpdateHoursRequest("libraries/o/volunteers/v/hours/h",
                              Args({"--hours", "0.75", "--description", "", "--etag", "e1"}))
          .value();
  EXPECT_EQ(update.hours().name(), "libraries/o/volunteers/v/hours/h");
  EXPECT_EQ(update.hours().etag(), "e1");
  EXPECT_EQ(update.hours().minutes(), 45);
  EXPECT_EQ(Paths(update.update_mask()), (std::vector<std::string>{"minutes", "description"}));
  EXPECT_EQ(BuildUpdateHoursRequest("libraries/o/volunteers/v/hours/h",
                                    Args({"--minutes", "45", "--hours", "0.75"}))
                .status()
                .message(),
            "give the time as --minutes or --hours, not both");
  EXPECT_FALSE(BuildUpdateHoursRequest("libraries/o/volunteers/v/hours/h", Args({})).ok());

  allies::v1::RejectHoursRequest reject =
      BuildRejectHoursRequest(
          "libraries/o/volunteers/v/hours/h",
          Args({"--reason", "Не было смены", "--etag", "e2", "--request-id", "r2"}))
          .value();
  EXPECT_EQ(reject.name(), "libraries/o/volunteers/v/hours/h");
  EXPECT_EQ(reject.reason(), "Не было смены");
  EXPECT_EQ(reject.etag(), "e2");
  EXPECT_EQ(reject.request_id(), "r2");
  for (const std::vector<std::string>& words :
       {std::vector<std::string>{}, std::vector<std::string>{"--reason", " "}}) {
    EXPECT_EQ(BuildRejectHoursRequest("libraries/o/volunteers/v/hours/h", Args(words))
                  .status()
                  .message()
                  .rfind("--reason is required", 0),
              0u);
  }
}

TEST(HoursTest, BuildPeriodRequests) {
  allies::v1::GetRecordBookRequest all =
      BuildRecordBookRequest("obl/volunteers/petrova", Args({})).value();
  EXPECT_EQ(all.volunteer(), "libraries/obl/volunteers/petrova");
  EXPECT_FALSE(all.has_start_date());
  EXPECT_FALSE(all.has_end_date());
  allies::v1::GetRecordBookRequest year =
      BuildRecordBookRequest("libraries/obl/volunteers/petrova",
                             Args({"--from", "2026-01-01", "--to", "2026-12-31"}))
          .value();
  EXPECT_EQ(FormatDate(year.start_date()), "2026-01-01");
  EXPECT_EQ(FormatDate(year.end_date()), "2026-12-31");
  EXPECT_TRUE(BuildRecordBookRequest("libraries/o/volunteers/v", Args({"--to", "2026-12-31"}))
                  ->has_end_date());
  EXPECT_EQ(BuildRecordBookRequest("libraries/o/volunteers/v", Args({"--from", "2026-13-01"}))
                .status()
                .message()
                .rfind("--from: ", 0),
            0u);
  EXPECT_EQ(BuildRecordBookRequest("libraries/o/volunteers/v",
                                   Args({"--from", "2026-12-31", "--to", "2026-01-01"}))
                .status()
                .message(),
            "--to must not be before --from");

  allies::v1::ListApprovedHoursRequest rows =
      BuildApprovedHoursRequest("obl", Args({"--from", "2026-01-01", "--to", "2026-12-31"}))
          .value();
  EXPECT_EQ(rows.parent(), "libraries/obl");
  EXPECT_EQ(FormatDate(rows.start_date()), "2026-01-01");
  EXPECT_EQ(FormatDate(rows.end_date()), "2026-12-31");
  EXPECT_EQ(BuildApprovedHoursRequest("-", Args({"--from", "2026-01-01", "--to", "2026-01-01"}))
                ->parent(),
            "libraries/-");
  EXPECT_EQ(BuildApprovedHoursRequest("obl", Args({"--from", "2026-01-01"})).status().message(),
            "--to is required");
  EXPECT_EQ(BuildApprovedHoursRequest("obl", Args({"--to", "2026-01-01"})).status().message(),
            "--from is required");
  EXPECT_EQ(BuildApprovedHoursRequest("obl/volunteers/v",
                                      Args({"--from", "2026-01-01", "--to", "2026-01-31"}))
                .status()
                .message()
                .rfind("PARENT must be a library", 0),
            0u);
}

TEST(HoursTest, Tables) {
  google::protobuf::RepeatedPtrField<allies::v1::HoursEntry> hours;
  allies::v1::HoursEntry* h = hours.Add();
  h->set_name("libraries/o/volunteers/v/hours/h1");
  *h->mutable_work_date() = ParseDateFlag("date", "2026-11-28").value();
  h->set_minutes(150);
  h->set_project("libraries/o/projects/p");
  h->set_source(allies::v1::HoursEntry::STAFF);
  h->set_state(allies::v1::HoursEntry::APPROVED);
  const Table table = HoursTable(hours);
  EXPECT_EQ(table.headers, (std::vector<std::string>{"NAME", "DATE", "MINUTES", "HOURS", "PROJECT",
                                                     "SOURCE", "STATE", "CORRECTS"}));
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{
                               "libraries/o/volunteers/v/hours/h1", "2026-11-28", "150", "2.5",
                               "libraries/o/projects/p", "STAFF", "APPROVED", "<none>"}));

  allies::v1::RecordBook book;
  book.set_volunteer("libraries/o/volunteers/v");
  book.set_full_name("Петрова Анна Сергеевна");
  book.set_dobro_id("12345678");
  book.set_organizer("Областная библиотека");
  *book.mutable_start_date() = ParseDateFlag("from", "2026-01-01").value();
  book.set_total_minutes(120);
  book.set_no_shows(1);
  auto* e = book.add_entries();
  e->set_hours("libraries/o/volunteers/v/hours/h1");
  *e->mutable_work_date() = ParseDateFlag("date", "2026-11-28").value();
  e->set_project("libraries/o/projects/p");
  e->set_project_title("Громкие чтения");
  e->set_minutes(150);
  e->set_description("Читала, \"Ёлка\"");
  e->set_confirmed_by("apiKeys/k1");
  e->set_confirmed_by_name("Координатор");
  *e->mutable_confirm_time() = ParseTimestampFlag("t", "2026-11-29T09:00:00Z").value();
  auto* c = book.add_entries();
  c->set_hours("libraries/o/volunteers/v/hours/h2");
  *c->mutable_work_date() = ParseDateFlag("date", "2026-11-28").value();
  c->set_project("libraries/o/projects/p");
  c->set_project_title("Громкие чтения");
  c->set_minutes(-30);
  c->set_corrects("libraries/o/volunteers/v/hours/h1");
  auto* t = book.add_totals();
  t->set_project("libraries/o/projects/p");
  t->set_project_title("Громкие чтения");
  t->set_year(2026);
  t->set_minutes(120);
  t->set_entries(2);
  const std::string text = RecordBookText(book);
  for (const char* want :
       {"Volunteer:   Петрова Анна Сергеевна (libraries/o/volunteers/v)\n",
        "Dobro.rf id: 12345678\n", "Period:      from 2026-01-01 to today\n",
        "Approved:    2 hours (120 minutes) in 2 entries\n", "No-shows:    1\n",
        "DATE         ENTRY   HOURS   PROJECT          DESCRIPTION      CONFIRMED BY   CONFIRMED"
        "              CORRECTS\n",
        "2026-11-28   h1      2.5     Громкие чтения   Читала, \"Ёлка\"   Координатор    "
        "2026-11-29T09:00:00Z   <none>\n",
        "2026-11-28   h2      -0.5    Громкие чтения   <none>           <none>         <none>"
        "                 h1\n",
        "Totals:\n", "2026   Громкие чтения   2       120       2\n"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\nin:\n" << text;
  }
  EXPECT_NE(text.find("2026-11-29T09:00:00Z"), std::string::npos) << text;
  const Table csv = RecordBookCsvTable(book);
  EXPECT_EQ(csv.headers,
            (std::vector<std::string>{"date", "minutes", "hours", "project_title", "project",
                                      "description", "confirmed_by_name", "confirmed_by",
                                      "confirm_time", "corrects", "entry"}));
  EXPECT_EQ(RenderCsv(csv).substr(RenderCsv(csv).find("\r\n") + 2),
            "2026-11-28,150,2.5,Громкие чтения,libraries/o/projects/p,\"Читала, \"\"Ёлка\"\"\","
            "Координатор,apiKeys/k1,2026-11-29T09:00:00Z,,libraries/o/volunteers/v/hours/h1\r\n"
            "2026-11-28,-30,-0.5,Громкие чтения,libraries/o/projects/p,,,,,"
            "libraries/o/volunteers/v/hours/h1,"
            "libraries/o/volunteers/v/hours/h2\r\n");

  allies::v1::RecordBook empty;
  empty.set_volunteer("libraries/o/volunteers/w");
  EXPECT_NE(RecordBookText(empty).find("No approved hours in the period."), std::string::npos);
  EXPECT_NE(RecordBookText(empty).find("from the first entry to today"), std::string::npos);
}

TEST(HoursTest, DobroCsv) {
  EXPECT_EQ(CsvLine(DobroCsvHeader(), ','),
            "dobro_id,family_name,given_name,patronymic,date,hours,project,organizer,"
            "description\r\n");
  allies::v1::ApprovedHoursRow row;
  row.set_dobro_id("12345678");
  row.set_family_name("Петрова");
  row.set_given_name("Анна");
  row.set_patronymic("Сергеевна");
  *row.mutable_work_date() = ParseDateFlag("date", "2026-11-28").value();
  row.set_minutes(150);
  row.set_project("libraries/o/projects/p");
  row.set_project_title("Громкие чтения, «Ёлка»");
  row.set_organizer("Библиотека им. \"Ё\"");
  row.set_description("две\nстроки");
  EXPECT_EQ(CsvLine(DobroCsvCells(row), ','),
            "12345678,Петрова,Анна,Сергеевна,2026-11-28,2.5,\"Громкие чтения, «Ёлка»\","
            "\"Библиотека им. \"\"Ё\"\"\",\"две\nстроки\"\r\n");
  row.clear_project_title();
  row.set_minutes(20);
  EXPECT_EQ(DobroCsvCells(row)[5], "0.33");
  EXPECT_EQ(DobroCsvCells(row)[6], "libraries/o/projects/p");
}

TEST(VolunteerRecordsTest, BuildExpiringRequests) {
  allies::v1::ListExpiringQualificationsRequest all =
      BuildExpiringQualificationsRequest("", Args({})).value();
  EXPECT_EQ(all.parent(), "libraries/-/volunteers/-");
  EXPECT_EQ(all.within_days(), 30);
  allies::v1::ListExpiringQualificationsRequest library =
      BuildExpiringQualificationsRequest("obl", Args({"--within-days", "7"})).value();
  EXPECT_EQ(library.parent(), "libraries/obl/volunteers/-");
  EXPECT_EQ(library.within_days(), 7);
  EXPECT_EQ(BuildExpiringQualificationsRequest("obl", Args({"--within-days", "неделя"}))
                .status()
                .message()
                .rfind("--within-days", 0),
            0u);
  allies::v1::ListExpiringVolunteerAgreementsRequest one =
      BuildExpiringVolunteerAgreementsRequest("libraries/obl/volunteers/v",
                                              Args({"--within-days", "0"}))
          .value();
  EXPECT_EQ(one.parent(), "libraries/obl/volunteers/v");
  EXPECT_EQ(one.within_days(), 0);
  EXPECT_EQ(BuildExpiringVolunteerAgreementsRequest("-", Args({}))->parent(),
            "libraries/-/volunteers/-");
}

TEST(RunCliTest, HelpListsSchedulesHoursAndTheRecordBook) {
  const std::string help = RunCtl({"help"}).out;
  for (const char* word : {"schedules", "get, list, create, update, delete", "hours",
                           "get, list, create, update, delete, undelete, approve, reject, export",
                           "record-book", "qualifications", "undelete, expiring"}) {
    EXPECT_NE(help.find(word), std::string::npos) << word;
  }
  CliResult schedule = RunCtl({"schedule", "create", "--help"});  // Alias.
  EXPECT_EQ(schedule.code, 0);
  for (const char* flag : {"--rule RRULE", "--start-date DATE", "--start-time HH:MM",
                           "--duration-minutes MINUTES", "--capacity N", "--waitlist-mode MODE",
                           "--place TEXT", "--notes TEXT", "--horizon-days DAYS"}) {
    EXPECT_NE(schedule.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(RunCtl({"schedules", "delete", "-h"}).out.find("--force"), std::string::npos);
  CliResult hours = RunCtl({"hours", "create", "--help"});
  for (const char* flag :
       {"--project PROJECT", "--shift SHIFT", "--date DATE", "--minutes MINUTES", "--hours HOURS",
        "--description TEXT", "--source SOURCE", "--corrects ENTRY"}) {
    EXPECT_NE(hours.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(RunCtl({"hours", "update", "-h"}).out.find("--corrects ENTRY"), std::string::npos);
  CliResult dobro = RunCtl({"hours", "export", "--help"});
  EXPECT_NE(dobro.out.find("dobro_id,family_name,given_name,patronymic,date,hours,project,"
                           "organizer,description"),
            std::string::npos)
      << dobro.out;
  for (const char* flag : {"--from DATE", "--to DATE", "--file OUT.csv"}) {
    EXPECT_NE(dobro.out.find(flag), std::string::npos) << flag;
  }
  CliResult book = RunCtl({"volunteers", "record-book", "-h"});
  EXPECT_EQ(book.code, 0);
  EXPECT_NE(book.out.find(kRecordBookCsvColumns), std::string::npos) << book.out;
  EXPECT_NE(RunCtl({"qualifications", "expiring", "-h"}).out.find("--within-days DAYS"),
            std::string::npos);
  EXPECT_NE(RunCtl({"vagreements", "expiring", "-h"}).out.find("--within-days DAYS"),
            std::string::npos);
}

TEST(RunCliTest, ScheduleAndHoursUsageErrorsExitTwo) {
  EXPECT_EQ(RunCtl({"schedules", "create", "libraries/o/projects/p", "--rule", "FREQ=WEEKLY",
                    "--start-date", "2026-12-05", "--start-time", "25:00", "--duration-minutes",
                    "60", "--capacity", "1"})
                .code,
            2);
  EXPECT_EQ(RunCtl({"schedules", "update", "libraries/o/projects/p/schedules/s"}).code, 2);
  EXPECT_EQ(RunCtl({"schedules", "undelete", "a"}).code, 2);  // No such verb.
  CliResult reject = RunCtl({"hours", "reject", "libraries/o/volunteers/v/hours/h"});
  EXPECT_EQ(reject.code, 2);
  EXPECT_NE(reject.err.find("--reason is required"), std::string::npos) << reject.err;
  EXPECT_EQ(RunCtl({"hours", "create", "libraries/o/volunteers/v", "--project",
                    "libraries/o/projects/p", "--date", "2026-11-28"})
                .code,
            2);
  EXPECT_EQ(
      RunCtl({"hours", "create", "libraries/o/volunteers/v", "--project", "libraries/o/projects/p",
              "--date", "2026-11-28", "--hours", "1", "--minutes", "60"})
          .code,
      2);
  EXPECT_EQ(RunCtl({"hours", "export", "obl", "--from", "2026-01-01"}).code, 2);
  EXPECT_EQ(RunCtl({"hours", "export", "--from", "2026-01-01", "--to", "2026-12-31"}).code, 2);
  EXPECT_EQ(RunCtl({"hours", "export", "obl", "--from", "2026-01-01", "--to", "2026-12-31",
                    "--file", "x.csv", "-o", "json"})
                .code,
            2);
  EXPECT_EQ(
      RunCtl({"volunteers", "record-book", "libraries/o/volunteers/v", "--from", "вчера"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteers", "record-book"}).code, 2);
  EXPECT_EQ(RunCtl({"qualifications", "expiring", "--within-days", "x"}).code, 2);
  EXPECT_EQ(RunCtl({"volunteer-agreements", "expiring", "a", "b"}).code, 2);
}

}  // namespace
}  // namespace allies::ctl
