#include "clients/alliesctl/activities.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "allies/v1/activity.grpc.pb.h"
#include "clients/alliesctl/errors.h"
#include "clients/alliesctl/libraries.h"

namespace allies::ctl {
namespace {

using allies::v1::Activity;
using allies::v1::ActivityLogService;

constexpr char kResource[] = "activities";

const Columns<Activity>& ActivityColumns() {
  static const auto* const columns = new Columns<Activity>{
      {"NAME", "KIND", "WHEN", "ACTOR", "WHAT"}, [](const Activity& a) -> std::vector<std::string> {
        // System entries say what changed; recorded ones what they were about.
        const std::string what = a.kind() == Activity::SYSTEM
                                     ? absl::StrCat(a.verb(), " ", a.resource(), " (",
                                                    absl::StrJoin(a.changed_fields(), ", "), ")")
                                     : a.subject();
        return {a.name(), Activity::Kind_Name(a.kind()), FormatTimestamp(a.occurred_time()),
                a.actor(), what};
      }};
  return *columns;
}

// The shared list request, and --related: a shorthand for "what happened with this
// partner/contact/...", combined with --filter.
struct ActivityListFlags {
  int operator()(Invocation& inv, allies::v1::ListActivitiesRequest& request) const {
    if (int code = SharedListFlags()(inv, request); code != kExitOk) return code;
    if (std::optional<std::string> related = inv.args().Get("related")) {
      std::string filter = absl::StrCat("related: \"", *related, "\"");
      if (std::optional<std::string> more = inv.args().Get("filter")) {
        filter = absl::StrCat("(", *more, ") AND ", filter);
      }
      request.set_filter(filter);
    }
    return kExitOk;
  }
};

absl::StatusOr<allies::v1::CreateActivityRequest> LogRequest(Invocation& inv) {
  return BuildLogActivityRequest(inv.operands()[0], inv.args());
}

}  // namespace

absl::StatusOr<allies::v1::CreateActivityRequest> BuildLogActivityRequest(absl::string_view parent,
                                                                          const ParsedArgs& args) {
  allies::v1::CreateActivityRequest request;
  request.set_parent(NormalizeLibraryName(parent));
  Activity* activity = request.mutable_activity();
  const std::optional<std::string> kind = args.Get("kind");
  if (!kind) return absl::InvalidArgumentError("--kind is required");
  Activity::Kind parsed = Activity::KIND_UNSPECIFIED;
  if (!Activity::Kind_Parse(absl::AsciiStrToUpper(*kind), &parsed) || parsed == Activity::SYSTEM) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown activity kind \"", *kind,
                     "\" (want MEETING, CALL, EMAIL, LETTER, EVENT, PUBLICATION or OTHER)"));
  }
  activity->set_kind(parsed);
  const std::optional<std::string> subject = args.Get("subject");
  if (!subject) return absl::InvalidArgumentError("--subject is required");
  activity->set_subject(*subject);
  if (auto description = args.Get("description")) activity->set_description(*description);
  for (const std::string& name : args.GetList("related")) activity->add_related(name);
  if (auto when = args.Get("occurred-time")) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, *when, &t, &err)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--occurred-time: expected RFC 3339 like 2026-11-26T10:00:00Z, got \"", *when, "\""));
    }
    activity->mutable_occurred_time()->set_seconds(absl::ToUnixSeconds(t));
  }
  if (auto date = args.Get("follow-up-date")) {
    absl::StatusOr<google::type::Date> parsed_date = ParseDateFlag("follow-up-date", *date);
    if (!parsed_date.ok()) return parsed_date.status();
    *activity->mutable_follow_up_date() = *parsed_date;
  }
  if (auto rid = args.Get("request-id")) request.set_request_id(*rid);
  return request;
}

void RegisterActivityCommands(CommandRegistry* registry) {
  registry->AddResource({kResource, {"activity", "act"}, "the activity log"});

  Command get =
      NewCommand(kResource, "get", "NAME", "Show an activity (libraries/x/activities/y).");
  get.run =
      NamedCall<ActivityLogService>(&ActivityLogService::Stub::GetActivity, ActivityColumns());
  registry->AddCommand(std::move(get));

  Command list =
      NewCommand(kResource, "list", "[LIBRARY]",
                 "List the activity log of a library (default: every library), newest first.");
  list.details =
      "Filter fields: kind, actor, verb, resource, related, subject, description,\n"
      "occurred_time, create_time, follow_up_date; e.g. --filter 'kind = MEETING'.\n"
      "Sortable: occurred_time, create_time, kind.\n";
  list.flags = ListFlagSpecs("activities", /*filter_and_order=*/true);
  list.flags.push_back(
      {"related", '\0', true, "NAME", "only activities about this resource (e.g. a partner)"});
  list.run = ListCall<ActivityLogService>(
      &ActivityLogService::Stub::ListActivities,
      [](allies::v1::ListActivitiesResponse* page) { return page->mutable_activities(); },
      ActivityColumns(), "activities", ActivityListFlags());
  registry->AddCommand(std::move(list));

  Command log = NewCommand(kResource, "log", "LIBRARY",
                           "Record a meeting, call, letter, ... in a library's log.");
  log.flags = {
      {"kind", '\0', true, "KIND", "MEETING, CALL, EMAIL, LETTER, EVENT, PUBLICATION or OTHER"},
      {"subject", '\0', true, "TEXT", "what it was about (required)"},
      {"description", '\0', true, "TEXT", "details"},
      {"related", '\0', true, "NAME",
       "a resource it concerns (a partner, contact, agreement, ...); repeatable or "
       "comma-separated"},
      {"occurred-time", '\0', true, "TIME", "when, RFC 3339 (default: now)"},
      {"follow-up-date", '\0', true, "DATE", "when to follow up, YYYY-MM-DD"},
      RequestIdFlag(),
  };
  log.run = Send<ActivityLogService>(&ActivityLogService::Stub::CreateActivity, LogRequest,
                                     ActivityColumns());
  registry->AddCommand(std::move(log));
}

}  // namespace allies::ctl
