#include "services/activity/activity_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "storage/activity_log.h"
#include "storage/core_tables.h"

namespace allies::services {
namespace {

using v1::Activity;

constexpr size_t kMaxSubject = 300;
constexpr size_t kMaxDescription = 10000;
constexpr int kMaxRelated = 50;

void CheckActivity(const Activity& a, const std::vector<std::string>& fields,
                   api::FieldViolations& v) {
  auto wanted = [&](absl::string_view f) { return api::HasPath(fields, f); };
  if (wanted("kind") && (a.kind() == Activity::KIND_UNSPECIFIED || a.kind() == Activity::SYSTEM ||
                         !Activity::Kind_IsValid(a.kind()))) {
    v.Add("activity.kind",
          "is required: MEETING, CALL, EMAIL, LETTER, EVENT, PUBLICATION or OTHER "
          "(SYSTEM entries are written by the server)");
  }
  if (wanted("subject")) {
    api::CheckText(v, "activity.subject", a.subject(), kMaxSubject, /*required=*/true);
  }
  if (wanted("description")) {
    api::CheckText(v, "activity.description", a.description(), kMaxDescription, false, true);
  }
  if (wanted("occurred_time") && a.has_occurred_time() &&
      !api::CheckTimestamp(a.occurred_time(), "activity.occurred_time").ok()) {
    v.Add("activity.occurred_time", "is not a valid timestamp");
  }
  if (wanted("related") && a.related_size() > kMaxRelated) {
    v.Add("activity.related", absl::StrCat("at most ", kMaxRelated, " resources"));
  }
  if (wanted("follow_up_date") && a.has_follow_up_date()) {
    auto date = api::FromProtoDate(a.follow_up_date(), "activity.follow_up_date");
    if (!date.ok()) v.AddFrom(date.status(), "activity.follow_up_date");
  }
}

absl::Status Immutable(const Activity& a) {
  return api::Error(
      absl::StatusCode::kFailedPrecondition, "ACTIVITY_IMMUTABLE",
      absl::StrCat(a.name(), " is a system entry; the log of changes cannot be edited"),
      {{"resource", a.name()}});
}

// The resources related before and after a write: the interaction times of both may move.
std::vector<std::string> Related(const Activity* before, const Activity& after) {
  std::vector<std::string> names(after.related().begin(), after.related().end());
  if (before != nullptr)
    names.insert(names.end(), before->related().begin(), before->related().end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace

ResourceRules<Activity> ActivityRules() {
  ResourceRules<Activity> rules;
  rules.table = &storage::ActivitiesTable();
  rules.field = "activity";
  rules.mutable_fields = {"kind",          "subject", "description",
                          "occurred_time", "related", "follow_up_date"};
  rules.normalize = [](Activity& a) {
    // The same resource named twice is one relation; times are kept to the microsecond.
    std::vector<std::string> related;
    for (const auto& r : a.related()) {
      if (std::find(related.begin(), related.end(), r) == related.end()) related.push_back(r);
    }
    a.clear_related();
    for (auto& r : related) a.add_related(std::move(r));
    if (a.has_occurred_time() && api::CheckTimestamp(a.occurred_time(), "").ok()) {
      a.mutable_occurred_time()->set_nanos(a.occurred_time().nanos() / 1000 * 1000);
    }
  };
  rules.defaults = [](const api::Call& call, absl::Time now, Activity& a) {
    a.set_actor(call.principal().name);
    if (!a.has_occurred_time()) api::ToTimestamp(now, a.mutable_occurred_time());
  };
  rules.check = CheckActivity;
  rules.updatable = [](const Activity& current, const std::vector<std::string>&) {
    return current.kind() == Activity::SYSTEM ? Immutable(current) : absl::OkStatus();
  };
  rules.before_delete = [](WriteContext&, const storage::ResourceKey&, const Activity& a,
                           bool) -> absl::Status {
    return a.kind() == Activity::SYSTEM ? Immutable(a) : absl::OkStatus();
  };
  rules.after_write = [](WriteContext& ctx, const storage::ResourceKey&, const Activity* before,
                         const Activity& after) -> absl::Status {
    return storage::activities::RefreshInteractionTimes(ctx.session, Related(before, after));
  };
  return rules;
}

ActivityLogService::ActivityLogService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator), activities_(deps.pool, ActivityRules()) {
  using Async = v1::ActivityLogService::AsyncService;
  Unary(&Async::RequestGetActivity, [this](const api::Call& c, const auto& r, auto* out) {
    return activities_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListActivities, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListActivities", r);
    args.default_order = "create_time desc";
    return activities_.List(c, args, out->mutable_activities(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateActivity, [this](const api::Call& c, const auto& r, auto* out) {
    return activities_.Create(c, r.parent(), r.activity(), "", r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdateActivity, [this](const api::Call& c, const auto& r, auto* out) {
    return activities_.Update(c, r.activity(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteActivity, [this](const api::Call& c, const auto& r, auto* out) {
    return activities_.Delete(c, r.name(), r.etag(), false, out);
  });
  Unary(&Async::RequestUndeleteActivity, [this](const api::Call& c, const auto& r, auto* out) {
    return activities_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
}

server::ServiceRegistration ActivityLogServiceRegistration() {
  return {v1::ActivityLogService::service_full_name(), [](const server::ServiceDeps& deps) {
            return std::make_unique<ActivityLogService>(deps);
          }};
}

}  // namespace allies::services
