#include "clients/alliesctl/hours.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "allies/v1/project.grpc.pb.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/volunteer_csv.h"
#include "clients/alliesctl/volunteer_records.h"

namespace allies::ctl {
namespace {

using allies::v1::ApprovedHoursRow;
using allies::v1::HoursEntry;
using allies::v1::ProjectService;
using allies::v1::RecordBook;

constexpr char kHours[] = "hours";
constexpr char kVolunteers[] = "volunteers";
// ListApprovedHours' largest page.
constexpr int kExportPageSize = 1000;

// The time worked, as minutes or as decimal hours.
const FieldFlag& MinutesFlag() {
  static const auto* const flag = new FieldFlag{
      "minutes", "minutes", "MINUTES",
      "the time worked in minutes, 1-1440; a correction: the minutes it adds, or takes away "
      "when negative (-1440..1440, not 0)"};
  return *flag;
}

const FieldFlag& HoursFlag() {
  static const auto* const flag = new FieldFlag{
      "hours",
      "minutes",
      "HOURS",
      "the time worked in hours instead of --minutes, a decimal: 1.5 (or 1,5) is 90 minutes",
      /*required=*/false,
      [](const ParsedArgs& args, google::protobuf::Message* entry) {
        absl::StatusOr<int32_t> minutes = ParseHoursFlag("hours", *args.Get("hours"));
        if (!minutes.ok()) return minutes.status();
        static_cast<HoursEntry*>(entry)->set_minutes(*minutes);
        return absl::OkStatus();
      }};
  return *flag;
}

// The settable fields of HoursEntry, as flags of create (all) and update (no source, corrects).
std::vector<FieldFlag> HoursFieldFlags(bool create) {
  std::vector<FieldFlag> fields = {
      {"project", "project", "PROJECT",
       "the project worked for, libraries/x/projects/p of the volunteer's library",
       /*required=*/create},
      {"shift", "shift", "SHIFT", "the shift worked, one of the project's (optional)"},
      {"date", "work_date", "DATE", "the day worked, YYYY-MM-DD (not in the future)",
       /*required=*/create},
      MinutesFlag(),
      HoursFlag(),
      {"description", "description", "TEXT", "what was done (at most 2000 characters)"},
  };
  if (create) {
    fields.push_back({"source", "source", "SOURCE",
                      "STAFF (the default) or IMPORT (from another system); an INTEGRATION "
                      "key's hours are always SELF_SERVICE"});
    fields.push_back({"corrects", "corrects", "ENTRY",
                      "the APPROVED entry of the same volunteer this one corrects "
                      "(libraries/x/volunteers/y/hours/h); --minutes is then what it adds or "
                      "takes away"});
  }
  return fields;
}

const std::vector<FieldFlag>& CreateHoursFields() {
  static const auto* const fields = new std::vector<FieldFlag>(HoursFieldFlags(true));
  return *fields;
}

const std::vector<FieldFlag>& UpdateHoursFields() {
  static const auto* const fields = new std::vector<FieldFlag>(HoursFieldFlags(false));
  return *fields;
}

// --minutes and --hours say the same: one of them (and one is needed on create).
absl::Status CheckOneTimeFlag(const ParsedArgs& args, bool required) {
  if (args.Has("minutes") && args.Has("hours")) {
    return absl::InvalidArgumentError("give the time as --minutes or --hours, not both");
  }
  if (required && !args.Has("minutes") && !args.Has("hours")) {
    return absl::InvalidArgumentError("--minutes or --hours is required");
  }
  return absl::OkStatus();
}

// The last word of a resource name: its id.
std::string IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

const Columns<HoursEntry>& HoursColumns() {
  static const auto* const columns = new Columns<HoursEntry>{
      {"NAME", "DATE", "MINUTES", "HOURS", "PROJECT", "SOURCE", "STATE", "CORRECTS"},
      [](const HoursEntry& entry) -> std::vector<std::string> {
        return {entry.name(),
                OrNone(FormatDate(entry.work_date())),
                absl::StrCat(entry.minutes()),
                DecimalHours(entry.minutes()),
                OrNone(entry.project()),
                EnumName(*HoursEntry::Source_descriptor(), entry.source()),
                EnumName(*HoursEntry::State_descriptor(), entry.state()),
                OrNone(entry.corrects())};
      }};
  return *columns;
}

absl::StatusOr<allies::v1::CreateHoursRequest> CreateHoursRequest(Invocation& inv) {
  return BuildCreateHoursRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::UpdateHoursRequest> UpdateHoursRequest(Invocation& inv) {
  return BuildUpdateHoursRequest(inv.operands()[0], inv.args());
}

absl::StatusOr<allies::v1::RejectHoursRequest> RejectHoursRequest(Invocation& inv) {
  return BuildRejectHoursRequest(inv.operands()[0], inv.args());
}

absl::Status ApprovalReason(const ParsedArgs& args, allies::v1::ApproveHoursRequest* request) {
  if (std::optional<std::string> reason = args.Get("reason")) request->set_reason(*reason);
  return absl::OkStatus();
}

struct HoursListFlags {
  int operator()(Invocation& inv, allies::v1::ListHoursRequest& request) const {
    request.set_parent(VolunteerListParent(inv.operands().empty() ? "" : inv.operands()[0]));
    return ApplyListFlags(inv, request);
  }
};

// ---- The record book ----

int RunRecordBook(Invocation& inv) {
  absl::StatusOr<allies::v1::GetRecordBookRequest> request =
      BuildRecordBookRequest(inv.operands()[0], inv.args());
  if (!request.ok()) return inv.UsageError(request.status().message());
  RecordBook book;
  if (int code = Call<ProjectService>(inv, &ProjectService::Stub::GetRecordBook, *request, &book);
      code != kExitOk) {
    return code;
  }
  if (inv.options().output == OutputFormat::kTable) {
    inv.out() << RecordBookText(book, inv.options().table_width);
    inv.out().flush();
    return inv.out().good() ? kExitOk : kExitError;
  }
  return inv.Print(book, RecordBookCsvTable(book));
}

std::string PeriodText(const RecordBook& book) {
  const std::string from = FormatDate(book.start_date());
  const std::string to = FormatDate(book.end_date());
  return absl::StrCat(from.empty() ? "from the first entry" : absl::StrCat("from ", from), " to ",
                      to.empty() ? "today" : to);
}

// ---- The export for Dobro.rf ----

int RunHoursExport(Invocation& inv) {
  absl::StatusOr<allies::v1::ListApprovedHoursRequest> built =
      BuildApprovedHoursRequest(inv.operands()[0], inv.args());
  if (!built.ok()) return inv.UsageError(built.status().message());
  allies::v1::ListApprovedHoursRequest request = *std::move(built);
  request.set_page_size(kExportPageSize);
  if (std::optional<std::string> size = inv.args().Get("page-size")) {
    absl::StatusOr<int32_t> page_size = ParseInt32Flag("page-size", *size);
    if (!page_size.ok()) return inv.UsageError(page_size.status().message());
    request.set_page_size(*page_size);
  }
  const bool as_messages =
      inv.options().output == OutputFormat::kJson || inv.options().output == OutputFormat::kYaml;
  const std::optional<std::string> path = inv.args().Get("file");
  const bool to_file = path.has_value() && !path->empty() && *path != "-";
  if (as_messages && to_file) {
    return inv.UsageError("--file takes the CSV; -o json or yaml prints the rows on stdout");
  }

  std::unique_ptr<ProjectService::Stub> stub = ProjectService::NewStub(inv.Channel());
  allies::v1::ListApprovedHoursResponse all;
  std::string csv = CsvLine(DobroCsvHeader(), ',');
  size_t rows = 0;
  int64_t minutes = 0;
  RowProgress progress(inv, 0);
  while (true) {
    grpc::ClientContext context;
    PrepareBulkContext(inv, &context);
    allies::v1::ListApprovedHoursResponse page;
    const grpc::Status status = stub->ListApprovedHours(&context, request, &page);
    if (!status.ok()) {
      progress.Done();
      return inv.RpcFailed(status);
    }
    for (ApprovedHoursRow& row : *page.mutable_rows()) {
      ++rows;
      minutes += row.minutes();
      if (as_messages) {
        *all.add_rows() = std::move(row);
      } else {
        csv += CsvLine(DobroCsvCells(row), ',');
      }
    }
    progress.Show(rows);
    if (page.next_page_token().empty()) break;
    if (page.next_page_token() == request.page_token()) {
      progress.Done();
      inv.err() << "error: the server returned the same page token twice\n";
      return kExitError;
    }
    request.set_page_token(page.next_page_token());
  }
  progress.Done();

  const std::string period =
      absl::StrCat(FormatDate(request.start_date()), " to ", FormatDate(request.end_date()));
  int code = kExitOk;
  if (as_messages) {
    code = inv.Print(all, Table{});
  } else if (to_file) {
    std::ofstream out(*path, std::ios::binary | std::ios::trunc);
    out << csv;
    out.close();
    if (!out) {
      inv.err() << "error: cannot write " << *path << ": " << strerror(errno) << "\n";
      return kExitError;
    }
    inv.err() << "Exported " << rows << (rows == 1 ? " row" : " rows") << " of approved hours ("
              << DecimalHours(minutes) << " hours) of " << request.parent() << " from " << period
              << " to " << *path << ".\n";
  } else {
    inv.out() << csv;
    inv.out().flush();
    if (!inv.out().good()) code = kExitError;
  }
  if (rows == 0) {
    inv.err() << "No approved hours from " << period << " in " << request.parent() << ".\n";
  }
  return code;
}

void RegisterHours(CommandRegistry* registry) {
  registry->AddResource({kHours,
                         {"hour"},
                         "the hours volunteers worked: SUBMITTED -> APPROVED or REJECTED; the "
                         "export for Dobro.rf"});

  Command get = NewCommand(
      kHours, "get", "NAME",
      "Show an hours entry (libraries/x/volunteers/y/hours/h), including a deleted one.");
  get.run = NamedCall<ProjectService>(&ProjectService::Stub::GetHours, HoursColumns());
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kHours, "list", "[VOLUNTEER]",
                            "List a volunteer's hours (libraries/x/volunteers/y; - for either id; "
                            "default: of every volunteer you may see), by date.");
  list.details =
      "A library alone (x or libraries/x) lists the hours of all its volunteers. Filter\n"
      "fields: project, shift, work_date, minutes, source, state, submitted_by,\n"
      "reviewed_by, corrects, create_time; e.g. --filter 'state = SUBMITTED' (what waits\n"
      "for review), 'state = APPROVED AND work_date >= \"2026-01-01\"'. Sortable: work_date\n"
      "(the default), minutes, state, review_time, create_time.\n";
  list.flags = ListFlagSpecs("hours", /*filter_and_order=*/true);
  list.run = ListCall<ProjectService>(
      &ProjectService::Stub::ListHours,
      [](allies::v1::ListHoursResponse* page) { return page->mutable_hours(); }, HoursColumns(),
      "hours", HoursListFlags());
  registry->AddCommand(std::move(list));

  Command create = NewCommand(kHours, "create", "VOLUNTEER",
                              "Record hours a volunteer (libraries/x/volunteers/y) worked: "
                              "--project, --date and --minutes (or --hours) are required.");
  create.details =
      "The entry is SUBMITTED until staff approve or reject it. Approved hours are final: to\n"
      "change them, record a correction naming them with --corrects and the minutes to add\n"
      "(or, negative, to take away); it is reviewed like any entry. Completing a sign-up\n"
      "submits its shift's hours by itself (source SIGNUP). Example:\n"
      "  alliesctl hours create obl/volunteers/petrova --project obl/projects/readings\n"
      "    --date 2026-11-28 --hours 2.5 --description \"Громкие чтения в читальном зале\"\n";
  create.flags = CreateFlagSpecs("hours entry", CreateHoursFields());
  create.run =
      Send<ProjectService>(&ProjectService::Stub::CreateHours, CreateHoursRequest, HoursColumns());
  registry->AddCommand(std::move(create));

  Command update =
      NewCommand(kHours, "update", "NAME", "Update a SUBMITTED entry's fields given as flags.");
  update.details =
      "The update_mask holds exactly the field flags given (--hours is the minutes).\n"
      "APPROVED and REJECTED entries take no change: correct approved ones with a new entry\n"
      "(hours create --corrects).\n";
  update.flags = UpdateFlagSpecs("hours entry", UpdateHoursFields());
  update.run =
      Send<ProjectService>(&ProjectService::Stub::UpdateHours, UpdateHoursRequest, HoursColumns());
  registry->AddCommand(std::move(update));

  Command del = NewCommand(kHours, "delete", "NAME", "Soft-delete an entry that is not APPROVED.");
  del.flags = {EtagFlag("hours entry")};
  del.run = NamedCall<ProjectService>(&ProjectService::Stub::DeleteHours, HoursColumns());
  registry->AddCommand(std::move(del));

  Command undelete = NewCommand(kHours, "undelete", "NAME", "Bring back a deleted entry.");
  undelete.flags = {EtagFlag("hours entry"), RequestIdFlag()};
  undelete.run = NamedCall<ProjectService>(&ProjectService::Stub::UndeleteHours, HoursColumns());
  registry->AddCommand(std::move(undelete));

  Command approve = NewCommand(kHours, "approve", "NAME",
                               "SUBMITTED -> APPROVED (final); the approver is recorded.");
  approve.details =
      "A correction is approved only while it leaves the corrected entry at zero minutes or\n"
      "more. Keys that report hours for volunteers (INTEGRATION) may not approve.\n";
  approve.flags = {{"reason", '\0', true, "TEXT", "a note (optional, at most 1000 characters)"},
                   EtagFlag("hours entry"),
                   RequestIdFlag()};
  approve.run = NamedCall<ProjectService>(&ProjectService::Stub::ApproveHours, HoursColumns(),
                                          ApprovalReason);
  registry->AddCommand(std::move(approve));

  Command reject =
      NewCommand(kHours, "reject", "NAME", "SUBMITTED -> REJECTED; --reason is required.");
  reject.flags = {{"reason", '\0', true, "TEXT", "why (required, at most 1000 characters)"},
                  EtagFlag("hours entry"),
                  RequestIdFlag()};
  reject.run =
      Send<ProjectService>(&ProjectService::Stub::RejectHours, RejectHoursRequest, HoursColumns());
  registry->AddCommand(std::move(reject));

  Command export_csv = NewCommand(
      kHours, "export", "PARENT",
      "Write the APPROVED hours of a library's subtree (x, libraries/x; - for every library "
      "you may see) from --from to --to as a CSV for the upload of hours to Dobro.rf.");
  export_csv.details = absl::StrCat(
      "The CSV (UTF-8, ',', RFC 4180 quoting, CRLF line ends) has a header row and one row\n"
      "per approved entry, by date, with the columns:\n"
      "  ",
      kDobroCsvColumns,
      "\n"
      "dobro_id      the volunteer's Dobro.rf id (empty when not recorded)\n"
      "family_name, given_name, patronymic   the volunteer's name\n"
      "date          the day worked, YYYY-MM-DD\n"
      "hours         the time in hours with a dot, rounded to 2 places: 2.5, 0.33\n"
      "project       the project's title\n"
      "organizer     the library that organized the work (its display name)\n"
      "description   what was done\n"
      "An entry's approved corrections are counted into its row (an entry corrected down to\n"
      "nothing is left out); the period is at most 366 days. Pages are fetched until the last (on "
      "a terminal, the rows\n"
      "so far are shown on stderr). The CSV goes to stdout (the default output, and -o csv)\n"
      "or into --file; -o json or -o yaml prints the rows as the API gives them. Example:\n"
      "  alliesctl hours export obl --from 2026-01-01 --to 2026-12-31 --file dobro.csv\n");
  export_csv.flags = {
      {"from", '\0', true, "DATE", "the first day of the period, YYYY-MM-DD (required)"},
      {"to", '\0', true, "DATE", "the last day of the period, YYYY-MM-DD (required)"},
      {"file", '\0', true, "OUT.csv", "write the CSV here (default: stdout)"},
      {"page-size", '\0', true, "N",
       absl::StrCat("rows fetched per call, 1-1000 (default ", kExportPageSize, ")")}};
  export_csv.run = RunHoursExport;
  registry->AddCommand(std::move(export_csv));
}

void RegisterRecordBook(CommandRegistry* registry) {
  Command book = NewCommand(kVolunteers, "record-book", "NAME",
                            "A volunteer's record book (личная книжка волонтёра): approved hours "
                            "by date with who confirmed them, totals by year and project.");
  book.details = absl::StrCat(
      "--from and --to bound the period (default: from the first entry to today). The table\n"
      "has a line per approved entry and the totals, the qualifications and the no-shows;\n"
      "-o json or -o yaml gives the whole book; -o csv one row per entry with the columns\n"
      "  ",
      kRecordBookCsvColumns,
      "\n"
      "(minutes and decimal hours; project_title and project its name; confirmed_by_name and\n"
      "confirmed_by the key that approved it; confirm_time when, RFC 3339; corrects the entry\n"
      "a correction corrects; entry the entry's name).\n");
  book.flags = {{"from", '\0', true, "DATE", "the first day of the period, YYYY-MM-DD"},
                {"to", '\0', true, "DATE", "the last day of the period, YYYY-MM-DD"}};
  book.run = RunRecordBook;
  registry->AddCommand(std::move(book));
}

// --from / --to as dates, into `start` / `end`; each required when `required`.
absl::Status ParsePeriod(const ParsedArgs& args, bool required, google::type::Date* start,
                         google::type::Date* end, bool* has_start, bool* has_end) {
  for (const auto& [flag, date, has] :
       {std::make_tuple("from", start, has_start), std::make_tuple("to", end, has_end)}) {
    std::optional<std::string> value = args.Get(flag);
    *has = value.has_value();
    if (!value.has_value()) {
      if (required) return absl::InvalidArgumentError(absl::StrCat("--", flag, " is required"));
      continue;
    }
    absl::StatusOr<google::type::Date> parsed = ParseDateFlag(flag, *value);
    if (!parsed.ok()) return parsed.status();
    *date = *parsed;
  }
  if (*has_start && *has_end && FormatDate(*end) < FormatDate(*start)) {
    return absl::InvalidArgumentError("--to must not be before --from");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int32_t> ParseHoursFlag(absl::string_view flag, absl::string_view value) {
  absl::string_view text = absl::StripAsciiWhitespace(value);
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": \"", value, "\" ", why));
  };
  bool negative = false;
  if (absl::ConsumePrefix(&text, "-")) {
    negative = true;
  } else {
    absl::ConsumePrefix(&text, "+");
  }
  const size_t point = text.find_first_of(".,");
  const absl::string_view whole = text.substr(0, point);
  const absl::string_view fraction =
      point == absl::string_view::npos ? absl::string_view() : text.substr(point + 1);
  const auto digits = [](absl::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
  };
  if ((whole.empty() && fraction.empty()) || !digits(whole) || !digits(fraction) ||
      whole.size() > 6 || fraction.size() > 9) {
    return bad("is not a number of hours (e.g. 2, 1.5 or 0,25)");
  }
  int64_t units = 0;
  int64_t scale = 1;
  for (char c : whole) units = units * 10 + (c - '0');
  for (char c : fraction) {
    units = units * 10 + (c - '0');
    scale *= 10;
  }
  // hours = units / scale, so minutes = units * 60 / scale.
  if ((units * 60) % scale != 0) {
    return bad(absl::StrCat("is not a whole number of minutes (",
                            static_cast<double>(units) * 60 / static_cast<double>(scale),
                            "): give --minutes instead"));
  }
  const int64_t minutes = units * 60 / scale;
  if (minutes > std::numeric_limits<int32_t>::max()) return bad("is too many hours");
  return static_cast<int32_t>(negative ? -minutes : minutes);
}

std::string DecimalHours(int64_t minutes) {
  // Hundredths of an hour: minutes * 100 / 60 = minutes * 5 / 3, rounded half away from zero.
  const uint64_t magnitude = static_cast<uint64_t>(minutes < 0 ? -minutes : minutes) * 5;
  uint64_t hundredths = magnitude / 3;
  if ((magnitude % 3) * 2 >= 3) ++hundredths;
  std::string out = (minutes < 0 && hundredths > 0) ? "-" : "";
  absl::StrAppend(&out, hundredths / 100);
  const uint64_t cents = hundredths % 100;
  if (cents != 0) {
    absl::StrAppend(&out, ".", cents / 10);
    if (cents % 10 != 0) absl::StrAppend(&out, cents % 10);
  }
  return out;
}

absl::StatusOr<allies::v1::CreateHoursRequest> BuildCreateHoursRequest(absl::string_view volunteer,
                                                                       const ParsedArgs& args) {
  if (absl::Status one = CheckOneTimeFlag(args, /*required=*/true); !one.ok()) return one;
  return BuildCreateRequest<allies::v1::CreateHoursRequest>(CreateHoursFields(), "hours",
                                                            std::string(volunteer), args);
}

absl::StatusOr<allies::v1::UpdateHoursRequest> BuildUpdateHoursRequest(absl::string_view name,
                                                                       const ParsedArgs& args) {
  if (absl::Status one = CheckOneTimeFlag(args, /*required=*/false); !one.ok()) return one;
  return BuildUpdateRequest<allies::v1::UpdateHoursRequest>(UpdateHoursFields(), "hours", name,
                                                            args);
}

absl::StatusOr<allies::v1::RejectHoursRequest> BuildRejectHoursRequest(absl::string_view name,
                                                                       const ParsedArgs& args) {
  std::optional<std::string> reason = args.Get("reason");
  if (!reason.has_value() || absl::StripAsciiWhitespace(*reason).empty()) {
    return absl::InvalidArgumentError(
        "--reason is required: why the hours are rejected (the volunteer is told)");
  }
  allies::v1::RejectHoursRequest request;
  FillNamedRequest(name, args, &request);
  request.set_reason(*reason);
  return request;
}

absl::StatusOr<allies::v1::GetRecordBookRequest> BuildRecordBookRequest(absl::string_view volunteer,
                                                                        const ParsedArgs& args) {
  allies::v1::GetRecordBookRequest request;
  request.set_volunteer(NormalizeLibraryName(volunteer));
  bool has_start = false;
  bool has_end = false;
  google::type::Date start;
  google::type::Date end;
  absl::Status period = ParsePeriod(args, /*required=*/false, &start, &end, &has_start, &has_end);
  if (!period.ok()) return period;
  if (has_start) *request.mutable_start_date() = start;
  if (has_end) *request.mutable_end_date() = end;
  return request;
}

absl::StatusOr<allies::v1::ListApprovedHoursRequest> BuildApprovedHoursRequest(
    absl::string_view parent, const ParsedArgs& args) {
  allies::v1::ListApprovedHoursRequest request;
  request.set_parent(NormalizeLibraryName(parent));
  absl::string_view library = request.parent();
  absl::ConsumePrefix(&library, "libraries/");
  if (library.empty() || absl::StrContains(library, '/')) {
    return absl::InvalidArgumentError(
        absl::StrCat("PARENT must be a library (x or libraries/x) or - for every library, got \"",
                     parent, "\""));
  }
  bool has_start = false;
  bool has_end = false;
  absl::Status period = ParsePeriod(args, /*required=*/true, request.mutable_start_date(),
                                    request.mutable_end_date(), &has_start, &has_end);
  if (!period.ok()) return period;
  return request;
}

Table HoursTable(const google::protobuf::RepeatedPtrField<HoursEntry>& hours) {
  return HoursColumns()(hours);
}

std::string RecordBookText(const RecordBook& book, size_t table_width) {
  std::string out;
  absl::StrAppend(&out, "Volunteer:   ", OrNone(book.full_name()), " (", book.volunteer(), ")\n");
  absl::StrAppend(&out, "Dobro.rf id: ", OrNone(book.dobro_id()), "\n");
  absl::StrAppend(&out, "Organizer:   ", OrNone(book.organizer()), "\n");
  absl::StrAppend(&out, "Period:      ", PeriodText(book), "\n");
  absl::StrAppend(&out, "Approved:    ", DecimalHours(book.total_minutes()), " hours (",
                  book.total_minutes(), " minutes) in ", book.entries_size(),
                  book.entries_size() == 1 ? " entry" : " entries", "\n");
  absl::StrAppend(&out, "No-shows:    ", book.no_shows(), "\n");

  out += "\n";
  if (book.entries().empty()) {
    out += "No approved hours in the period.\n";
  } else {
    Table entries_table{{"DATE", "ENTRY", "HOURS", "PROJECT", "DESCRIPTION", "CONFIRMED BY",
                         "CONFIRMED", "CORRECTS"},
                        {}};
    for (const RecordBook::Entry& e : book.entries()) {
      entries_table.rows.push_back(
          {FormatDate(e.work_date()), IdOf(e.hours()), DecimalHours(e.minutes()),
           OrNone(e.project_title().empty() ? e.project() : e.project_title()),
           OrNone(e.description()),
           OrNone(e.confirmed_by_name().empty() ? e.confirmed_by() : e.confirmed_by_name()),
           OrNone(FormatTimestamp(e.confirm_time())),
           e.corrects().empty() ? kEmptyCell : IdOf(e.corrects())});
    }
    out += RenderTable(entries_table, table_width);

    out += "\nTotals:\n";
    Table totals{{"YEAR", "PROJECT", "HOURS", "MINUTES", "ENTRIES"}, {}};
    for (const RecordBook::ProjectYear& t : book.totals()) {
      totals.rows.push_back({absl::StrCat(t.year()),
                             OrNone(t.project_title().empty() ? t.project() : t.project_title()),
                             DecimalHours(t.minutes()), absl::StrCat(t.minutes()),
                             absl::StrCat(t.entries())});
    }
    out += RenderTable(totals, table_width);
  }
  if (!book.qualifications().empty()) {
    out += "\nQualifications:\n";
    out += RenderTable(QualificationsTable(book.qualifications()), table_width);
  }
  return out;
}

Table RecordBookCsvTable(const RecordBook& book) {
  Table table{absl::StrSplit(kRecordBookCsvColumns, ','), {}};
  for (const RecordBook::Entry& e : book.entries()) {
    table.rows.push_back({FormatDate(e.work_date()), absl::StrCat(e.minutes()),
                          DecimalHours(e.minutes()), e.project_title(), e.project(),
                          e.description(), e.confirmed_by_name(), e.confirmed_by(),
                          FormatTimestamp(e.confirm_time()), e.corrects(), e.hours()});
  }
  return table;
}

std::vector<std::string> DobroCsvHeader() { return absl::StrSplit(kDobroCsvColumns, ','); }

std::vector<std::string> DobroCsvCells(const ApprovedHoursRow& row) {
  return {row.dobro_id(),
          row.family_name(),
          row.given_name(),
          row.patronymic(),
          FormatDate(row.work_date()),
          DecimalHours(row.minutes()),
          row.project_title().empty() ? row.project() : row.project_title(),
          row.organizer(),
          row.description()};
}

void RegisterHoursCommands(CommandRegistry* registry) {
  RegisterHours(registry);
  RegisterRecordBook(registry);
}

}  // namespace allies::ctl
