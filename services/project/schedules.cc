// Recurring shifts. A schedule's occurrences exist as real shifts from today to its horizon
// (local days in the library's zone): made when it is created, extended hourly by the host's
// housekeeping, and never made twice (a shift remembers its schedule and occurrence date, which
// a unique key holds, deleted shifts included, so an occurrence someone deleted stays deleted).
// Made from the last day made onwards, so as time passes there is no gap. A change of the
// schedule is carried to its future shifts that have no sign-ups; those with sign-ups keep
// their time and capacity and are reported in kept_shifts.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/fields.h"
#include "api/log.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/local_time.h"
#include "services/project/project_service.h"
#include "services/project/recurrence.h"
#include "storage/project_tables.h"
#include "storage/transaction.h"

namespace allies::services {
namespace {

using v1::Schedule;
using v1::Shift;

constexpr int kDefaultHorizonDays = 90;
constexpr int kMinHorizonDays = 7;
constexpr int kMaxHorizonDays = 366;
constexpr int kMaxDurationMinutes = 24 * 60;
constexpr int kMaxCapacity = 10000;
constexpr size_t kMaxPlace = 1000;
constexpr size_t kMaxText = 10000;
// Schedules one housekeeping run extends.
constexpr int kExtendBatch = 500;

// What a schedule's change carries to its shifts.
const std::vector<std::string>& OccurrenceFields() {
  static const auto* fields = new std::vector<std::string>{
      "rule",          "start_date", "start_time", "duration_minutes", "capacity",
      "waitlist_mode", "place",      "notes",      "horizon_days"};
  return *fields;
}

void CheckSchedule(const Schedule& s, const std::vector<std::string>& fields,
                   api::FieldViolations& v) {
  if (api::HasPath(fields, "rule")) {
    auto rule = ParseRecurrenceRule(s.rule());
    if (s.rule().empty()) {
      v.Add("schedule.rule",
            "is required: an RRULE such as \"FREQ=WEEKLY;BYDAY=SA\" or "
            "\"FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231\"");
    } else if (!rule.ok()) {
      v.Add("schedule.rule", std::string(rule.status().message()));
    }
  }
  if (api::HasPath(fields, "start_date")) {
    if (!s.has_start_date()) {
      v.Add("schedule.start_date", "is required: the series' first day");
    } else {
      api::CheckDate(v, "schedule.start_date", true, s.start_date());
    }
  }
  if (api::HasPath(fields, "start_time") && !api::IsClockTime(s.start_time())) {
    v.Add("schedule.start_time",
          absl::StrCat("must be HH:MM (00:00-23:59, local), got ", api::Quote(s.start_time())));
  }
  if (api::HasPath(fields, "duration_minutes") &&
      (s.duration_minutes() < 1 || s.duration_minutes() > kMaxDurationMinutes)) {
    v.Add("schedule.duration_minutes",
          absl::StrCat("must be 1-", kMaxDurationMinutes, ", got ", s.duration_minutes()));
  }
  if (api::HasPath(fields, "capacity") && (s.capacity() < 1 || s.capacity() > kMaxCapacity)) {
    v.Add("schedule.capacity", absl::StrCat("must be 1-", kMaxCapacity, ", got ", s.capacity()));
  }
  if (api::HasPath(fields, "waitlist_mode") &&
      (s.waitlist_mode() == v1::WAITLIST_MODE_UNSPECIFIED ||
       !v1::WaitlistMode_IsValid(s.waitlist_mode()))) {
    v.Add("schedule.waitlist_mode", "must be NONE, MANUAL or AUTO");
  }
  if (api::HasPath(fields, "place")) {
    api::CheckText(v, "schedule.place", s.place(), kMaxPlace, false);
  }
  if (api::HasPath(fields, "notes")) {
    api::CheckText(v, "schedule.notes", s.notes(), kMaxText, false, true);
  }
  if (api::HasPath(fields, "horizon_days") &&
      (s.horizon_days() < kMinHorizonDays || s.horizon_days() > kMaxHorizonDays)) {
    v.Add("schedule.horizon_days",
          absl::StrCat("must be ", kMinHorizonDays, "-", kMaxHorizonDays, " (default ",
                       kDefaultHorizonDays, "), got ", s.horizon_days()));
  }
}

storage::ResourceKey ProjectKeyOf(const storage::ResourceKey& schedule) {
  return storage::ResourceKey(schedule.library_id, schedule.parents.at(0));
}

// The shift of an occurrence on `day`, as the schedule says.
Shift OccurrenceShift(const Schedule& schedule, absl::CivilDay day, absl::TimeZone zone) {
  const int hour = (schedule.start_time()[0] - '0') * 10 + (schedule.start_time()[1] - '0');
  const int minute = (schedule.start_time()[3] - '0') * 10 + (schedule.start_time()[4] - '0');
  const absl::Time start =
      FromLocal(absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute), zone);
  Shift shift;
  api::ToTimestamp(start, shift.mutable_start_time());
  api::ToTimestamp(start + absl::Minutes(schedule.duration_minutes()), shift.mutable_end_time());
  shift.set_capacity(schedule.capacity());
  shift.set_waitlist_mode(schedule.waitlist_mode());
  shift.set_place(schedule.place());
  shift.set_notes(schedule.notes());
  return shift;
}

// The local days of the schedule's occurrences in [from, through].
std::vector<absl::CivilDay> Occurrences(const Schedule& schedule, absl::CivilDay from,
                                        absl::CivilDay through) {
  auto rule = ParseRecurrenceRule(schedule.rule());
  if (!rule.ok() || from > through) return {};
  return ExpandRecurrence(*rule, ToCivilDay(schedule.start_date()), from, through,
                          static_cast<size_t>(through - from + 1));
}

// Every occurrence day the schedule already has a shift for (deleted ones too).
absl::StatusOr<std::set<absl::CivilDay>> MadeDays(storage::Session& s,
                                                  const storage::ResourceKey& key,
                                                  const std::string& name) {
  return s.Run([&]() -> absl::StatusOr<std::set<absl::CivilDay>> {
    auto rs = s.Query(
        "SELECT occurrence_date FROM shifts WHERE library_id = ? AND project_id = ? AND "
        "schedule = ?",
        key.library_id, key.parents.at(0), name);
    std::set<absl::CivilDay> days;
    while (rs->next()) {
      absl::CivilDay day;
      if (absl::ParseCivilTime(storage::GetString(*rs, 1), &day)) days.insert(day);
    }
    return days;
  });
}

// Makes the shifts of the occurrences in [from, through] that have none yet.
absl::Status MakeOccurrences(WriteContext& ctx, ResourceMethods<Shift>& shifts,
                             const storage::ResourceKey& key, const Schedule& schedule,
                             absl::TimeZone zone, absl::CivilDay from, absl::CivilDay through) {
  const std::vector<absl::CivilDay> days = Occurrences(schedule, from, through);
  if (days.empty()) return absl::OkStatus();
  auto made = MadeDays(ctx.session, key, schedule.name());
  if (!made.ok()) return made.status();
  const storage::ResourceKey project(key.library_id, "", {key.parents.at(0)});
  for (const absl::CivilDay day : days) {
    if (made->count(day) > 0) continue;
    Shift out;
    absl::Status ok = shifts.CreateIn(ctx, project, OccurrenceShift(schedule, day, zone), "",
                                      "shift", &out, [&](Shift& shift) {
                                        shift.set_schedule(schedule.name());
                                        ToProtoDate(day, shift.mutable_occurrence_date());
                                        return absl::OkStatus();
                                      });
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

// The last local day the schedule's shifts should reach today.
absl::CivilDay HorizonOf(const Schedule& schedule, absl::Time now, absl::TimeZone zone) {
  return absl::ToCivilDay(now, zone) + schedule.horizon_days();
}

absl::Status SetGeneratedThrough(storage::Session& s, const storage::ResourceKey& key,
                                 absl::CivilDay through) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "UPDATE schedules SET generated_through = ? WHERE library_id = ? AND project_id = ? AND "
        "id = ?",
        absl::FormatCivilTime(through), key.library_id, key.parents.at(0), key.id);
    return absl::OkStatus();
  });
}

