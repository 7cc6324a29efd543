#include "clients/alliesctl/volunteer_csv.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "allies/v1/consent.grpc.pb.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "api/contact_points.h"
#include "api/utf8.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::Consent;
using allies::v1::ConsentService;
using allies::v1::ImportedVolunteer;
using allies::v1::ImportResult;
using allies::v1::ImportVolunteersRequest;
using allies::v1::ImportVolunteersResponse;
using allies::v1::Volunteer;
using allies::v1::VolunteerService;

// What ImportVolunteers takes in one request.
constexpr size_t kMaxBatchRows = 1000;
// A batch is cut when its rows pass this many encoded bytes, well under gRPC's 4 MB message
// limit; a row larger than kMaxRowBytes cannot be sent at all.
constexpr size_t kMaxBatchBytes = 2 * 1024 * 1024;
constexpr size_t kMaxRowBytes = 3 * 1024 * 1024;
// The page size of the export's List calls (the server's maximum).
constexpr int kExportPageSize = 1000;
// The deadline of each import batch and export page when --timeout is not given.
constexpr double kBulkTimeoutSeconds = 300;

// libcsv's parser states (libcsv.c).
constexpr int kCsvRowNotBegun = 0;
constexpr int kCsvFieldBegun = 2;

const char kUtf8Bom[] = "\xEF\xBB\xBF";

// The data categories of the consent a row carries.
const std::vector<std::string>& ImportConsentCategories() {
  static const auto* const categories =
      new std::vector<std::string>{"ФИО", "дата рождения", "контактные данные"};
  return *categories;
}

// 1-based line of byte `offset` of `text`.
int64_t LineOf(absl::string_view text, size_t offset) {
  return 1 + std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n');
}

// ---- libcsv callbacks ----

struct ParseState {
  CsvFile* file;
  std::vector<std::string> cells;
  int64_t line = 0;          // The physical line being fed.
  int64_t record_start = 0;  // Where the record being read started.
  bool between_records = true;
};

void OnCell(void* data, size_t len, void* state) {
  auto* s = static_cast<ParseState*>(state);
  s->cells.emplace_back(data == nullptr ? "" : std::string(static_cast<const char*>(data), len));
}

void OnRecordEnd(int, void* state) {
  auto* s = static_cast<ParseState*>(state);
  CsvRecord record;
  record.line = s->between_records ? s->line : s->record_start;
  record.cells = std::move(s->cells);
  s->cells.clear();
  s->file->records.push_back(std::move(record));
  s->between_records = true;
}

// ---- Enumerations written in words ----

struct EnumWords {
  const google::protobuf::EnumDescriptor* type;
  // Folded word -> value (the value names themselves are always accepted).
  std::map<std::string, int> aliases;
  std::string noun;
  std::string alias_help;
};

const EnumWords& ChannelWords() {
  static const auto* const words =
      new EnumWords{Volunteer::Channel_descriptor(),
                    {{FoldCsvHeader("e-mail"), Volunteer::EMAIL},
                     {FoldCsvHeader("эл. почта"), Volunteer::EMAIL},
                     {FoldCsvHeader("электронная почта"), Volunteer::EMAIL},
                     {FoldCsvHeader("телефон"), Volunteer::PHONE},
                     {FoldCsvHeader("звонок"), Volunteer::PHONE},
                     {FoldCsvHeader("смс"), Volunteer::SMS},
                     {FoldCsvHeader("мессенджер"), Volunteer::MESSENGER},
                     {FoldCsvHeader("письмо"), Volunteer::MAIL}},
                    "channel",
                    "эл. почта, телефон, смс, мессенджер, письмо"};
  return *words;
}

const EnumWords& RelationWords() {
  static const auto* const words =
      new EnumWords{Consent::Relation_descriptor(),
                    {{FoldCsvHeader("родитель"), Consent::PARENT},
                     {FoldCsvHeader("мать"), Consent::PARENT},
                     {FoldCsvHeader("отец"), Consent::PARENT},
                     {FoldCsvHeader("усыновитель"), Consent::ADOPTIVE_PARENT},
                     {FoldCsvHeader("опекун"), Consent::GUARDIAN},
                     {FoldCsvHeader("попечитель"), Consent::TRUSTEE},
                     {FoldCsvHeader("другой представитель"), Consent::OTHER_REPRESENTATIVE}},
                    "representative relation",
                    "родитель, мать, отец, усыновитель, опекун, попечитель, другой представитель"};
  return *words;
}

absl::StatusOr<int> ParseEnumWord(const EnumWords& words, absl::string_view cell) {
  const std::string folded = FoldCsvHeader(cell);
  for (int i = 0; i < words.type->value_count(); ++i) {
    const auto* value = words.type->value(i);
    if (value->number() != 0 && FoldCsvHeader(value->name()) == folded) return value->number();
  }
  if (auto it = words.aliases.find(folded); it != words.aliases.end()) return it->second;
  return absl::InvalidArgumentError(absl::StrCat("\"", cell, "\" is not a ", words.noun, ": want ",
                                                 EnumValueNames(*words.type), " (or ",
                                                 words.alias_help, ")"));
}

std::string EnumCell(const google::protobuf::EnumDescriptor& type, int number) {
  return number == 0 ? "" : EnumName(type, number);
}

// "family_name (Фамилия), given_name (Имя), ...", broken into lines of at most about 88
// columns, each line after the first starting with `indent`.
std::string KnownColumnsHelp(absl::string_view indent = "  ") {
  std::string out;
  size_t width = 0;
  const auto& columns = VolunteerCsvColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string part = absl::StrCat(columns[i].name, " (", columns[i].aliases.front(), ")",
                                    i + 1 < columns.size() ? "," : "");
    const size_t part_width = DisplayWidth(part);
    if (width > 0 && width + 1 + part_width > 88) {
      absl::StrAppend(&out, "\n", indent);
      width = indent.size();
    } else if (width > 0) {
      out += ' ';
      ++width;
    }
    out += part;
    width += part_width;
  }
  return out;
}

