// Unit tests of alliesctl's pure logic: display width, table rendering,
// argument parsing, request building, error rendering and dispatch of usage
// errors (no server needed).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "clients/alliesctl/args.h"
#include "clients/alliesctl/cli.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/output.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace allies::ctl {
namespace {

using allies::v1::Library;

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
  EXPECT_FALSE(ParseOutputFormat("xml").ok());
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
  EXPECT_EQ(std::vector<std::string>(request.update_mask().paths().begin(),
                                     request.update_mask().paths().end()),
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

}  // namespace
}  // namespace allies::ctl

namespace allies::ctl {
namespace {

TEST(YamlTest, ConvertsNestedJson) {
  auto yaml = JsonToYaml(R"({
 "name": "libraries/oblast",
 "displayName": "Областная \"Ё\" библиотека",
 "kind": "REGIONAL",
 "count": 3,
 "empty": [],
 "tags": ["a", "b"],
 "libraries": [{"name": "libraries/a", "kind": "BRANCH"}, {"name": "libraries/b"}],
 "nested": {"inner": {"deep": true}}
})");
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  EXPECT_EQ(*yaml,
            "name: \"libraries/oblast\"\n"
            "displayName: \"Областная \\\"Ё\\\" библиотека\"\n"
            "kind: \"REGIONAL\"\n"
            "count: 3\n"
            "empty: []\n"
            "tags:\n"
            "- \"a\"\n"
            "- \"b\"\n"
            "libraries:\n"
            "- name: \"libraries/a\"\n"
            "  kind: \"BRANCH\"\n"
            "- name: \"libraries/b\"\n"
            "nested:\n"
            "  inner:\n"
            "    deep: true\n");
  EXPECT_EQ(*JsonToYaml("{}"), "{}\n");
  EXPECT_FALSE(JsonToYaml("{\"a\": }").ok());
  EXPECT_FALSE(JsonToYaml("[1, 2").ok());
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

}  // namespace
}  // namespace allies::ctl
