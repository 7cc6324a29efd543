#include "services/report/report_service.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "services/common/lifecycle.h"
#include "services/report/review.h"
#include "storage/report_tables.h"

namespace allies::services {
namespace {

absl::CivilDay UtcToday() { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }

ResourceRules<v1::Report> ReportRules() {
  ResourceRules<v1::Report> rules;
  rules.table = &storage::ReportsTable();
  rules.field = "report";
  // Written by BuildReport only (there is no Create or Update rpc).
  rules.mutable_fields = {"year", "state", "review"};
  return rules;
}

// DRAFT (built, rebuilt) -> APPROVED (never changed again).
const Lifecycle& ReportLifecycle() {
  static const Lifecycle* lifecycle = new Lifecycle(v1::Report::descriptor(), "REPORT_STATE");
  return *lifecycle;
}

}  // namespace

ReportService::ReportService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), pool_(deps.pool), reports_(deps.pool, ReportRules()) {
  using Async = v1::ReportService::AsyncService;
  Unary(&Async::RequestBuildNetworkReview, [this](const api::Call& c, const auto& r, auto* out) {
    return BuildNetworkReview(c, r, out);
  });
  Unary(&Async::RequestGetReport, [this](const api::Call& c, const auto& r, auto* out) {
    absl::Status ok = reports_.Get(c, r.name(), out);
    if (r.view() == v1::REPORT_VIEW_BASIC) out->clear_review();
    return ok;
  });
  Unary(&Async::RequestListReports, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListReports", r);
    args.default_order = "year desc";
    absl::Status ok =
        reports_.List(c, args, out->mutable_reports(), out->mutable_next_page_token());
    if (r.view() != v1::REPORT_VIEW_FULL) {
      for (v1::Report& report : *out->mutable_reports()) report.clear_review();
    }
    return ok;
  });
  Unary(&Async::RequestBuildReport,
        [this](const api::Call& c, const auto& r, auto* out) { return BuildReport(c, r, out); });
  Unary(&Async::RequestApproveReport,
        [this](const api::Call& c, const auto& r, auto* out) { return ApproveReport(c, r, out); });
}

absl::Status ReportService::BuildNetworkReview(const api::Call& call,
                                               const v1::BuildNetworkReviewRequest& r,
                                               v1::NetworkReview* out) {
  auto library = api::ParseLibraryName(r.parent(), "parent");
  if (!library.ok()) return library.status();
  auto period = review::PeriodOf(r.year(), r.start_date(), r.end_date(), UtcToday());
  if (!period.ok()) return period.status();
  auto built = review::Build(pool_, call, *library, *period);
  if (!built.ok()) return built.status();
  *out = *std::move(built);
  return absl::OkStatus();
}

absl::Status ReportService::BuildReport(const api::Call& call, const v1::BuildReportRequest& r,
                                        v1::BuildReportResponse* out) {
  auto key = reports_.table().ParseName(r.name(), "name");
  if (!key.ok()) return key.status();
  const absl::CivilDay today = UtcToday();
  int32_t year = 0;
  if (!absl::SimpleAtoi(key->id, &year) || year < 1900 || year > today.year()) {
    return api::InvalidField("name",
                             absl::StrCat("a report's id is its year, from 1900 to ", today.year(),
                                          ", got ", api::Quote(key->id)),
                             "INVALID_RESOURCE_NAME");
  }
  auto period = review::PeriodOf(year, {}, {}, today);
  if (!period.ok()) return period.status();
  auto built = review::Build(pool_, call, key->library_id, *period);
  if (!built.ok()) return built.status();

  // An approved report stays as it is: the response shows what the new build changes.
  auto approved = [&](v1::Report report) {
    out->Clear();
    for (v1::FigureChange& c : review::Differences(report.review(), *built)) {
      *out->add_changes() = std::move(c);
    }
    *out->mutable_report() = std::move(report);
    *out->mutable_current() = *std::move(built);
    out->set_stored(false);
    return absl::OkStatus();
  };
  v1::Report existing;
  absl::Status found = reports_.Get(call, r.name(), &existing);
  if (!found.ok() && found.code() != absl::StatusCode::kNotFound) return found;
  if (found.ok() && existing.state() == v1::Report::APPROVED) return approved(std::move(existing));
  v1::Report* report = out->mutable_report();
  absl::Status ok;
  if (!found.ok()) {
    v1::Report fresh;
    fresh.set_year(year);
    fresh.set_state(v1::Report::DRAFT);
    *fresh.mutable_review() = *built;
    ok = reports_.Create(call, api::LibraryName(key->library_id), fresh, key->id, r.request_id(), r,
                         report);
    // Built by another call meanwhile: rebuild that one (below).
    if (ok.code() != absl::StatusCode::kAlreadyExists) {
      out->set_stored(ok.ok());
      return ok;
    }
  }
  ok = reports_.Change(
      call, "BUILD", r.name(), /*etag=*/"", r.request_id(), r,
      [&](WriteContext&, const storage::ResourceKey&,
          v1::Report& current) -> absl::StatusOr<std::vector<std::string>> {
        if (!ReportLifecycle().In(current, {v1::Report::DRAFT})) {
          return ReportLifecycle().Wrong(current, "build", {v1::Report::DRAFT});
        }
        *current.mutable_review() = *built;
        return std::vector<std::string>{"review"};
      },
      report);
  if (api::ErrorReason(ok) == "REPORT_STATE") {
    // Approved between the read above and the write: answered as an approved report is.
    absl::Status again = reports_.Get(call, r.name(), &existing);
    if (!again.ok()) return again;
    return approved(std::move(existing));
  }
  out->set_stored(ok.ok());
  return ok;
}

absl::Status ReportService::ApproveReport(const api::Call& call, const v1::ApproveReportRequest& r,
                                          v1::Report* out) {
  return reports_.Change(
      call, "APPROVE", r.name(), r.etag(), r.request_id(), r,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          v1::Report& current) -> absl::StatusOr<std::vector<std::string>> {
        auto changed =
            ReportLifecycle().Move(current, "approve", {v1::Report::DRAFT}, v1::Report::APPROVED);
        if (!changed.ok()) return changed.status();
        current.set_approver(call.principal().name);
        api::ToTimestamp(ctx.now, current.mutable_approve_time());
        changed->insert(changed->end(), {"approver", "approve_time"});
        return changed;
      },
      out);
}

server::ServiceRegistration ReportServiceRegistration() {
  return {v1::ReportService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ReportService>(deps); }};
}

}  // namespace allies::services