std::string RequiredColumnsHelp() {
  std::vector<std::string> parts;
  for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) {
    if (info.required) parts.push_back(info.name);
  }
  return absl::StrJoin(parts, ", ");
}

const VolunteerColumnInfo& InfoOf(VolunteerColumn column) {
  return VolunteerCsvColumns()[static_cast<size_t>(column)];
}

google::protobuf::Timestamp StartOfDayUtc(const google::type::Date& date) {
  const absl::Time time =
      absl::FromCivil(absl::CivilDay(date.year(), date.month(), date.day()), absl::UTCTimeZone());
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(time));
  return ts;
}

std::string DayUtc(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(ts.seconds()), absl::UTCTimeZone());
}

// ---- import ----

struct PendingRow {
  size_t record;  // Index of its record among the data records.
  ImportedVolunteer row;
};

ImportResult ClientFailure(int64_t line, std::string reason, std::string message) {
  ImportResult result;
  result.set_line(line);
  result.set_outcome(ImportResult::FAILED);
  result.set_reason(std::move(reason));
  result.set_message(std::move(message));
  return result;
}

void CountClientFailure(ImportResult result, ImportVolunteersResponse* response) {
  response->set_failed(response->failed() + 1);
  *response->add_results() = std::move(result);
}

void SortResultsByLine(ImportVolunteersResponse* response) {
  std::stable_sort(
      response->mutable_results()->begin(), response->mutable_results()->end(),
      [](const ImportResult& a, const ImportResult& b) { return a.line() < b.line(); });
}

// Prints the results of an import (possibly cut short) and returns the exit code for them.
int PrintImport(Invocation& inv, ImportVolunteersResponse& response, bool dry_run) {
  SortResultsByLine(&response);
  const Table table = ImportResultsTable(response);
  const std::string summary = ImportSummary(response, dry_run);
  int code = kExitOk;
  switch (inv.options().output) {
    case OutputFormat::kTable:
      if (!table.rows.empty()) inv.out() << RenderTable(table, inv.options().table_width);
      inv.out() << summary << "\n";
      inv.out().flush();
      break;
    case OutputFormat::kCsv:
      code = inv.Print(response, table);
      inv.err() << summary << "\n";
      break;
    default:
      code = inv.Print(response, table);
      inv.err() << summary << "\n";
      break;
  }
  if (code != kExitOk) return code;
  return response.failed() > 0 ? kExitInvalidArgument : kExitOk;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  }
  return bytes.str();
}

// A problem with the file as a whole: a usage error, without the long usage text.
int FileError(Invocation& inv, absl::string_view message) {
  inv.err() << "error: " << message << "\n(see 'alliesctl volunteers import --help')\n";
  return kExitUsage;
}

int RunImport(Invocation& inv) {
  const std::string parent = NormalizeLibraryName(inv.operands()[0]);
  const std::string& path = inv.operands()[1];
  if (parent == "libraries/-") {
    return inv.UsageError("import into one library: give its name, not -");
  }
  const ParsedArgs& args = inv.args();
  CsvEncoding encoding = CsvEncoding::kAuto;
  if (std::optional<std::string> value = args.Get("encoding")) {
    absl::StatusOr<CsvEncoding> parsed = ParseCsvEncoding(*value);
    if (!parsed.ok()) return inv.UsageError(parsed.status().message());
    encoding = *parsed;
  }
  std::optional<char> delimiter;
  if (std::optional<std::string> value = args.Get("delimiter")) {
    absl::StatusOr<std::optional<char>> parsed = ParseCsvDelimiter(*value);
    if (!parsed.ok()) return inv.UsageError(parsed.status().message());
    delimiter = *parsed;
  }
  ImportVolunteersRequest::OnMatch on_match = ImportVolunteersRequest::REPORT;
  if (std::optional<std::string> value = args.Get("on-match")) {
    const std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(*value));
    if (word == "update") {
      on_match = ImportVolunteersRequest::UPDATE;
    } else if (word != "report") {
      return inv.UsageError(
          absl::StrCat("--on-match: unknown value \"", *value, "\" (want report or update)"));
    }
  }
  size_t batch_size = kMaxBatchRows;
  if (std::optional<std::string> value = args.Get("batch-size")) {
    absl::StatusOr<int32_t> parsed = ParseInt32Flag("batch-size", *value);
    if (!parsed.ok()) return inv.UsageError(parsed.status().message());
    if (*parsed < 1 || *parsed > static_cast<int32_t>(kMaxBatchRows)) {
      return inv.UsageError(
          absl::StrCat("--batch-size: must be 1-", kMaxBatchRows, ", got ", *parsed));
    }
    batch_size = static_cast<size_t>(*parsed);
  }
  const bool dry_run = args.GetBool("dry-run");

  absl::StatusOr<std::string> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return FileError(inv, bytes.status().message());
  absl::StatusOr<std::string> text = DecodeCsvBytes(*bytes, encoding);
  if (!text.ok()) return FileError(inv, absl::StrCat(path, ": ", text.status().message()));
  bytes->clear();
  bytes->shrink_to_fit();
  const char delim = delimiter.value_or(DetectCsvDelimiter(*text));
  CsvFile file = ParseCsv(*text, delim);
  text->clear();
  text->shrink_to_fit();
  if (file.unterminated_quote_line) {
    return FileError(inv, absl::StrCat(path, ": line ", *file.unterminated_quote_line,
                                       ": a quoted cell starts here and is never closed (a "
                                       "missing \"?); nothing was imported"));
  }
  if (file.records.empty()) {
    return FileError(inv, absl::StrCat(path, " is empty: want a header row and volunteers"));
  }
  absl::StatusOr<VolunteerCsvHeader> header = MapVolunteerCsvHeader(file.records[0].cells);
  if (!header.ok()) {
    return FileError(inv, absl::StrCat(path, ": ", header.status().message()));
  }

  // The rows to send, and those the client reports itself.
  ImportVolunteersResponse merged;
  std::vector<PendingRow> pending;
  const size_t total = file.records.size() - 1;
  for (size_t i = 1; i < file.records.size(); ++i) {
    BuiltImportRow built = BuildImportRow(*header, file.records[i], delim);
    file.records[i].cells.clear();
    file.records[i].cells.shrink_to_fit();
    if (!built.row) {
      CountClientFailure(std::move(built.failure), &merged);
      continue;
    }
    const size_t size = built.row->ByteSizeLong();
    if (size > kMaxRowBytes) {
      CountClientFailure(
          ClientFailure(built.row->line(), "ROW_TOO_LARGE",
                        absl::StrFormat("not sent: the row is %.1f MB, more than a request may "
                                        "carry (%.0f MB)",
                                        size / 1048576.0, kMaxRowBytes / 1048576.0)),
          &merged);
      continue;
    }
    pending.push_back({i - 1, *std::move(built.row)});
  }
  file.records.clear();

  std::vector<size_t> sizes;
  sizes.reserve(pending.size());
  for (const PendingRow& p : pending) sizes.push_back(p.row.ByteSizeLong());
  const std::vector<std::pair<size_t, size_t>> batches =
      PlanImportBatches(sizes, batch_size, kMaxBatchBytes);

  std::unique_ptr<VolunteerService::Stub> stub = VolunteerService::NewStub(inv.Channel());
  RowProgress progress(inv, total);
  for (const auto& [begin, end] : batches) {
    ImportVolunteersRequest request;
    request.set_parent(parent);
    request.set_on_match(on_match);
    request.set_dry_run(dry_run);
    for (size_t i = begin; i < end; ++i) *request.add_rows() = std::move(pending[i].row);
    grpc::ClientContext context;
    PrepareBulkContext(inv, &context);
    ImportVolunteersResponse response;
    const grpc::Status status = stub->ImportVolunteers(&context, request, &response);
    if (!status.ok()) {
      progress.Done();
      const int code = inv.RpcFailed(status);
      inv.err() << "error: stopped at line " << request.rows(0).line() << ": the rows from there on"
                << " were not imported"
                << (begin > 0 && !dry_run ? " (the rows before it were)" : "") << "\n";
      PrintImport(inv, merged, dry_run);
      return code;
    }
    MergeImportResponse(response, &merged);
    progress.Show(end == pending.size() ? total : pending[end].record);
  }
  progress.Done();
  return PrintImport(inv, merged, dry_run);
}