// Extends the schedule's shifts to its horizon from the day after the last one made (never
// into the past); returns the new last day.
absl::StatusOr<absl::CivilDay> Extend(WriteContext& ctx, ResourceMethods<Shift>& shifts,
                                      const storage::ResourceKey& key, const Schedule& schedule) {
  auto zone = LibraryTimeZone(ctx.session, key.library_id);
  if (!zone.ok()) return zone.status();
  const absl::CivilDay today = absl::ToCivilDay(ctx.now, *zone);
  const absl::CivilDay through = HorizonOf(schedule, ctx.now, *zone);
  absl::CivilDay from = std::max(today, ToCivilDay(schedule.start_date()));
  if (schedule.has_generated_through()) {
    from = std::max(from, ToCivilDay(schedule.generated_through()) + 1);
  }
  absl::Status ok = MakeOccurrences(ctx, shifts, key, schedule, *zone, from, through);
  if (!ok.ok()) return ok;
  ok = SetGeneratedThrough(ctx.session, key, through);
  if (!ok.ok()) return ok;
  return through;
}

struct FutureShift {
  storage::ResourceKey key;
  absl::CivilDay day;
  bool booked = false;  // has live sign-ups
};

// The schedule's live shifts that have not started.
absl::StatusOr<std::vector<FutureShift>> FutureShifts(storage::Session& s,
                                                      const storage::ResourceKey& key,
                                                      const std::string& name, absl::Time now) {
  return s.Run([&]() -> absl::StatusOr<std::vector<FutureShift>> {
    auto rs = s.Query(
        "SELECT t.id, t.occurrence_date, EXISTS (SELECT 1 FROM signups u WHERE u.library_id = "
        "t.library_id AND u.project_id = t.project_id AND u.shift_id = t.id AND u.state IN (1, 2, "
        "3) AND u.delete_time IS NULL) FROM shifts t WHERE t.library_id = ? AND t.project_id = ? "
        "AND t.schedule = ? AND t.delete_time IS NULL AND t.start_time > ? ORDER BY t.start_time "
        "FOR UPDATE",
        key.library_id, key.parents.at(0), name, now);
    std::vector<FutureShift> out;
    while (rs->next()) {
      FutureShift f;
      f.key = storage::ResourceKey(key.library_id, storage::GetString(*rs, 1), {key.parents.at(0)});
      absl::ParseCivilTime(storage::GetString(*rs, 2), &f.day);
      f.booked = rs->getBoolean(3);
      out.push_back(std::move(f));
    }
    return out;
  });
}

