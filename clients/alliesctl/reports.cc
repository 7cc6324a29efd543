#include "clients/alliesctl/reports.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/report.grpc.pb.h"
#include "clients/alliesctl/libraries.h"
#include "clients/alliesctl/output.h"
#include "clients/alliesctl/review_render.h"

namespace allies::ctl {
namespace {

using allies::v1::ReportService;

constexpr char kResource[] = "reports";

// The report's name from LIBRARY and --year (required).
int ReportName(Invocation& inv, std::string* name) {
  std::optional<std::string> year = inv.args().Get("year");
  if (!year) return inv.UsageError("--year is required");
  absl::StatusOr<int32_t> y = ParseInt32Flag("year", *year);
  if (!y.ok()) return inv.UsageError(y.status().message());
  *name = absl::StrCat(NormalizeLibraryName(inv.operands()[0]), "/reports/", *y);
  return kExitOk;
}

// A review in the output format asked for: table, csv and html are the review's own views;
// json and yaml print `message` (the review, or the report holding it).
int PrintReview(Invocation& inv, const v1::NetworkReview& review,
                const google::protobuf::Message& message, const std::string& title) {
  switch (inv.options().output) {
    case OutputFormat::kTable:
      inv.out() << ReviewTable(review, inv.options().table_width);
      break;
    case OutputFormat::kCsv:
      inv.out() << ReviewCsv(review);
      break;
    case OutputFormat::kHtml:
      inv.out() << ReviewHtml(review, title);
      break;
    default:
      return inv.Print(message, Table{});
  }
  inv.out().flush();
  return inv.out().good() ? kExitOk : kExitError;
}

std::vector<FlagSpec> YearFlag() { return {{"year", '\0', true, "YEAR", "the calendar year"}}; }

std::string StateTitle(const v1::Report& r) {
  if (r.state() != v1::Report::APPROVED) {
    return absl::StrCat("Годовой отчёт ", r.year(), " (черновик)");
  }
  return absl::StrCat("Годовой отчёт ", r.year(), " (утверждён ", FormatTimestamp(r.approve_time()),
                      ", ", r.approver(), ")");
}

const Columns<v1::Report>& ReportColumns() {
  static const auto* const columns = new Columns<v1::Report>{
      {"NAME", "STATE", "APPROVED BY", "APPROVED", "UPDATED"},
      [](const v1::Report& r) -> std::vector<std::string> {
        return {r.name(), EnumName(*v1::Report::State_descriptor(), r.state()),
                OrNone(r.approver()),
                r.has_approve_time() ? FormatTimestamp(r.approve_time()) : kEmptyCell,
                FormatTimestamp(r.update_time())};
      }};
  return *columns;
}

}  // namespace

void RegisterReportCommands(CommandRegistry* registry) {
  registry->AddResource({kResource,
                         {"report"},
                         "the annual review of a library network, and yearly reports kept as "
                         "approved snapshots"});

  Command review = NewCommand(kResource, "review", "LIBRARY",
                              "Build the review of the library and every library below it.");
  review.details =
      "Over --year YEAR, or --from DATE --to DATE (both days included, at most 366 days).\n"
      "Figures: partners, agreements, interactions, volunteers, approved hours, sign-ups,\n"
      "reader councils and boards, consents and destructions of personal data; the\n"
      "drill-down by child library; the 6-NK lines the data fills. -o html writes one\n"
      "self-contained page (charts included) to open in a browser; -o csv one row per figure\n"
      "with a column per library; -o json every figure with its query and filters.\n";
  review.flags = YearFlag();
  review.flags.push_back({"from", '\0', true, "DATE", "the period's first day (YYYY-MM-DD)"});
  review.flags.push_back({"to", '\0', true, "DATE", "the period's last day (YYYY-MM-DD)"});
  review.run = [](Invocation& inv) -> int {
    v1::BuildNetworkReviewRequest request;
    request.set_parent(NormalizeLibraryName(inv.operands()[0]));
    if (std::optional<std::string> year = inv.args().Get("year")) {
      absl::StatusOr<int32_t> y = ParseInt32Flag("year", *year);
      if (!y.ok()) return inv.UsageError(y.status().message());
      request.set_year(*y);
    }
    for (const char* flag : {"from", "to"}) {
      std::optional<std::string> value = inv.args().Get(flag);
      if (!value) continue;
      absl::StatusOr<google::type::Date> d = ParseDateFlag(flag, *value);
      if (!d.ok()) return inv.UsageError(d.status().message());
      *(std::string(flag) == "from" ? request.mutable_start_date() : request.mutable_end_date()) =
          *d;
    }
    if (request.year() == 0 && request.has_start_date() != request.has_end_date()) {
      return inv.UsageError("--from and --to go together");
    }
    if (request.year() == 0 && !request.has_start_date()) {
      return inv.UsageError("give --year YEAR, or --from DATE --to DATE");
    }
    v1::NetworkReview out;
    if (int code =
            Call<ReportService>(inv, &ReportService::Stub::BuildNetworkReview, request, &out);
        code != kExitOk) {
      return code;
    }
    const std::string title = request.year() != 0
                                  ? absl::StrCat("Аналитический обзор за ", request.year(), " год")
                                  : "Аналитический обзор за период";
    return PrintReview(inv, out, out, title);
  };
  registry->AddCommand(std::move(review));

  Command build = NewCommand(kResource, "build", "LIBRARY",
                             "Build the year's review and keep it as the yearly report.");
  build.details =
      "A new report or a draft gets the new build. An approved report never changes: the\n"
      "command prints the figures the new build gives differently instead.\n";
  build.flags = YearFlag();
  build.flags.push_back(RequestIdFlag());
  build.run = [](Invocation& inv) -> int {
    v1::BuildReportRequest request;
    std::string name;
    if (int code = ReportName(inv, &name); code != kExitOk) return code;
    FillNamedRequest(name, inv.args(), &request);
    v1::BuildReportResponse out;
    if (int code = Call<ReportService>(inv, &ReportService::Stub::BuildReport, request, &out);
        code != kExitOk) {
      return code;
    }
    Table table{{"LIBRARY", "KEY", "APPROVED", "NOW"}, {}};
    for (const v1::FigureChange& c : out.changes()) {
      table.rows.push_back({c.library().empty() ? "(вся сеть)" : c.library(), c.key(),
                            c.has_approved() ? FigureValue(c.approved()) : kEmptyCell,
                            c.has_current() ? FigureValue(c.current()) : kEmptyCell});
    }
    if (inv.options().output == OutputFormat::kTable) {
      if (out.stored()) {
        inv.out() << "Built " << out.report().name() << " ("
                  << EnumName(*v1::Report::State_descriptor(), out.report().state()) << ").\n";
        return kExitOk;
      }
      inv.out() << out.report().name() << " is APPROVED and stays as it is; "
                << (out.changes().empty() ? "a new build gives the same figures.\n"
                                          : "a new build differs in:\n\n");
      if (out.changes().empty()) return kExitOk;
    }
    return inv.Print(out, table);
  };
  registry->AddCommand(std::move(build));

  Command approve =
      NewCommand(kResource, "approve", "LIBRARY", "Approve the year's report (it never changes).");
  approve.flags = YearFlag();
  approve.flags.push_back(EtagFlag("report"));
  approve.flags.push_back(RequestIdFlag());
  approve.run = [](Invocation& inv) -> int {
    v1::ApproveReportRequest request;
    std::string name;
    if (int code = ReportName(inv, &name); code != kExitOk) return code;
    FillNamedRequest(name, inv.args(), &request);
    return CallAndPrint<ReportService>(inv, &ReportService::Stub::ApproveReport, request,
                                       ReportColumns());
  };
  registry->AddCommand(std::move(approve));

  Command get = NewCommand(kResource, "get", "LIBRARY",
                           "Show the year's report: its state and its review as kept.");
  get.flags = YearFlag();
  get.run = [](Invocation& inv) -> int {
    std::string name;
    if (int code = ReportName(inv, &name); code != kExitOk) return code;
    v1::GetReportRequest request;
    request.set_name(name);
    v1::Report out;
    if (int code = Call<ReportService>(inv, &ReportService::Stub::GetReport, request, &out);
        code != kExitOk) {
      return code;
    }
    if (inv.options().output == OutputFormat::kTable) {
      inv.out() << RenderTable(ReportColumns()(out), inv.options().table_width) << "\n";
    }
    return PrintReview(inv, out.review(), out, StateTitle(out));
  };
  registry->AddCommand(std::move(get));

  Command list = NewCommand(kResource, "list", "LIBRARY", "List the library's yearly reports.");
  list.flags = ListFlagSpecs("reports", /*filter_and_order=*/false);
  list.flags.push_back({"filter", '\0', true, "EXPR", "AIP-160 filter (state = APPROVED)"});
  list.run = ListCall<ReportService>(
      &ReportService::Stub::ListReports,
      [](v1::ListReportsResponse* page) { return page->mutable_reports(); }, ReportColumns(),
      "reports",
      [](Invocation& inv, v1::ListReportsRequest& request) {
        request.set_parent(NormalizeLibraryName(inv.operands()[0]));
        if (std::optional<std::string> f = inv.args().Get("filter")) request.set_filter(*f);
        return ApplyPageFlags(inv, request);
      });
  registry->AddCommand(std::move(list));
}

}  // namespace allies::ctl