// ---- export ----

template <typename Request, typename Response, typename Call, typename Each>
int ListAll(Invocation& inv, Request request, Call call, Each each) {
  request.set_page_size(kExportPageSize);
  while (true) {
    grpc::ClientContext context;
    PrepareBulkContext(inv, &context);
    Response page;
    const grpc::Status status = call(&context, request, &page);
    if (!status.ok()) return inv.RpcFailed(status);
    each(page);
    if (page.next_page_token().empty()) return kExitOk;
    if (page.next_page_token() == request.page_token()) {
      inv.err() << "error: the server returned the same page token twice\n";
      return kExitError;
    }
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace

// ---- Long runs ----

void PrepareBulkContext(const Invocation& inv, grpc::ClientContext* context) {
  inv.PrepareContext(context);
  if (!inv.args().Has("timeout")) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(static_cast<int>(kBulkTimeoutSeconds)));
  }
}

RowProgress::RowProgress(Invocation& inv, size_t total)
    : err_(inv.err()),
      enabled_(&inv.err() == &std::cerr && isatty(STDERR_FILENO) == 1),
      total_(total),
      start_(std::chrono::steady_clock::now()) {}

void RowProgress::Show(size_t done) {
  if (!enabled_) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? done / seconds : 0;
  // "\x1b[K" clears what a longer line before left.
  if (total_ > 0) {
    err_ << absl::StrFormat("\r%d/%d rows (%d%%) %.0f rows/s\x1b[K", done, total_,
                            done * 100 / total_, rate);
  } else {
    err_ << absl::StrFormat("\r%d rows so far, %.0f rows/s\x1b[K", done, rate);
  }
  err_ << std::flush;
  shown_ = true;
}

void RowProgress::Done() {
  if (shown_) err_ << "\n" << std::flush;
  shown_ = false;
}

// ---- Text encoding ----

absl::StatusOr<CsvEncoding> ParseCsvEncoding(absl::string_view value) {
  const std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  if (word == "auto") return CsvEncoding::kAuto;
  if (word == "utf-8" || word == "utf8") return CsvEncoding::kUtf8;
  if (word == "windows-1251" || word == "cp1251" || word == "cp-1251") {
    return CsvEncoding::kWindows1251;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--encoding: unknown value \"", value, "\" (want auto, utf-8 or windows-1251)"));
}

bool IsValidUtf8(absl::string_view bytes, size_t* bad_offset) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    // ASCII runs without decoding.
    if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const size_t start = pos;
    if (api::DecodeUtf8(bytes, &pos) < 0) {
      if (bad_offset != nullptr) *bad_offset = start;
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::string> Windows1251ToUtf8(absl::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1251");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::InternalError(
        absl::StrCat("iconv cannot convert from WINDOWS-1251: ", strerror(errno)));
  }
  // Every byte becomes at most 3 bytes of UTF-8 (U+FFFD included).
  std::string out(bytes.size() * 3, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* to = out.data();
  size_t to_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &to, &to_left) != static_cast<size_t>(-1)) break;
    if (errno == EILSEQ || errno == EINVAL) {
      // A byte the code page leaves undefined.
      static constexpr char kReplacement[] = "\xEF\xBF\xBD";
      std::copy(kReplacement, kReplacement + 3, to);
      to += 3;
      to_left -= 3;
      ++in;
      --in_left;
      continue;
    }
    const int error = errno;
    iconv_close(cd);
    return absl::InternalError(absl::StrCat("iconv: ", strerror(error)));
  }
  iconv_close(cd);
  out.resize(out.size() - to_left);
  return out;
}