// Soft-deletes a shift (and with `children`, its sign-ups) with its DELETE entry.
absl::Status DeleteShift(WriteContext& ctx, ResourceMethods<Shift>& shifts,
                         const storage::ResourceKey& key, bool children) {
  storage::ResourceTable::Row row;
  Shift shift;
  const std::string name = shifts.table().Name(key);
  absl::Status ok = shifts.Load(ctx.session, ctx.call, key, name, "", &row, &shift);
  if (!ok.ok()) return ok;
  api::ToTimestamp(NextTime(shift), shift.mutable_delete_time());
  ok = shifts.Save(ctx.session, row, shift);
  if (ok.ok()) {
    ok = shifts.Record(ctx, "DELETE", key, shift, {"delete_time"},
                       api::FromTimestamp(shift.update_time()));
  }
  if (ok.ok() && children) ok = DeleteChildren(ctx, shifts.table(), key);
  return ok;
}

}  // namespace

ResourceRules<Schedule> ScheduleRules() {
  ResourceRules<Schedule> rules;
  rules.table = &storage::SchedulesTable();
  rules.field = "schedule";
  rules.parent_field = "project";
  rules.mutable_fields = OccurrenceFields();
  rules.normalize = [](Schedule& s) {
    auto rule = ParseRecurrenceRule(s.rule());
    if (rule.ok()) s.set_rule(FormatRecurrenceRule(*rule));
  };
  rules.defaults = [](const api::Call&, absl::Time, Schedule& s) {
    if (s.waitlist_mode() == v1::WAITLIST_MODE_UNSPECIFIED) s.set_waitlist_mode(v1::AUTO);
    if (s.horizon_days() == 0) s.set_horizon_days(kDefaultHorizonDays);
  };
  rules.check = CheckSchedule;
  rules.present = [](Schedule& s) {
    auto rule = ParseRecurrenceRule(s.rule());
    if (rule.ok()) s.set_rule_description(DescribeRecurrenceRule(*rule));
  };
  return rules;
}

