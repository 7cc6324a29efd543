// Hours and the record book. An entry is SUBMITTED (by staff, a volunteer's portal, an import,
// or a completed sign-up), then APPROVED or REJECTED by staff; approved entries are never
// changed or deleted, and a correction is a new entry naming the approved one it corrects,
// with the minutes it adds or takes away (so that totals are plain sums of approved minutes).
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/local_time.h"
#include "services/project/project_service.h"
#include "services/volunteer/volunteer_service.h"
#include "storage/project_tables.h"
#include "storage/volunteer_tables.h"

namespace allies::services {
namespace {

using v1::HoursEntry;

constexpr size_t kMaxDescription = 2000;
constexpr size_t kMaxReason = 1000;
constexpr int kMaxMinutes = 24 * 60;
constexpr int kMaxPeriodDays = 366;
constexpr int kDefaultRowsPage = 500;

using api::Precondition;

void CheckHours(const HoursEntry& h, const std::vector<std::string>& fields,
                api::FieldViolations& v) {
  if (api::HasPath(fields, "project") && h.project().empty()) {
    v.Add("hours.project", "is required: \"libraries/{library}/projects/{project}\"");
  }
  if (api::HasPath(fields, "work_date")) {
    if (!h.has_work_date()) {
      v.Add("hours.work_date", "is required");
    } else {
      api::CheckDate(v, "hours.work_date", true, h.work_date());
      // Not in the future anywhere (the easternmost zone is a day ahead of UTC).
      const absl::CivilDay latest = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 1;
      if (api::FromProtoDate(h.work_date(), "").ok() && ToCivilDay(h.work_date()) > latest) {
        v.Add("hours.work_date",
              absl::StrCat("must not be in the future, got ", api::FormatDate(h.work_date())));
      }
    }
  }
  if (api::HasPath(fields, "description")) {
    api::CheckText(v, "hours.description", h.description(), kMaxDescription, false, true);
  }
  if (api::HasPath(fields, "source") && !HoursEntry::Source_IsValid(h.source())) {
    v.Add("hours.source", "must be STAFF, SELF_SERVICE, IMPORT or SIGNUP");
  }
}

void CheckMinutes(const HoursEntry& h, const std::vector<std::string>& known,
                  api::FieldViolations& v) {
  if (!api::HasPath(known, "minutes") || !api::HasPath(known, "corrects")) return;
  if (h.corrects().empty() && (h.minutes() < 1 || h.minutes() > kMaxMinutes)) {
    v.Add("hours.minutes", absl::StrCat("must be 1-", kMaxMinutes, ", got ", h.minutes()));
  } else if (!h.corrects().empty() &&
             (h.minutes() == 0 || h.minutes() < -kMaxMinutes || h.minutes() > kMaxMinutes)) {
    v.Add("hours.minutes", absl::StrCat("a correction adds or takes away -", kMaxMinutes, "..",
                                        kMaxMinutes, " minutes, not 0; got ", h.minutes()));
  }
}

// The approved minutes of `entry` and of its approved corrections.
absl::StatusOr<int64_t> CorrectedTotal(storage::Session& s, const storage::ResourceKey& entry,
                                       const std::string& name) {
  return s.Run([&]() -> absl::StatusOr<int64_t> {
    auto rs = s.Query(
        "SELECT COALESCE(SUM(minutes), 0) FROM hours WHERE library_id = ? AND volunteer_id = ? "
        "AND state = 2 AND delete_time IS NULL AND (id = ? OR corrects = ?)",
        entry.library_id, entry.parents.at(0), entry.id, name);
    rs->next();
    return static_cast<int64_t>(rs->getInt64(1));
  });
}

}  // namespace

ResourceRules<HoursEntry> HoursRules() {
  ResourceRules<HoursEntry> rules;
  rules.table = &storage::HoursTable();
  rules.field = "hours";
  rules.parent_field = "volunteer";
  rules.mutable_fields = {"project",     "shift",  "work_date", "minutes",
                          "description", "source", "corrects"};
  rules.defaults = [](const api::Call& call, absl::Time, HoursEntry& h) {
    if (call.principal().role == api::Role::kIntegration) {
      h.set_source(HoursEntry::SELF_SERVICE);
    } else if (h.source() != HoursEntry::IMPORT) {
      h.set_source(HoursEntry::STAFF);
    }
    h.set_state(HoursEntry::SUBMITTED);
    h.set_submitted_by(call.principal().name);
  };
  rules.check = CheckHours;
  rules.check_record = CheckMinutes;
  rules.updatable = [](const HoursEntry& current, const std::vector<std::string>& fields) {
    static const Lifecycle* lifecycle = new Lifecycle(HoursEntry::descriptor(), "HOURS_STATE");
    if (current.state() != HoursEntry::SUBMITTED) {
      return lifecycle->Wrong(current, "a change", {HoursEntry::SUBMITTED});
    }
    if (api::HasPath(fields, "corrects") || api::HasPath(fields, "source")) {
      return api::InvalidField("update_mask", "corrects and source are set when the entry is made");
    }
    return absl::OkStatus();
  };
  // The shift is one of the project's; a correction corrects an APPROVED entry of the same
  // volunteer that is not itself a correction.
  rules.check_write = [](WriteContext& ctx, const storage::ResourceKey& key, const HoursEntry& h,
                         const std::vector<std::string>& changed) -> absl::Status {
    if (!h.shift().empty() &&
        (api::HasPath(changed, "shift") || api::HasPath(changed, "project")) &&
        h.shift().rfind(absl::StrCat(h.project(), "/shifts/"), 0) != 0) {
      return api::InvalidField("hours.shift", absl::StrCat("must be a shift of ", h.project(),
                                                           ", got ", api::Quote(h.shift())));
    }
    if (h.corrects().empty() || !ctx.creating) return absl::OkStatus();
    const storage::ResourceTable& table = storage::HoursTable();
    auto corrected_key = table.ParseName(h.corrects(), "hours.corrects");
    if (!corrected_key.ok()) return corrected_key.status();
    if (corrected_key->parents != key.parents) {
      return api::InvalidField("hours.corrects", "must be an entry of the same volunteer");
    }
    storage::ResourceTable::Row row;
    HoursEntry corrected;
    absl::Status ok =
        table.Get(ctx.session, *corrected_key, storage::Lock::kShare, &row, &corrected);
    if (!ok.ok()) return ok;
    if (corrected.state() != HoursEntry::APPROVED || !corrected.corrects().empty()) {
      return Precondition(
          "CORRECTS_UNAPPROVED",
          absl::StrCat(h.corrects(), " is ", HoursEntry::State_Name(corrected.state()),
                       corrected.corrects().empty() ? "" : " and a correction",
                       ": only an APPROVED original entry is corrected (edit or "
                       "reject a SUBMITTED one)"),
          {{"corrects", h.corrects()}});
    }
    return absl::OkStatus();
  };
  rules.before_delete = [](WriteContext&, const storage::ResourceKey&, const HoursEntry& h,
                           bool) -> absl::Status {
    if (h.state() != HoursEntry::APPROVED) return absl::OkStatus();
    return Precondition("HOURS_APPROVED",
                        absl::StrCat(h.name(),
                                     " is APPROVED: approved hours stay; correct them with a new "
                                     "entry naming it (corrects)"),
                        {{"resource", h.name()}});
  };
  return rules;
}

absl::Status ProjectService::ReviewHours(const api::Call& call, absl::string_view verb,
                                         absl::string_view name, absl::string_view etag,
                                         const std::string& reason, absl::string_view request_id,
                                         const google::protobuf::Message& request,
                                         HoursEntry* out) {
  const bool approve = verb == "APPROVE";
  api::FieldViolations v;
  api::CheckText(v, "reason", reason, kMaxReason, !approve, true);
  if (!v.empty()) return v.ToStatus();
  return hours_.Change(
      call, verb, name, etag, request_id, request,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          HoursEntry& h) -> absl::StatusOr<std::vector<std::string>> {
        static const Lifecycle* lifecycle = new Lifecycle(HoursEntry::descriptor(), "HOURS_STATE");
        auto moved = lifecycle->Move(h, approve ? "approval" : "rejection", {HoursEntry::SUBMITTED},
                                     approve ? HoursEntry::APPROVED : HoursEntry::REJECTED);
        if (!moved.ok()) return moved;
        if (approve && !h.corrects().empty()) {
          auto corrected = hours_.table().ParseName(h.corrects(), "corrects");
          if (!corrected.ok()) return corrected.status();
          auto total = CorrectedTotal(ctx.session, *corrected, h.corrects());
          if (!total.ok()) return total.status();
          if (*total + h.minutes() < 0) {
            return Precondition(
                "CORRECTION_BELOW_ZERO",
                absl::StrCat(h.corrects(), " stands at ", *total, " minutes; taking away ",
                             -h.minutes(), " would leave less than none"),
                {{"corrects", h.corrects()}});
          }
        }
        h.set_reviewed_by(ctx.call.principal().name);
        api::ToTimestamp(ctx.now, h.mutable_review_time());
        h.set_review_note(reason);
        moved->insert(moved->end(), {"reviewed_by", "review_time", "review_note"});
        return moved;
      },
      out);
}