absl::StatusOr<std::string> DecodeCsvBytes(absl::string_view bytes, CsvEncoding encoding,
                                           CsvEncoding* used) {
  if (absl::StartsWith(bytes, "\xFF\xFE") || absl::StartsWith(bytes, "\xFE\xFF")) {
    return absl::InvalidArgumentError(
        "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" or \"CSV "
        "(разделители - точка с запятой)\"");
  }
  absl::string_view utf8 = bytes;
  absl::ConsumePrefix(&utf8, kUtf8Bom);
  size_t bad = 0;
  const bool valid = IsValidUtf8(utf8, &bad);
  if (encoding == CsvEncoding::kUtf8 && !valid) {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", LineOf(utf8, bad), " is not valid UTF-8 (try --encoding windows-1251 or auto)"));
  }
  if (encoding == CsvEncoding::kUtf8 || (encoding == CsvEncoding::kAuto && valid)) {
    if (used != nullptr) *used = CsvEncoding::kUtf8;
    return std::string(utf8);
  }
  if (used != nullptr) *used = CsvEncoding::kWindows1251;
  return Windows1251ToUtf8(bytes);
}

// ---- Reading CSV ----

absl::StatusOr<std::optional<char>> ParseCsvDelimiter(absl::string_view value) {
  const std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  if (word == "auto") return std::optional<char>();
  if (word == ";" || word == "semicolon") return std::optional<char>(';');
  if (word == "," || word == "comma") return std::optional<char>(',');
  return absl::InvalidArgumentError(
      absl::StrCat("--delimiter: unknown value \"", value, "\" (want auto, ';' or ',')"));
}

char DetectCsvDelimiter(absl::string_view text) {
  const absl::string_view first = text.substr(0, text.find_first_of("\r\n"));
  const auto semicolons = std::count(first.begin(), first.end(), ';');
  const auto commas = std::count(first.begin(), first.end(), ',');
  return commas > semicolons ? ',' : ';';
}

CsvFile ParseCsv(absl::string_view text, char delimiter) {
  CsvFile file;
  csv_parser parser;
  csv_init(&parser, 0);
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  // Large cells grow the buffer in big steps, not libcsv's default 128 bytes.
  csv_set_blk_size(&parser, 64 * 1024);
  ParseState state;
  state.file = &file;
  // Fed one physical line at a time (ending at LF, CRLF or a lone CR), so that each record
  // knows the line it starts on: the first line after the last record that leaves the parser
  // inside a record.
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == absl::string_view::npos) {
      end = text.size();
    } else if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') {
      end += 2;
    } else {
      end += 1;
    }
    ++state.line;
    csv_parse(&parser, text.data() + pos, end - pos, OnCell, OnRecordEnd, &state);
    if (state.between_records && parser.pstate != kCsvRowNotBegun) {
      state.record_start = state.line;
      state.between_records = false;
    }
    pos = end;
  }
  if (parser.pstate == kCsvFieldBegun && parser.quoted) {
    file.unterminated_quote_line = state.record_start;
  } else {
    csv_fini(&parser, OnCell, OnRecordEnd, &state);
  }
  csv_free(&parser);
  return file;
}

// ---- Columns ----

const std::vector<VolunteerColumnInfo>& VolunteerCsvColumns() {
  using C = VolunteerColumn;
  static const auto* const columns = new std::vector<VolunteerColumnInfo>{
      {C::kFamilyName, "family_name", {"Фамилия", "last_name", "surname"}, true},
      {C::kGivenName, "given_name", {"Имя", "first_name"}, true},
      {C::kPatronymic, "patronymic", {"Отчество", "middle_name"}},
      {C::kBirthDate, "birth_date", {"Дата рождения", "birthday", "birthdate"}, true},
      {C::kEmail,
       "email",
       {"E-mail", "emails", "Эл. почта", "Электронная почта", "Эл. адрес"},
       false,
       true},
      {C::kPhone,
       "phone",
       {"Телефон", "phones", "Телефоны", "Тел.", "Мобильный телефон"},
       false,
       true},
      {C::kCity, "city", {"Город", "Населенный пункт"}},
      {C::kSkills, "skills", {"Навыки", "skill"}, false, true},
      {C::kInterests, "interests", {"Интересы", "interest"}, false, true},
      {C::kLanguages, "languages", {"Языки", "language"}, false, true},
      {C::kDobroId, "dobro_id", {"Добро ID", "ID Добро.рф", "Добро.рф", "ID на Добро.рф"}},
      {C::kPreferredChannel,
       "preferred_channel",
       {"Предпочтительный канал", "Канал связи", "Способ связи"}},
      {C::kNotes, "notes", {"Примечания", "Примечание", "Комментарий"}},
      {C::kConsentNumber, "consent_number", {"Номер согласия", "№ согласия", "Согласие №"}, true},
      {C::kConsentDate, "consent_date", {"Дата согласия"}, true},
      {C::kConsentValidUntil,
       "consent_valid_until",
       {"Согласие действует до", "Срок действия согласия"}},
      {C::kRepresentativeName,
       "representative_name",
       {"Законный представитель", "Представитель", "ФИО представителя"}},
      {C::kRepresentativeRelation,
       "representative_relation",
       {"Кем приходится", "Степень родства", "Статус представителя"}},
      {C::kRepresentativeDocument,
       "representative_document",
       {"Документ представителя", "Документ о полномочиях"}},
  };
  return *columns;
}