absl::Status ProjectService::CreateSchedule(const api::Call& call,
                                            const v1::CreateScheduleRequest& request,
                                            Schedule* out) {
  return schedules_.Create(
      call, request.parent(), request.schedule(), request.schedule_id(), request.request_id(),
      request, out, {},
      [&](WriteContext& ctx, const storage::ResourceKey& key, const Schedule& schedule) {
        storage::ResourceTable::Row row;
        v1::Project project;
        absl::Status ok = projects_.table().Get(ctx.session, ProjectKeyOf(key),
                                                storage::Lock::kShare, &row, &project);
        if (!ok.ok()) return ok;
        const Lifecycle& projects = ProjectLifecycle();
        if (!projects.In(project, {v1::Project::PLANNED, v1::Project::ACTIVE})) {
          return projects.Wrong(project, "a new schedule",
                                {v1::Project::PLANNED, v1::Project::ACTIVE});
        }
        auto through = Extend(ctx, shifts_, key, schedule);
        if (!through.ok()) return through.status();
        ToProtoDate(*through, out->mutable_generated_through());
        return absl::OkStatus();
      });
}

absl::Status ProjectService::SettleSchedule(WriteContext& ctx, const storage::ResourceKey& key,
                                            const Schedule& before, Schedule& after,
                                            std::vector<std::string>& changed) {
  bool carried = false;
  for (const std::string& f : OccurrenceFields()) carried = carried || api::HasPath(changed, f);
  if (!carried) return absl::OkStatus();
  auto zone = LibraryTimeZone(ctx.session, key.library_id);
  if (!zone.ok()) return zone.status();
  const absl::CivilDay today = absl::ToCivilDay(ctx.now, *zone);
  const absl::CivilDay through = HorizonOf(after, ctx.now, *zone);
  const std::vector<absl::CivilDay> wanted_days = Occurrences(after, today, through);
  const std::set<absl::CivilDay> wanted(wanted_days.begin(), wanted_days.end());
  auto future = FutureShifts(ctx.session, key, after.name(), ctx.now);
  if (!future.ok()) return future.status();
  std::vector<std::string> kept;
  for (const FutureShift& f : *future) {
    const std::string name = shifts_.table().Name(f.key);
    if (wanted.count(f.day) == 0) {
      // No longer an occurrence: deleted unless people signed up for it.
      if (f.booked) {
        kept.push_back(name);
        continue;
      }
      absl::Status ok = DeleteShift(ctx, shifts_, f.key, /*children=*/false);
      if (!ok.ok()) return ok;
      continue;
    }
    storage::ResourceTable::Row row;
    Shift shift;
    absl::Status ok = shifts_.Load(ctx.session, ctx.call, f.key, name, "", &row, &shift);
    if (!ok.ok()) return ok;
    const Shift wanted_shift = OccurrenceShift(after, f.day, *zone);
    static const std::vector<std::string>* const kCarried = new std::vector<std::string>{
        "start_time", "end_time", "capacity", "waitlist_mode", "place", "notes"};
    const Shift current = shift;
    api::CopyFields(wanted_shift, *kCarried, &shift);
    const std::vector<std::string> moved = api::ChangedFields(current, shift, *kCarried);
    if (moved.empty()) continue;
    if (f.booked) {
      kept.push_back(name);
      continue;
    }
    ok = shifts_.Save(ctx.session, row, shift);
    if (ok.ok()) {
      ok = shifts_.Record(ctx, "UPDATE", f.key, shift, moved,
                          api::FromTimestamp(shift.update_time()));
    }
    if (!ok.ok()) return ok;
  }
  absl::Status ok = MakeOccurrences(ctx, shifts_, key, after, *zone, today, through);
  if (!ok.ok()) return ok;
  google::type::Date last;
  ToProtoDate(through, &last);
  if (api::FormatDate(last) != api::FormatDate(after.generated_through())) {
    *after.mutable_generated_through() = last;
    changed.push_back("generated_through");
  }
  const std::vector<std::string> was(before.kept_shifts().begin(), before.kept_shifts().end());
  if (was != kept) {
    after.clear_kept_shifts();
    for (const auto& k : kept) after.add_kept_shifts(k);
    changed.push_back("kept_shifts");
  }
  return absl::OkStatus();
}