absl::Status ProjectService::ProposeHours(WriteContext& ctx, const OpenShift& open,
                                          const v1::Signup& signup) {
  auto volunteer = storage::VolunteersTable().ParseName(signup.volunteer(), "volunteer");
  if (!volunteer.ok()) return volunteer.status();
  HoursEntry entry;
  entry.set_project(open.project.name());
  entry.set_shift(open.name);
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(open.shift.time_zone(), &zone)) zone = absl::UTCTimeZone();
  ToProtoDate(absl::ToCivilDay(api::FromTimestamp(open.shift.start_time()), zone),
              entry.mutable_work_date());
  const int64_t minutes = absl::ToInt64Minutes(api::FromTimestamp(open.shift.end_time()) -
                                               api::FromTimestamp(open.shift.start_time()));
  entry.set_minutes(static_cast<int32_t>(std::clamp<int64_t>(minutes, 1, kMaxMinutes)));
  HoursEntry out;
  return hours_.CreateIn(ctx, storage::ResourceKey(volunteer->library_id, "", {volunteer->id}),
                         entry, "", "hours", &out, [&](HoursEntry& h) {
                           h.set_source(HoursEntry::SIGNUP);
                           h.set_signup(signup.name());
                           return absl::OkStatus();
                         });
}

absl::Status ProjectService::GetRecordBook(const api::Call& call,
                                           const v1::GetRecordBookRequest& request,
                                           v1::RecordBook* out) {
  const storage::ResourceTable& volunteers = storage::VolunteersTable();
  auto key = volunteers.ParseName(request.volunteer(), "volunteer");
  if (!key.ok()) return key.status();
  api::FieldViolations v;
  if (request.has_start_date()) api::CheckDate(v, "start_date", true, request.start_date());
  if (request.has_end_date()) api::CheckDate(v, "end_date", true, request.end_date());
  if (!v.empty()) return v.ToStatus();
  const std::string from =
      request.has_start_date() ? api::FormatDate(request.start_date()) : std::string("0001-01-01");
  const std::string to =
      request.has_end_date() ? api::FormatDate(request.end_date()) : std::string("9999-12-31");
  if (from > to) return api::InvalidField("end_date", "must not be before start_date");
  return storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        absl::Status ok =
            storage::scope::Check(s, call.principal(), key->library_id, request.volunteer());
        if (!ok.ok()) return ok;
        storage::ResourceTable::Row row;
        v1::Volunteer volunteer;
        ok = volunteers.Get(s, *key, storage::Lock::kNone, &row, &volunteer);
        if (!ok.ok()) return ok;
        auto zone = LibraryTimeZone(s, key->library_id);
        if (!zone.ok()) return zone.status();
        out->Clear();
        out->set_volunteer(request.volunteer());
        out->set_full_name(FullName(volunteer));
        out->set_dobro_id(volunteer.dobro_id());
        if (request.has_start_date()) *out->mutable_start_date() = request.start_date();
        if (request.has_end_date()) *out->mutable_end_date() = request.end_date();
        return s.Run([&]() -> absl::Status {
          auto library =
              s.Query("SELECT display_name FROM libraries WHERE id = ?", key->library_id);
          if (library->next()) out->set_organizer(storage::GetString(*library, 1));
          auto rs = s.Query(
              "SELECT h.id, h.work_date, h.project, COALESCE(p.title, ''), COALESCE(h.shift, ''), "
              "h.minutes, h.description, h.reviewed_by, COALESCE(k.display_name, ''), "
              "h.review_time, COALESCE(h.corrects, '') FROM hours h LEFT JOIN projects p ON "
              "p.library_id = h.library_id AND CONCAT('libraries/', p.library_id, '/projects/', "
              "p.id) = h.project LEFT JOIN api_keys k ON k.id = SUBSTRING(h.reviewed_by, "
              "9) WHERE h.library_id = ? AND h.volunteer_id = ? AND h.state = 2 AND "
              "h.delete_time IS NULL AND h.work_date BETWEEN ? AND ? ORDER BY h.work_date, h.id",
              key->library_id, key->id, from, to);
          std::map<std::tuple<int, std::string, std::string>, v1::RecordBook::ProjectYear> totals;
          while (rs->next()) {
            auto* e = out->add_entries();
            e->set_hours(hours_.table().Name(
                storage::ResourceKey(key->library_id, storage::GetString(*rs, 1), {key->id})));
            absl::CivilDay day;
            absl::ParseCivilTime(storage::GetString(*rs, 2), &day);
            ToProtoDate(day, e->mutable_work_date());
            e->set_project(storage::GetString(*rs, 3));
            e->set_project_title(storage::GetString(*rs, 4));
            e->set_shift(storage::GetString(*rs, 5));
            e->set_minutes(rs->getInt(6));
            e->set_description(storage::GetString(*rs, 7));
            e->set_confirmed_by(storage::GetString(*rs, 8));
            e->set_confirmed_by_name(storage::GetString(*rs, 9));
            auto reviewed = storage::GetOptionalTime(*rs, 10);
            if (reviewed) api::ToTimestamp(*reviewed, e->mutable_confirm_time());
            e->set_corrects(storage::GetString(*rs, 11));
            out->set_total_minutes(out->total_minutes() + e->minutes());
            auto& t = totals[{static_cast<int>(day.year()), e->project_title(), e->project()}];
            t.set_project(e->project());
            t.set_project_title(e->project_title());
            t.set_year(static_cast<int>(day.year()));
            t.set_minutes(t.minutes() + e->minutes());
            t.set_entries(t.entries() + 1);
          }
          for (auto& [k, t] : totals) *out->add_totals() = t;
          // The period's local days as instants (shifts are stored in UTC).
          absl::Time since = absl::InfinitePast(), until = absl::InfiniteFuture();
          if (request.has_start_date()) {
            since = absl::FromCivil(ToCivilDay(request.start_date()), *zone);
          }
          if (request.has_end_date()) {
            until = absl::FromCivil(ToCivilDay(request.end_date()) + 1, *zone);
          }
          auto no_shows = s.Query(
              "SELECT COUNT(*) FROM signups n JOIN shifts h ON h.library_id = n.library_id AND "
              "h.project_id = n.project_id AND h.id = n.shift_id WHERE n.library_id = ? AND "
              "n.volunteer = ? AND n.state = 5 AND n.delete_time IS NULL AND h.start_time >= ? "
              "AND h.start_time < ?",
              key->library_id, request.volunteer(),
              std::max(since, absl::FromCivil(absl::CivilSecond(1000, 1, 1, 0, 0, 0),
                                              absl::UTCTimeZone())),
              std::min(until, absl::FromCivil(absl::CivilSecond(9999, 12, 31, 0, 0, 0),
                                              absl::UTCTimeZone())));
          if (no_shows->next()) out->set_no_shows(no_shows->getInt(1));
          storage::ResourceListQuery query;
          query.parent.library_id = key->library_id;
          query.parent.parents = {key->id};
          query.window.limit = 1000;
          auto rows = storage::QualificationsTable().List(
              s, query, [&]() -> google::protobuf::Message* { return out->add_qualifications(); });
          if (!rows.ok()) return rows.status();
          return absl::OkStatus();
        });
      },
      call.deadline());
}