std::string FoldCsvHeader(absl::string_view cell) {
  std::string folded = api::FoldName(cell);
  folded.erase(std::remove_if(folded.begin(), folded.end(),
                              [](char c) { return c == ' ' || c == '-' || c == '_' || c == '.'; }),
               folded.end());
  return folded;
}

absl::StatusOr<VolunteerCsvHeader> MapVolunteerCsvHeader(const std::vector<std::string>& cells) {
  static const auto* const by_word = [] {
    auto* map = new std::map<std::string, VolunteerColumn>;
    for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) {
      map->emplace(FoldCsvHeader(info.name), info.column);
      for (const std::string& alias : info.aliases) map->emplace(FoldCsvHeader(alias), info.column);
    }
    return map;
  }();
  VolunteerCsvHeader header;
  std::vector<std::string> unknown;
  std::vector<std::string> repeated;
  std::map<VolunteerColumn, size_t> seen;
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string title(absl::StripAsciiWhitespace(cells[i]));
    header.titles.push_back(title);
    if (title.empty()) {
      // Spreadsheets often end their lines with empty columns.
      header.columns.push_back(std::nullopt);
      continue;
    }
    auto it = by_word->find(FoldCsvHeader(title));
    if (it == by_word->end()) {
      unknown.push_back(absl::StrCat("\"", title, "\""));
      header.columns.push_back(std::nullopt);
      continue;
    }
    if (auto [at, fresh] = seen.emplace(it->second, i); !fresh) {
      repeated.push_back(absl::StrCat("\"", title, "\" (column ", i + 1, ") repeats \"",
                                      header.titles[at->second], "\" (column ", at->second + 1,
                                      ")"));
    }
    header.columns.push_back(it->second);
  }
  std::vector<std::string> problems;
  if (!unknown.empty()) {
    problems.push_back(absl::StrCat(unknown.size() == 1 ? "unknown column " : "unknown columns ",
                                    absl::StrJoin(unknown, ", ")));
  }
  for (std::string& r : repeated) problems.push_back(absl::StrCat("column ", std::move(r)));
  std::vector<std::string> missing;
  for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) {
    if (info.required && seen.count(info.column) == 0) {
      missing.push_back(absl::StrCat(info.name, " (", info.aliases.front(), ")"));
    }
  }
  if (!missing.empty()) {
    problems.push_back(absl::StrCat("the header has no ", absl::StrJoin(missing, ", "),
                                    missing.size() == 1 ? " column" : " columns"));
  }
  if (problems.empty()) return header;
  return absl::InvalidArgumentError(
      absl::StrCat(absl::StrJoin(problems, "; "),
                   ".\nThe header row names the columns (case, spaces and ё/е do not matter); "
                   "known columns:\n  ",
                   KnownColumnsHelp(), "\nRequired: ", RequiredColumnsHelp(), "."));
}

// ---- Cells ----

std::vector<std::string> SplitCsvList(absl::string_view cell, char delimiter) {
  const std::string separators = delimiter == ';' ? "|," : "|";
  std::vector<std::string> values;
  for (absl::string_view part : absl::StrSplit(cell, absl::ByAnyChar(separators))) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) values.emplace_back(part);
  }
  return values;
}

absl::StatusOr<google::type::Date> ParseCsvDate(absl::string_view cell) {
  const absl::string_view text = absl::StripAsciiWhitespace(cell);
  const auto bad = [&]() {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a date: want YYYY-MM-DD or DD.MM.YYYY"));
  };
  const bool dotted = text.find('.') != absl::string_view::npos;
  const std::vector<absl::string_view> parts = absl::StrSplit(text, dotted ? '.' : '-');
  if (parts.size() != 3) return bad();
  for (absl::string_view part : parts) {
    if (part.empty() || !std::all_of(part.begin(), part.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c));
        })) {
      return bad();
    }
  }
  const absl::string_view year_text = dotted ? parts[2] : parts[0];
  const absl::string_view day_text = dotted ? parts[0] : parts[2];
  if (year_text.size() != 4 || parts[1].size() > 2 || day_text.size() > 2) return bad();
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(year_text, &year) || !absl::SimpleAtoi(parts[1], &month) ||
      !absl::SimpleAtoi(day_text, &day)) {
    return bad();
  }
  const absl::CivilDay civil(year, month, day);
  if (year < 1 || month < 1 || month > 12 || day < 1 || civil.year() != year ||
      civil.month() != month || civil.day() != day) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\": there is no such day"));
  }
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

