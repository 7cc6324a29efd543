#include "services/project/project_service.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/local_time.h"
#include "storage/project_tables.h"

namespace allies::services {
namespace {

using v1::Project;
using v1::Shift;
using v1::Signup;

constexpr size_t kMaxTitle = 300;
constexpr size_t kMaxText = 10000;
constexpr size_t kMaxPlace = 1000;
constexpr size_t kMaxReason = 1000;
constexpr size_t kMaxTag = 100;
constexpr int kMaxTags = 50;
constexpr int kMaxAge = 100;
constexpr int kMaxCapacity = 10000;
constexpr int kMaxPartySize = 20;
constexpr absl::Duration kMaxShiftLength = absl::Hours(24 * 7);

void CheckProject(const Project& p, const std::vector<std::string>& fields,
                  api::FieldViolations& v) {
  if (api::HasPath(fields, "title")) api::CheckText(v, "project.title", p.title(), kMaxTitle, true);
  if (api::HasPath(fields, "description")) {
    api::CheckText(v, "project.description", p.description(), kMaxText, false, true);
  }
  if (api::HasPath(fields, "skills")) {
    api::CheckValues(v, "project.skills", p.skills(), kMaxTags,
                     [](api::FieldViolations& v, absl::string_view path, absl::string_view value) {
                       api::CheckText(v, path, value, kMaxTag, true);
                     });
  }
  if (api::HasPath(fields, "minimum_age") && (p.minimum_age() < 0 || p.minimum_age() > kMaxAge)) {
    v.Add("project.minimum_age",
          absl::StrCat("must be 0 (none) - ", kMaxAge, ", got ", p.minimum_age()));
  }
  if (api::HasPath(fields, "required_qualifications")) {
    std::set<int> seen;
    for (int i = 0; i < p.required_qualifications_size(); ++i) {
      const int kind = p.required_qualifications(i);
      const std::string path = absl::StrCat("project.required_qualifications[", i, "]");
      if (kind == v1::Qualification::KIND_UNSPECIFIED || !v1::Qualification::Kind_IsValid(kind)) {
        v.Add(path, "must be TRAINING, MEDICAL_CERTIFICATE, NO_CRIMINAL_RECORD or OTHER");
      } else if (!seen.insert(kind).second) {
        v.Add(path, "is listed twice");
      }
    }
  }
  if (api::HasPath(fields, "start_date")) {
    api::CheckDate(v, "project.start_date", p.has_start_date(), p.start_date());
  }
  if (api::HasPath(fields, "end_date")) {
    api::CheckDate(v, "project.end_date", p.has_end_date(), p.end_date());
  }
}

void CheckShift(const Shift& s, const std::vector<std::string>& fields, api::FieldViolations& v) {
  for (const char* f : {"start_time", "end_time"}) {
    if (!api::HasPath(fields, f)) continue;
    const auto& t = std::string(f) == "start_time" ? s.start_time() : s.end_time();
    const bool has = std::string(f) == "start_time" ? s.has_start_time() : s.has_end_time();
    const std::string path = absl::StrCat("shift.", f);
    if (!has) {
      v.Add(path, absl::StrCat("is required (or local_", f,
                               " as \"YYYY-MM-DDTHH:MM\" in the library's time zone)"));
      continue;
    }
    absl::Status ok = api::CheckTimestamp(t, path);
    if (!ok.ok()) v.AddFrom(ok, path);
  }
  if (api::HasPath(fields, "capacity") && (s.capacity() < 1 || s.capacity() > kMaxCapacity)) {
    v.Add("shift.capacity", absl::StrCat("must be 1-", kMaxCapacity, ", got ", s.capacity()));
  }
  if (api::HasPath(fields, "waitlist_mode") &&
      (s.waitlist_mode() == v1::WAITLIST_MODE_UNSPECIFIED ||
       !v1::WaitlistMode_IsValid(s.waitlist_mode()))) {
    v.Add("shift.waitlist_mode", "must be NONE, MANUAL or AUTO");
  }
  if (api::HasPath(fields, "place")) api::CheckText(v, "shift.place", s.place(), kMaxPlace, false);
  if (api::HasPath(fields, "notes")) {
    api::CheckText(v, "shift.notes", s.notes(), kMaxText, false, true);
  }
}

void CheckShiftTimes(const Shift& s, const std::vector<std::string>& known,
                     api::FieldViolations& v) {
  if (!api::HasPath(known, "start_time") || !api::HasPath(known, "end_time") ||
      !s.has_start_time() || !s.has_end_time()) {
    return;
  }
  const absl::Time start = api::FromTimestamp(s.start_time());
  const absl::Time end = api::FromTimestamp(s.end_time());
  if (end <= start) {
    v.Add("shift.end_time", "must be after start_time");
  } else if (end - start > kMaxShiftLength) {
    v.Add("shift.end_time", "must be at most 7 days after start_time");
  }
}

// Fills a shift's local times from its instants and its library's zone (read with it).
void PresentShift(Shift& s) {
  absl::TimeZone zone;
  if (s.time_zone().empty() || !absl::LoadTimeZone(s.time_zone(), &zone)) return;
  if (s.has_start_time())
    s.set_local_start_time(FormatLocal(api::FromTimestamp(s.start_time()), zone));
  if (s.has_end_time()) s.set_local_end_time(FormatLocal(api::FromTimestamp(s.end_time()), zone));
}

}  // namespace

const Lifecycle& ProjectLifecycle() {
  static const auto* lifecycle = new Lifecycle(Project::descriptor(), "PROJECT_STATE");
  return *lifecycle;
}

const Lifecycle& SignupLifecycle() {
  static const auto* lifecycle = new Lifecycle(Signup::descriptor(), "SIGNUP_STATE");
  return *lifecycle;
}

ResourceRules<Project> ProjectRules() {
  ResourceRules<Project> rules;
  rules.table = &storage::ProjectsTable();
  rules.field = "project";
  rules.mutable_fields = {"title",      "description", "partner",     "agreement",
                          "branch",     "skills",      "minimum_age", "required_qualifications",
                          "start_date", "end_date"};
  rules.normalize = [](Project& p) {
    p.set_title(std::string(absl::StripAsciiWhitespace(p.title())));
  };
  rules.defaults = [](const api::Call&, absl::Time, Project& p) { p.set_state(Project::PLANNED); };
  rules.check = CheckProject;
  rules.check_record = [](const Project& p, const std::vector<std::string>& known,
                          api::FieldViolations& v) {
    if (api::HasPath(known, "start_date") && api::HasPath(known, "end_date") &&
        p.has_start_date() && p.has_end_date() &&
        api::FormatDate(p.start_date()) > api::FormatDate(p.end_date())) {
      v.Add("project.end_date",
            absl::StrCat("must not be before start_date (", api::FormatDate(p.start_date()), ")"));
    }
  };
  rules.updatable = [](const Project& current, const std::vector<std::string>&) {
    const Lifecycle& lifecycle = ProjectLifecycle();
    if (lifecycle.In(current, {Project::PLANNED, Project::ACTIVE})) return absl::OkStatus();
    return lifecycle.Wrong(current, "a change", {Project::PLANNED, Project::ACTIVE});
  };
  return rules;
}

ResourceRules<Shift> ShiftRules() {
  ResourceRules<Shift> rules;
  rules.table = &storage::ShiftsTable();
  rules.field = "shift";
  rules.parent_field = "project";
  rules.mutable_fields = {"start_time", "end_time", "capacity", "waitlist_mode", "place", "notes"};
  rules.defaults = [](const api::Call&, absl::Time, Shift& s) {
    if (s.waitlist_mode() == v1::WAITLIST_MODE_UNSPECIFIED) s.set_waitlist_mode(v1::AUTO);
  };
  rules.check = CheckShift;
  rules.check_record = CheckShiftTimes;
  rules.present = PresentShift;
  return rules;
}

ResourceRules<Signup> SignupRules() {
  ResourceRules<Signup> rules;
  rules.table = &storage::SignupsTable();
  rules.field = "signup";
  rules.parent_field = "shift";
  rules.mutable_fields = {"volunteer", "party_size", "source", "overlap_reason", "notes"};
  rules.defaults = [](const api::Call& call, absl::Time, Signup& s) {
    if (s.party_size() == 0) s.set_party_size(1);
    // A portal's sign-ups are self-service, whatever it says; staff's are theirs or imports.
    if (call.principal().role == api::Role::kIntegration) {
      s.set_source(Signup::SELF_SERVICE);
    } else if (s.source() != Signup::IMPORT) {
      s.set_source(Signup::STAFF);
    }
    s.set_state(Signup::REQUESTED);
  };
  rules.check = [](const Signup& s, const std::vector<std::string>& fields,
                   api::FieldViolations& v) {
    if (api::HasPath(fields, "volunteer") && s.volunteer().empty()) {
      v.Add("signup.volunteer", "is required: \"libraries/{library}/volunteers/{volunteer}\"");
    }
    if (api::HasPath(fields, "party_size") &&
        (s.party_size() < 1 || s.party_size() > kMaxPartySize)) {
      v.Add("signup.party_size",
            absl::StrCat("must be 1-", kMaxPartySize,
                         " (the volunteer and who comes with them), got ", s.party_size()));
    }
    if (api::HasPath(fields, "source") && !Signup::Source_IsValid(s.source())) {
      v.Add("signup.source", "must be STAFF, SELF_SERVICE or IMPORT");
    }
    if (api::HasPath(fields, "overlap_reason")) {
      api::CheckText(v, "signup.overlap_reason", s.overlap_reason(), kMaxReason, false, true);
    }
    if (api::HasPath(fields, "notes")) {
      api::CheckText(v, "signup.notes", s.notes(), kMaxReason, false, true);
    }
  };
  return rules;
}

absl::Status ProjectService::ChangeProjectState(const api::Call& call, absl::string_view verb,
                                                absl::string_view name, absl::string_view etag,
                                                const std::string& reason,
                                                absl::string_view request_id,
                                                const google::protobuf::Message& request,
                                                Project* out) {
  api::FieldViolations v;
  api::CheckText(v, "reason", reason, kMaxReason, verb == "CANCEL", true);
  if (!v.empty()) return v.ToStatus();
  return projects_.Change(
      call, verb, name, etag, request_id, request,
      [&](WriteContext&, const storage::ResourceKey&,
          Project& p) -> absl::StatusOr<std::vector<std::string>> {
        const Lifecycle& lifecycle = ProjectLifecycle();
        absl::StatusOr<std::vector<std::string>> moved;
        if (verb == "ACTIVATE") {
          moved = lifecycle.Move(p, "activation", {Project::PLANNED}, Project::ACTIVE);
        } else if (verb == "COMPLETE") {
          moved = lifecycle.Move(p, "completion", {Project::ACTIVE}, Project::COMPLETED);
        } else {
          moved = lifecycle.Move(p, "cancellation", {Project::PLANNED, Project::ACTIVE},
                                 Project::CANCELLED);
        }
        if (!moved.ok()) return moved;
        if (p.state_reason() != reason) {
          p.set_state_reason(reason);
          moved->push_back("state_reason");
        }
        return moved;
      },
      out);
}

namespace {

// Local start and end times of a request turned into instants in the library's zone; an
// INVALID_ARGUMENT names the field.
absl::Status ResolveLocalTimes(storage::ConnectionPool& pool, const api::Call& call,
                               const std::string& library_id, Shift* shift,
                               std::vector<std::string>* mask_paths) {
  const bool start = !shift->local_start_time().empty() && !shift->has_start_time();
  const bool end = !shift->local_end_time().empty() && !shift->has_end_time();
  if (!start && !end) return absl::OkStatus();
  api::FieldViolations v;
  std::optional<absl::CivilMinute> local_start, local_end;
  if (start && !(local_start = ParseLocal(shift->local_start_time()))) {
    v.Add("shift.local_start_time", absl::StrCat("must be \"YYYY-MM-DDTHH:MM\", got ",
                                                 api::Quote(shift->local_start_time())));
  }
  if (end && !(local_end = ParseLocal(shift->local_end_time()))) {
    v.Add("shift.local_end_time",
          absl::StrCat("must be \"YYYY-MM-DDTHH:MM\", got ", api::Quote(shift->local_end_time())));
  }
  if (!v.empty()) return v.ToStatus();
  return storage::RunRead(
      pool,
      [&](storage::Session& s) -> absl::Status {
        auto zone = LibraryTimeZone(s, library_id);
        if (!zone.ok()) return zone.status();
        if (local_start) {
          api::ToTimestamp(FromLocal(*local_start, *zone), shift->mutable_start_time());
          if (mask_paths) mask_paths->push_back("start_time");
        }
        if (local_end) {
          api::ToTimestamp(FromLocal(*local_end, *zone), shift->mutable_end_time());
          if (mask_paths) mask_paths->push_back("end_time");
        }
        return absl::OkStatus();
      },
      call.deadline());
}

}  // namespace

absl::Status ProjectService::CreateShift(const api::Call& call,
                                         const v1::CreateShiftRequest& request, Shift* out) {
  Shift shift = request.shift();
  auto parent = shifts_.table().ParseCreateParent(request.parent(), "parent");
  if (!parent.ok()) return parent.status();
  absl::Status ok = ResolveLocalTimes(pool_, call, parent->library_id, &shift, nullptr);
  if (!ok.ok()) return ok;
  return shifts_.Create(call, request.parent(), shift, request.shift_id(), request.request_id(),
                        request, out);
}

absl::Status ProjectService::UpdateShift(const api::Call& call,
                                         const v1::UpdateShiftRequest& request, Shift* out) {
  Shift shift = request.shift();
  google::protobuf::FieldMask mask = request.update_mask();
  // local_start_time / local_end_time in the mask stand for the instants they name.
  std::vector<std::string> local;
  google::protobuf::FieldMask resolved;
  for (const std::string& path : mask.paths()) {
    if (path == "local_start_time" || path == "local_end_time") {
      local.push_back(path);
    } else {
      resolved.add_paths(path);
    }
  }
  if (!local.empty()) {
    // Each side given in local time stands for its instant; the other stays as sent.
    if (api::HasPath(local, "local_start_time")) {
      shift.clear_start_time();
    } else {
      shift.clear_local_start_time();
    }
    if (api::HasPath(local, "local_end_time")) {
      shift.clear_end_time();
    } else {
      shift.clear_local_end_time();
    }
    auto key = shifts_.table().ParseName(shift.name(), "shift.name");
    if (!key.ok()) return key.status();
    std::vector<std::string> paths;
    absl::Status ok = ResolveLocalTimes(pool_, call, key->library_id, &shift, &paths);
    if (!ok.ok()) return ok;
    for (const auto& p : paths) resolved.add_paths(p);
    mask = resolved;
  }
  return shifts_.Update(call, shift, mask, out);
}

ProjectService::ProjectService(const server::ServiceDeps& deps)
    : AsyncServiceHost(deps.authenticator),
      pool_(deps.pool),
      projects_(deps.pool, ProjectRules()),
      shifts_(deps.pool,
              [this] {
                ResourceRules<Shift> rules = ShiftRules();
                rules.check_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                           const Shift& shift,
                                           const std::vector<std::string>& changed) {
                  return CheckShiftWrite(ctx, key, shift, changed);
                };
                rules.after_write = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                           const Shift* before, const Shift& after) {
                  return AfterShiftWrite(ctx, key, before, after);
                };
                return rules;
              }()),
      schedules_(deps.pool,
                 [this] {
                   ResourceRules<v1::Schedule> rules = ScheduleRules();
                   rules.settle_update = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                                const v1::Schedule& before, v1::Schedule& after,
                                                std::vector<std::string>& changed) {
                     return SettleSchedule(ctx, key, before, after, changed);
                   };
                   rules.before_delete = [this](WriteContext& ctx, const storage::ResourceKey& key,
                                                const v1::Schedule& schedule, bool force) {
                     return EndSchedule(ctx, key, schedule, force);
                   };
                   return rules;
                 }()),
      signups_(deps.pool, SignupRules()),
      hours_(deps.pool, HoursRules()) {
  using Async = v1::ProjectService::AsyncService;
  Unary(&Async::RequestGetProject, [this](const api::Call& c, const auto& r, auto* out) {
    return projects_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListProjects, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListProjects", r);
    return projects_.List(c, args, out->mutable_projects(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateProject, [this](const api::Call& c, const auto& r, auto* out) {
    return projects_.Create(c, r.parent(), r.project(), r.project_id(), r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdateProject, [this](const api::Call& c, const auto& r, auto* out) {
    return projects_.Update(c, r.project(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteProject, [this](const api::Call& c, const auto& r, auto* out) {
    return projects_.Delete(c, r.name(), r.etag(), r.force(), out);
  });
  Unary(&Async::RequestUndeleteProject, [this](const api::Call& c, const auto& r, auto* out) {
    return projects_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
  Unary(&Async::RequestActivateProject, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeProjectState(c, "ACTIVATE", r.name(), r.etag(), r.reason(), r.request_id(), r,
                              out);
  });
  Unary(&Async::RequestCompleteProject, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeProjectState(c, "COMPLETE", r.name(), r.etag(), r.reason(), r.request_id(), r,
                              out);
  });
  Unary(&Async::RequestCancelProject, [this](const api::Call& c, const auto& r, auto* out) {
    return ChangeProjectState(c, "CANCEL", r.name(), r.etag(), r.reason(), r.request_id(), r, out);
  });

  Unary(&Async::RequestGetShift, [this](const api::Call& c, const auto& r, auto* out) {
    return shifts_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListShifts, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListShifts", r);
    args.default_order = "start_time";
    return shifts_.List(c, args, out->mutable_shifts(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateShift,
        [this](const api::Call& c, const auto& r, auto* out) { return CreateShift(c, r, out); });
  Unary(&Async::RequestUpdateShift,
        [this](const api::Call& c, const auto& r, auto* out) { return UpdateShift(c, r, out); });
  Unary(&Async::RequestDeleteShift, [this](const api::Call& c, const auto& r, auto* out) {
    return shifts_.Delete(c, r.name(), r.etag(), r.force(), out);
  });
  Unary(&Async::RequestUndeleteShift, [this](const api::Call& c, const auto& r, auto* out) {
    return shifts_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
  Unary(&Async::RequestListUpcomingShifts,
        [this](const api::Call& c, const auto& r, auto* out) { return ListUpcoming(c, r, out); });

  Unary(&Async::RequestGetSchedule, [this](const api::Call& c, const auto& r, auto* out) {
    return schedules_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListSchedules, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListSchedules", r);
    return schedules_.List(c, args, out->mutable_schedules(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateSchedule,
        [this](const api::Call& c, const auto& r, auto* out) { return CreateSchedule(c, r, out); });
  Unary(&Async::RequestUpdateSchedule, [this](const api::Call& c, const auto& r, auto* out) {
    return schedules_.Update(c, r.schedule(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteSchedule, [this](const api::Call& c, const auto& r, auto* out) {
    return schedules_.Delete(c, r.name(), r.etag(), r.force(), out);
  });

  Unary(&Async::RequestGetSignup, [this](const api::Call& c, const auto& r, auto* out) {
    return signups_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListSignups, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListSignups", r);
    args.default_order = "create_time";
    return signups_.List(c, args, out->mutable_signups(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateSignup,
        [this](const api::Call& c, const auto& r, auto* out) { return CreateSignup(c, r, out); });
  Unary(&Async::RequestConfirmSignup, [this](const api::Call& c, const auto& r, auto* out) {
    return MoveSignup(c, "CONFIRM", r.name(), r.etag(), r.reason(), r.overlap_reason(),
                      r.request_id(), r, out);
  });
  Unary(&Async::RequestWaitlistSignup, [this](const api::Call& c, const auto& r, auto* out) {
    return MoveSignup(c, "WAITLIST", r.name(), r.etag(), r.reason(), "", r.request_id(), r, out);
  });
  Unary(&Async::RequestCancelSignup, [this](const api::Call& c, const auto& r, auto* out) {
    return MoveSignup(c, "CANCEL", r.name(), r.etag(), r.reason(), "", r.request_id(), r, out);
  });
  Unary(&Async::RequestCompleteSignup, [this](const api::Call& c, const auto& r, auto* out) {
    return MoveSignup(c, "COMPLETE", r.name(), r.etag(), r.reason(), "", r.request_id(), r, out);
  });
  Unary(&Async::RequestMarkSignupNoShow, [this](const api::Call& c, const auto& r, auto* out) {
    return MoveSignup(c, "NO_SHOW", r.name(), r.etag(), r.reason(), "", r.request_id(), r, out);
  });

  Unary(&Async::RequestGetHours, [this](const api::Call& c, const auto& r, auto* out) {
    return hours_.Get(c, r.name(), out);
  });
  Unary(&Async::RequestListHours, [this](const api::Call& c, const auto& r, auto* out) {
    ListArgs args = ListArgs::Of("ListHours", r);
    args.default_order = "work_date";
    return hours_.List(c, args, out->mutable_hours(), out->mutable_next_page_token());
  });
  Unary(&Async::RequestCreateHours, [this](const api::Call& c, const auto& r, auto* out) {
    return hours_.Create(c, r.parent(), r.hours(), r.hours_id(), r.request_id(), r, out);
  });
  Unary(&Async::RequestUpdateHours, [this](const api::Call& c, const auto& r, auto* out) {
    return hours_.Update(c, r.hours(), r.update_mask(), out);
  });
  Unary(&Async::RequestDeleteHours, [this](const api::Call& c, const auto& r, auto* out) {
    return hours_.Delete(c, r.name(), r.etag(), false, out);
  });
  Unary(&Async::RequestUndeleteHours, [this](const api::Call& c, const auto& r, auto* out) {
    return hours_.Undelete(c, r.name(), r.etag(), r.request_id(), r, out);
  });
  Unary(&Async::RequestApproveHours, [this](const api::Call& c, const auto& r, auto* out) {
    return ReviewHours(c, "APPROVE", r.name(), r.etag(), r.reason(), r.request_id(), r, out);
  });
  Unary(&Async::RequestRejectHours, [this](const api::Call& c, const auto& r, auto* out) {
    return ReviewHours(c, "REJECT", r.name(), r.etag(), r.reason(), r.request_id(), r, out);
  });
  Unary(&Async::RequestGetRecordBook,
        [this](const api::Call& c, const auto& r, auto* out) { return GetRecordBook(c, r, out); });
  Unary(&Async::RequestListApprovedHours, [this](const api::Call& c, const auto& r, auto* out) {
    return ListApprovedHours(c, r, out);
  });
}

server::ServiceRegistration ProjectServiceRegistration() {
  return {v1::ProjectService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ProjectService>(deps); },
          {"extended recurring schedules' shifts to their horizons", ExtendSchedules}};
}

}  // namespace allies::services