absl::Status ProjectService::EndSchedule(WriteContext& ctx, const storage::ResourceKey& key,
                                         const Schedule& schedule, bool force) {
  auto future = FutureShifts(ctx.session, key, schedule.name(), ctx.now);
  if (!future.ok()) return future.status();
  std::vector<std::string> booked;
  for (const FutureShift& f : *future) {
    if (f.booked) booked.push_back(shifts_.table().Name(f.key));
  }
  if (!booked.empty() && !force) {
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "SCHEDULE_HAS_SIGNUPS",
        absl::StrCat(schedule.name(), " has future shifts with sign-ups (",
                     absl::StrJoin(booked.size() > 5 ? std::vector<std::string>(booked.begin(),
                                                                                booked.begin() + 5)
                                                     : booked,
                                   ", "),
                     booked.size() > 5 ? ", ..." : "",
                     "): cancel them first, or delete with force (their sign-ups go too)"),
        {{"shifts", absl::StrCat(booked.size())}});
  }
  for (const FutureShift& f : *future) {
    absl::Status ok = DeleteShift(ctx, shifts_, f.key, /*children=*/f.booked);
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ExtendSchedules(storage::ConnectionPool& pool, absl::Time now) {
  const SystemCall system("ExtendSchedules", now);
  const api::Call& call = system.call();
  ResourceMethods<Shift> shifts(pool, ShiftRules());
  std::vector<storage::ResourceKey> due;
  absl::Status ok = storage::RunRead(
      pool,
      [&](storage::Session& s) -> absl::Status {
        return s.Run([&]() -> absl::Status {
          // A day to spare: east of UTC the local day is ahead (Extend does nothing when done).
          auto rs = s.Query(
              "SELECT library_id, project_id, id FROM schedules WHERE delete_time IS NULL AND "
              "(generated_through IS NULL OR generated_through < DATE_ADD(DATE(?), INTERVAL "
              "horizon_days + 1 DAY)) ORDER BY generated_through LIMIT ?",
              now, static_cast<int64_t>(kExtendBatch));
          due.clear();
          while (rs->next()) {
            due.emplace_back(storage::GetString(*rs, 1), storage::GetString(*rs, 3),
                             std::vector<std::string>{storage::GetString(*rs, 2)});
          }
          return absl::OkStatus();
        });
      },
      absl::InfiniteFuture());
  if (!ok.ok()) return ok;
  int64_t extended = 0;
  const storage::ResourceTable& schedules = storage::SchedulesTable();
  for (const auto& key : due) {
    ok = storage::RunInTransaction(
        pool,
        [&](storage::Session& s) -> absl::Status {
          WriteContext ctx{s, call, now, call.request_id()};
          storage::ResourceTable::Row row;
          Schedule schedule;
          absl::Status ok = schedules.Get(s, key, storage::Lock::kUpdate, &row, &schedule);
          if (!ok.ok() || schedule.has_delete_time()) return ok;
          v1::Project project;
          storage::ResourceTable::Row project_row;
          ok = storage::ProjectsTable().Get(s, ProjectKeyOf(key), storage::Lock::kShare,
                                            &project_row, &project);
          if (!ok.ok()) return ok;
          if (project.has_delete_time() ||
              (project.state() != v1::Project::PLANNED && project.state() != v1::Project::ACTIVE)) {
            return absl::OkStatus();
          }
          auto through = Extend(ctx, shifts, key, schedule);
          if (!through.ok()) return through.status();
          ++extended;
          return absl::OkStatus();
        },
        storage::Until(absl::InfiniteFuture()));
    if (!ok.ok()) {
      api::LogJson("error", "extending a schedule failed",
                   {{"schedule", schedules.Name(key)}, {"error", std::string(ok.message())}});
    }
  }
  return extended;
}

}  // namespace allies::services