BuiltImportRow BuildImportRow(const VolunteerCsvHeader& header, const CsvRecord& record,
                              char delimiter) {
  BuiltImportRow built;
  ImportResult& failure = built.failure;
  const auto bad_cell = [&](size_t column, absl::string_view description) {
    auto* error = failure.add_errors();
    error->set_field(header.titles[column]);
    error->set_description(std::string(description));
  };
  // Cells past the header are allowed only empty; missing ones only under untitled columns.
  const size_t width = header.columns.size();
  bool count_ok = true;
  for (size_t i = width; i < record.cells.size(); ++i) count_ok &= record.cells[i].empty();
  for (size_t i = record.cells.size(); i < width; ++i) count_ok &= !header.columns[i].has_value();
  if (!count_ok) {
    auto* error = failure.add_errors();
    error->set_field("(row)");
    error->set_description(absl::StrCat(record.cells.size(), " cells, the header has ", width));
  }
  ImportedVolunteer row;
  row.set_line(record.line);
  Volunteer* volunteer = row.mutable_volunteer();
  Consent* consent = row.mutable_consent();
  for (size_t i = 0; count_ok && i < width && i < record.cells.size(); ++i) {
    if (!header.columns[i]) continue;
    const std::string& cell = record.cells[i];
    if (cell.empty()) continue;
    const VolunteerColumn column = *header.columns[i];
    if (InfoOf(column).list) {
      google::protobuf::RepeatedPtrField<std::string>* values = nullptr;
      switch (column) {
        case VolunteerColumn::kEmail:
          values = volunteer->mutable_emails();
          break;
        case VolunteerColumn::kPhone:
          values = volunteer->mutable_phones();
          break;
        case VolunteerColumn::kSkills:
          values = volunteer->mutable_skills();
          break;
        case VolunteerColumn::kInterests:
          values = volunteer->mutable_interests();
          break;
        default:
          values = volunteer->mutable_languages();
          break;
      }
      for (std::string& value : SplitCsvList(cell, delimiter)) *values->Add() = std::move(value);
      continue;
    }
    switch (column) {
      case VolunteerColumn::kFamilyName:
        volunteer->set_family_name(cell);
        break;
      case VolunteerColumn::kGivenName:
        volunteer->set_given_name(cell);
        break;
      case VolunteerColumn::kPatronymic:
        volunteer->set_patronymic(cell);
        break;
      case VolunteerColumn::kCity:
        volunteer->set_city(cell);
        break;
      case VolunteerColumn::kDobroId:
        volunteer->set_dobro_id(cell);
        break;
      case VolunteerColumn::kNotes:
        volunteer->set_notes(cell);
        break;
      case VolunteerColumn::kConsentNumber:
        consent->set_document_number(cell);
        break;
      case VolunteerColumn::kRepresentativeName:
        consent->set_representative_name(cell);
        break;
      case VolunteerColumn::kRepresentativeDocument:
        consent->set_representative_document(cell);
        break;
      case VolunteerColumn::kBirthDate:
      case VolunteerColumn::kConsentDate:
      case VolunteerColumn::kConsentValidUntil: {
        absl::StatusOr<google::type::Date> date = ParseCsvDate(cell);
        if (!date.ok()) {
          bad_cell(i, date.status().message());
        } else if (column == VolunteerColumn::kBirthDate) {
          *volunteer->mutable_birth_date() = *date;
        } else if (column == VolunteerColumn::kConsentDate) {
          *consent->mutable_given_time() = StartOfDayUtc(*date);
        } else {
          *consent->mutable_valid_until() = *date;
        }
        break;
      }
      case VolunteerColumn::kPreferredChannel: {
        absl::StatusOr<int> channel = ParseEnumWord(ChannelWords(), cell);
        if (!channel.ok()) {
          bad_cell(i, channel.status().message());
        } else {
          volunteer->set_preferred_channel(static_cast<Volunteer::Channel>(*channel));
        }
        break;
      }
      case VolunteerColumn::kRepresentativeRelation: {
        absl::StatusOr<int> relation = ParseEnumWord(RelationWords(), cell);
        if (!relation.ok()) {
          bad_cell(i, relation.status().message());
        } else {
          consent->set_representative_relation(static_cast<Consent::Relation>(*relation));
        }
        break;
      }
      default:
        break;
    }
  }
  if (failure.errors_size() > 0) {
    failure.set_line(record.line);
    failure.set_outcome(ImportResult::FAILED);
    failure.set_reason("INVALID_ROW");
    failure.set_message("not sent: the row could not be read");
    return built;
  }
  consent->add_purposes(Consent::VOLUNTEER_WORK);
  for (const std::string& category : ImportConsentCategories()) {
    consent->add_data_categories(category);
  }
  built.row = std::move(row);
  return built;
}

// ---- Import results ----

void MergeImportResponse(const ImportVolunteersResponse& batch, ImportVolunteersResponse* total) {
  for (const ImportResult& result : batch.results()) *total->add_results() = result;
  total->set_created(total->created() + batch.created());
  total->set_updated(total->updated() + batch.updated());
  total->set_unchanged(total->unchanged() + batch.unchanged());
  total->set_duplicates(total->duplicates() + batch.duplicates());
  total->set_failed(total->failed() + batch.failed());
}

Table ImportResultsTable(const ImportVolunteersResponse& response) {
  Table table;
  table.headers = {"LINE", "OUTCOME", "VOLUNTEER", "REASON", "MESSAGE"};
  for (const ImportResult& result : response.results()) {
    if (result.outcome() == ImportResult::CREATED || result.outcome() == ImportResult::UNCHANGED) {
      continue;
    }
    std::vector<std::string> errors;
    for (const auto& error : result.errors()) {
      errors.push_back(error.field().empty()
                           ? error.description()
                           : absl::StrCat(error.field(), ": ", error.description()));
    }
    table.rows.push_back({absl::StrCat(result.line()),
                          EnumName(*ImportResult::Outcome_descriptor(), result.outcome()),
                          OrNone(result.volunteer()), OrNone(result.reason()),
                          OrNone(errors.empty() ? result.message() : absl::StrJoin(errors, "; "))});
  }
  return table;
}

std::string ImportSummary(const ImportVolunteersResponse& response, bool dry_run) {
  return absl::StrCat("created=", response.created(), " updated=", response.updated(),
                      " unchanged=", response.unchanged(), " duplicates=", response.duplicates(),
                      " failed=", response.failed(), dry_run ? " (dry run)" : "");
}

std::vector<std::pair<size_t, size_t>> PlanImportBatches(const std::vector<size_t>& row_bytes,
                                                         size_t max_rows, size_t max_bytes) {
  std::vector<std::pair<size_t, size_t>> batches;
  size_t begin = 0;
  size_t bytes = 0;
  for (size_t i = 0; i < row_bytes.size(); ++i) {
    if (i > begin && (i - begin >= max_rows || bytes + row_bytes[i] > max_bytes)) {
      batches.emplace_back(begin, i);
      begin = i;
      bytes = 0;
    }
    bytes += row_bytes[i];
  }
  if (begin < row_bytes.size()) batches.emplace_back(begin, row_bytes.size());
  return batches;
}

// ---- Writing CSV ----

std::string CsvCell(absl::string_view value, char delimiter) {
  const bool quote =
      value.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != absl::string_view::npos ||
      (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                          value.back() == '\t'));
  if (!quote) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string CsvLine(const std::vector<std::string>& cells, char delimiter) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += delimiter;
    line += CsvCell(cells[i], delimiter);
  }
  line += "\r\n";
  return line;
}