absl::Status ProjectService::ListApprovedHours(const api::Call& call,
                                               const v1::ListApprovedHoursRequest& request,
                                               v1::ListApprovedHoursResponse* out) {
  api::FieldViolations v;
  if (!request.has_start_date()) v.Add("start_date", "is required");
  if (!request.has_end_date()) v.Add("end_date", "is required");
  api::CheckDate(v, "start_date", request.has_start_date(), request.start_date());
  api::CheckDate(v, "end_date", request.has_end_date(), request.end_date());
  if (!v.empty()) return v.ToStatus();
  const absl::CivilDay start = ToCivilDay(request.start_date());
  const absl::CivilDay end = ToCivilDay(request.end_date());
  if (end < start || end - start >= kMaxPeriodDays) {
    return api::InvalidField("end_date", absl::StrCat("must be on or after start_date, at most ",
                                                      kMaxPeriodDays, " days of it"));
  }
  ListArgs args;
  args.method = "ListApprovedHours";
  args.page_size = request.page_size() == 0 ? kDefaultRowsPage : request.page_size();
  args.page_token = request.page_token();
  args.order_by = "work_date";
  args.parent = "libraries/-/volunteers/-";
  // Originals only: their approved corrections are netted into them below.
  std::string condition = "t.state = 2 AND t.corrects IS NULL AND t.work_date BETWEEN ? AND ?";
  std::vector<storage::SqlValue> values{absl::FormatCivilTime(start), absl::FormatCivilTime(end)};
  args.condition = {condition, values};
  const std::string library(api::LibraryIdOf(request.parent()));
  if (request.parent() != "libraries/-") {
    if (library.empty() || request.parent() != api::LibraryName(library)) {
      return api::InvalidField("parent", "must be \"libraries/{library}\" or \"libraries/-\"");
    }
    args.WithinSubtree(library);
  }
  args.context = absl::StrCat("parent=", request.parent(), "|", absl::FormatCivilTime(start), "|",
                              absl::FormatCivilTime(end));
  google::protobuf::RepeatedPtrField<HoursEntry> entries;
  absl::Status ok = hours_.List(call, args, &entries, out->mutable_next_page_token());
  if (!ok.ok()) return ok;
  // What each row names, read once per page.
  std::map<std::string, v1::Volunteer> people;
  std::map<std::string, std::string> titles, organizers;
  return storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        out->clear_rows();
        for (const HoursEntry& h : entries) {
          if (!people.count(h.volunteer())) {
            auto vkey = storage::VolunteersTable().ParseName(h.volunteer(), "volunteer");
            if (!vkey.ok()) return vkey.status();
            storage::ResourceTable::Row row;
            absl::Status got = storage::VolunteersTable().Get(s, *vkey, storage::Lock::kNone, &row,
                                                              &people[h.volunteer()]);
            if (!got.ok()) return got;
          }
          auto lookup = [&](std::map<std::string, std::string>& cache, const std::string& sql,
                            const std::string& k, const std::string& id) -> absl::Status {
            if (cache.count(k)) return absl::OkStatus();
            return s.Run([&]() -> absl::Status {
              auto rs = s.Query(sql, id);
              cache[k] = rs->next() ? storage::GetString(*rs, 1) : "";
              return absl::OkStatus();
            });
          };
          const std::string library_id(api::LibraryIdOf(h.name()));
          absl::Status got = lookup(organizers, "SELECT display_name FROM libraries WHERE id = ?",
                                    library_id, library_id);
          if (got.ok()) {
            auto project = storage::ProjectsTable().ParseName(h.project(), "project");
            if (!project.ok()) return project.status();
            if (!titles.count(h.project())) {
              got = s.Run([&]() -> absl::Status {
                auto rs = s.Query("SELECT title FROM projects WHERE library_id = ? AND id = ?",
                                  project->library_id, project->id);
                titles[h.project()] = rs->next() ? storage::GetString(*rs, 1) : "";
                return absl::OkStatus();
              });
            }
          }
          if (!got.ok()) return got;
          auto hkey = hours_.table().ParseName(h.name(), "hours");
          if (!hkey.ok()) return hkey.status();
          auto net = CorrectedTotal(s, *hkey, h.name());
          if (!net.ok()) return net.status();
          // Corrected down to nothing: no hours to report.
          if (*net <= 0) continue;
          const v1::Volunteer& person = people[h.volunteer()];
          auto* row = out->add_rows();
          row->set_hours(h.name());
          row->set_volunteer(h.volunteer());
          row->set_dobro_id(person.dobro_id());
          row->set_family_name(person.family_name());
          row->set_given_name(person.given_name());
          row->set_patronymic(person.patronymic());
          *row->mutable_work_date() = h.work_date();
          row->set_minutes(static_cast<int32_t>(*net));
          row->set_project(h.project());
          row->set_project_title(titles[h.project()]);
          row->set_organizer(organizers[library_id]);
          row->set_description(h.description());
        }
        return absl::OkStatus();
      },
      call.deadline());
}

}  // namespace allies::services