const Consent* LatestWorkConsent(const std::vector<const Consent*>& consents) {
  const Consent* best = nullptr;
  const auto key = [](const Consent& c) {
    return std::make_tuple(c.given_time().seconds(), c.given_time().nanos(),
                           c.create_time().seconds(), c.create_time().nanos(), c.name());
  };
  for (const Consent* consent : consents) {
    if (consent->state() != Consent::ACTIVE) continue;
    if (std::find(consent->purposes().begin(), consent->purposes().end(),
                  Consent::VOLUNTEER_WORK) == consent->purposes().end()) {
      continue;
    }
    if (best == nullptr || key(*best) < key(*consent)) best = consent;
  }
  return best;
}

std::vector<std::string> VolunteerCsvCells(const Volunteer& volunteer, const Consent* consent) {
  const auto join = [](const google::protobuf::RepeatedPtrField<std::string>& values) {
    return absl::StrJoin(values, "|");
  };
  std::vector<std::string> cells;
  for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) {
    std::string cell;
    switch (info.column) {
      case VolunteerColumn::kFamilyName:
        cell = volunteer.family_name();
        break;
      case VolunteerColumn::kGivenName:
        cell = volunteer.given_name();
        break;
      case VolunteerColumn::kPatronymic:
        cell = volunteer.patronymic();
        break;
      case VolunteerColumn::kBirthDate:
        cell = FormatDate(volunteer.birth_date());
        break;
      case VolunteerColumn::kEmail:
        cell = join(volunteer.emails());
        break;
      case VolunteerColumn::kPhone:
        cell = join(volunteer.phones());
        break;
      case VolunteerColumn::kCity:
        cell = volunteer.city();
        break;
      case VolunteerColumn::kSkills:
        cell = join(volunteer.skills());
        break;
      case VolunteerColumn::kInterests:
        cell = join(volunteer.interests());
        break;
      case VolunteerColumn::kLanguages:
        cell = join(volunteer.languages());
        break;
      case VolunteerColumn::kDobroId:
        cell = volunteer.dobro_id();
        break;
      case VolunteerColumn::kPreferredChannel:
        cell = EnumCell(*Volunteer::Channel_descriptor(), volunteer.preferred_channel());
        break;
      case VolunteerColumn::kNotes:
        cell = volunteer.notes();
        break;
      case VolunteerColumn::kConsentNumber:
        if (consent != nullptr) cell = consent->document_number();
        break;
      case VolunteerColumn::kConsentDate:
        if (consent != nullptr) cell = DayUtc(consent->given_time());
        break;
      case VolunteerColumn::kConsentValidUntil:
        if (consent != nullptr) cell = FormatDate(consent->valid_until());
        break;
      case VolunteerColumn::kRepresentativeName:
        if (consent != nullptr) cell = consent->representative_name();
        break;
      case VolunteerColumn::kRepresentativeRelation:
        if (consent != nullptr) {
          cell = EnumCell(*Consent::Relation_descriptor(), consent->representative_relation());
        }
        break;
      case VolunteerColumn::kRepresentativeDocument:
        if (consent != nullptr) cell = consent->representative_document();
        break;
    }
    cells.push_back(std::move(cell));
  }
  return cells;
}

// ---- Commands ----

Command VolunteerImportCommand() {
  Command import =
      NewCommand("volunteers", "import", "LIBRARY FILE",
                 "Import volunteers from a CSV file (a spreadsheet saved as CSV), each row with "
                 "its paper consent.");
  import.details = absl::StrCat(
      "The first row names the columns, in English or Russian (case, spaces and ё/е do not\n"
      "matter):\n  ",
      KnownColumnsHelp(), "\nRequired: ", RequiredColumnsHelp(),
      ".\nColumns without a title are ignored; an unknown column is a usage error.\n"
      "Cells: dates YYYY-MM-DD or DD.MM.YYYY; e-mails, phones, skills, interests and languages\n"
      "hold several values separated by | (or by , when the file's delimiter is ;);\n"
      "preferred_channel and representative_relation take the names 'volunteers create' and\n"
      "'consents create' take (PHONE, PARENT) or Russian words (телефон, мать). Every row\n"
      "carries its paper consent: consent_number and consent_date (its day, 00:00 UTC); it\n"
      "covers VOLUNTEER_WORK and the data categories ФИО, дата рождения, контактные данные.\n"
      "Under 18 the consent is the representative's (representative_* columns).\n"
      "The file is UTF-8 (a BOM is skipped) or Windows-1251 (--encoding auto decides by\n"
      "whether the whole file is valid UTF-8); the delimiter is ; or , (--delimiter auto\n"
      "takes the more frequent one in the header). Quoted cells may hold delimiters and line\n"
      "breaks; LINE is the file's line where a row starts (the header is line 1).\n"
      "Rows are sent in batches of --batch-size rows (at most 1000, and about 2 MB); each batch\n"
      "is one transaction. A row that matches a volunteer of the library (the same e-mail,\n"
      "phone, or full name and birth date) or an earlier row is a DUPLICATE, or with\n"
      "--on-match update updates that volunteer (fields the row gives, and its consent when\n"
      "the volunteer has none of that number): importing the same file twice creates nothing\n"
      "new. A row that cannot be read (a bad date, the wrong number of cells) is reported\n"
      "(INVALID_ROW) and not sent; a bad row never stops the others. --dry-run writes\n"
      "nothing (each batch is checked alone, so a row repeating one of an earlier batch shows\n"
      "as CREATED).\n"
      "Output: the rows that were not CREATED or UNCHANGED (LINE, OUTCOME, VOLUNTEER, REASON,\n"
      "MESSAGE: field: description), then\n"
      "  created=N updated=N unchanged=N duplicates=N failed=N\n"
      "(on stderr with -o json, yaml or csv; -o json gives ImportVolunteersResponse over all\n"
      "batches). On a terminal, progress is shown on stderr.\n"
      "Exit code: 0 when no row FAILED, 3 when some did (the others were imported); when a\n"
      "batch fails as a whole (the server unreachable, no permission), its error's code, and\n"
      "the batches before it stay imported.\n"
      "Example:\n"
      "  alliesctl volunteers import obl volunteers.csv --dry-run\n"
      "  alliesctl volunteers import obl volunteers.csv --on-match update\n");
  import.flags = {
      {"dry-run", '\0', false, "", "check every row and report, write nothing"},
      {"on-match", '\0', true, "report|update",
       "a row matching a volunteer of the library: report it as a DUPLICATE (default) or "
       "update the volunteer"},
      {"encoding", '\0', true, "auto|utf-8|windows-1251", "the file's encoding (default auto)"},
      {"delimiter", '\0', true, "auto|';'|','", "the cell delimiter (default auto)"},
      {"batch-size", '\0', true, "N", "rows per request, 1-1000 (default 1000)"},
  };
  import.run = RunImport;
  return import;
}

int RunVolunteerCsvExport(Invocation& inv) {
  const std::string parent = NormalizeLibraryName(inv.operands()[0]);
  if (parent == "libraries/-") {
    return inv.UsageError("export one library's volunteers: give its name, not -");
  }
  if (inv.options().output == OutputFormat::kJson || inv.options().output == OutputFormat::kYaml) {
    return inv.UsageError(
        "a library's volunteers are exported as CSV; -o json or yaml applies to one volunteer's "
        "data (volunteers export libraries/x/volunteers/y)");
  }
  std::unique_ptr<VolunteerService::Stub> volunteers = VolunteerService::NewStub(inv.Channel());
  std::unique_ptr<ConsentService::Stub> consents = ConsentService::NewStub(inv.Channel());

  std::vector<Volunteer> listed;
  allies::v1::ListVolunteersRequest list_volunteers;
  list_volunteers.set_parent(parent);
  int code = ListAll<allies::v1::ListVolunteersRequest, allies::v1::ListVolunteersResponse>(
      inv, list_volunteers,
      [&](grpc::ClientContext* context, const auto& request, auto* page) {
        return volunteers->ListVolunteers(context, request, page);
      },
      [&](allies::v1::ListVolunteersResponse& page) {
        for (Volunteer& v : *page.mutable_volunteers()) listed.push_back(std::move(v));
      });
  if (code != kExitOk) return code;
  for (const Volunteer& volunteer : listed) {
    if (volunteer.personal_data_withheld()) {
      inv.err() << "error: the volunteers' personal data is withheld from this key (need to "
                   "know): exporting them needs a key that manages volunteers (ADMIN or "
                   "COORDINATOR)\n";
      return kExitPermission;
    }
  }
  // The library's consents, once, joined by subject.
  std::vector<Consent> all_consents;
  allies::v1::ListConsentsRequest list_consents;
  list_consents.set_parent(parent);
  code = ListAll<allies::v1::ListConsentsRequest, allies::v1::ListConsentsResponse>(
      inv, list_consents,
      [&](grpc::ClientContext* context, const auto& request, auto* page) {
        return consents->ListConsents(context, request, page);
      },
      [&](allies::v1::ListConsentsResponse& page) {
        for (Consent& c : *page.mutable_consents()) {
          if (c.state() == Consent::ACTIVE && !c.subject().empty()) {
            all_consents.push_back(std::move(c));
          }
        }
      });
  if (code != kExitOk) return code;
  std::map<std::string, std::vector<const Consent*>> by_subject;
  for (const Consent& consent : all_consents) by_subject[consent.subject()].push_back(&consent);

  std::vector<std::string> header;
  for (const VolunteerColumnInfo& info : VolunteerCsvColumns()) header.push_back(info.name);
  std::string csv = CsvLine(header, ';');
  size_t exported = 0;
  size_t erased = 0;
  std::vector<std::string> without_number;
  for (const Volunteer& volunteer : listed) {
    if (volunteer.has_erase_time()) {
      ++erased;
      continue;
    }
    const Consent* consent = nullptr;
    if (auto it = by_subject.find(volunteer.name()); it != by_subject.end()) {
      consent = LatestWorkConsent(it->second);
    }
    if (consent == nullptr || consent->document_number().empty()) {
      without_number.push_back(volunteer.name());
    }
    csv += CsvLine(VolunteerCsvCells(volunteer, consent), ';');
    ++exported;
  }

  const std::optional<std::string> path = inv.args().Get("file");
  if (path.has_value() && !path->empty() && *path != "-") {
    std::ofstream out(*path, std::ios::binary | std::ios::trunc);
    out << csv;
    out.close();
    if (!out) {
      inv.err() << "error: cannot write " << *path << ": " << strerror(errno) << "\n";
      return kExitError;
    }
    inv.err() << "Exported " << exported << " volunteers of " << parent << " to " << *path << ".\n";
  } else {
    inv.out() << csv;
    inv.out().flush();
    if (!inv.out().good()) return kExitError;
  }
  if (erased > 0) {
    inv.err() << "Left out " << erased << " erased volunteers (no personal data is held).\n";
  }
  if (!without_number.empty()) {
    const size_t shown = std::min<size_t>(without_number.size(), 5);
    inv.err() << "warning: " << without_number.size()
              << " volunteers have no ACTIVE VOLUNTEER_WORK consent with a document number "
                 "(an electronic one, or none): their consent_number is empty, and importing "
                 "them needs it: "
              << absl::StrJoin(without_number.begin(), without_number.begin() + shown, ", ")
              << (without_number.size() > shown ? ", ..." : "") << "\n";
  }
  return kExitOk;
}

}  // namespace allies::ctl
