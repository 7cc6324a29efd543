#include "storage/project_tables.h"

#include "allies/v1/project.pb.h"
#include "storage/volunteer_tables.h"

namespace allies::storage {

const ResourceTable& ProjectsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    options.child_column = "project_id";
    return new ResourceTable(
        "projects", "projects", v1::Project::descriptor(),
        {
            Field("title").Sortable(),
            Field("description").FreeText(10000),
            Field("partner").References("partners", Reach::kSameLibrary, "PARTNER"),
            Field("agreement").References("agreements", Reach::kSameLibrary, "AGREEMENT"),
            Field("branch").References("libraries", Reach::kAnyLibrary, "BRANCH"),
            Field("skills"),
            Field("minimum_age").Sortable(),
            Field("required_qualifications"),
            Field("start_date").Sortable(),
            Field("end_date").Sortable(),
            Field("state").Sortable(),
            Field("state_reason"),
        },
        options);
  }();
  return *table;
}

const ResourceTable& SchedulesTable() {
  static const auto* table = [] {
    TableOptions options;
    options.parent = &ProjectsTable();
    options.values_column = "repeated_values";
    return new ResourceTable("schedules", "schedules", v1::Schedule::descriptor(),
                             {
                                 Field("project").References("projects"),
                                 Field("rule"),
                                 Field("start_date").Sortable(),
                                 Field("start_time"),
                                 Field("duration_minutes"),
                                 Field("capacity"),
                                 Field("waitlist_mode"),
                                 Field("place"),
                                 Field("notes").FreeText(10000),
                                 Field("horizon_days"),
                                 Field("generated_through").Sortable(),
                                 Field("kept_shifts").Names(),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& ShiftsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.parent = &ProjectsTable();
    options.child_column = "shift_id";
    return new ResourceTable(
        "shifts", "shifts", v1::Shift::descriptor(),
        {
            Field("project").References("projects"),
            Field("schedule").Names(),
            Field("occurrence_date").Sortable(),
            Field("start_time").Sortable(),
            Field("end_time").Sortable(),
            Field("time_zone")
                .Column("")
                .Computed("(SELECT z.time_zone FROM libraries z WHERE z.id = t.library_id)"),
            Field("capacity").Sortable(),
            Field("waitlist_mode"),
            Field("place"),
            Field("notes").FreeText(10000),
            // Kept by the sign-ups' conditional updates (services/project/signups.cc).
            Field("confirmed_count").Column("").Computed("t.confirmed_places").Sortable(),
            Field("places_left")
                .Column("")
                .Computed("(t.capacity - t.confirmed_places)")
                .Sortable(),
            // Kept under the shift's lock by every move onto and off the waitlist.
            Field("waitlist_length").Column("").Computed("t.waiting"),
        },
        options);
  }();
  return *table;
}

const ResourceTable& SignupsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.parent = &ShiftsTable();
    return new ResourceTable(
        "signups", "signups", v1::Signup::descriptor(),
        {
            Field("shift").References("projects/shifts"),
            Field("volunteer").References("volunteers", Reach::kSameLibrary, "VOLUNTEER"),
            Field("party_size").Sortable(),
            Field("source"),
            Field("state").Sortable(),
            Field("state_reason").FreeText(1000),
            Field("overlap_reason").FreeText(1000),
            Field("waitlist_time").Sortable(),
            Field("notes").FreeText(1000),
        },
        options);
  }();
  return *table;
}

const ResourceTable& HoursTable() {
  static const auto* table = [] {
    TableOptions options;
    options.parent = &VolunteersTable();
    return new ResourceTable(
        "hours", "hours", v1::HoursEntry::descriptor(),
        {
            Field("volunteer").References("volunteers"),
            Field("project").References("projects", Reach::kSameLibrary, "PROJECT"),
            Field("shift").References("projects/shifts", Reach::kSameLibrary, "SHIFT"),
            Field("signup").Names().NullIfEmpty(),
            Field("work_date").Sortable(),
            Field("minutes").Sortable(),
            Field("description").FreeText(2000),
            Field("source"),
            Field("state").Sortable(),
            Field("submitted_by").Names(),
            Field("reviewed_by").Names(),
            Field("review_time").Sortable(),
            Field("review_note").FreeText(1000),
            Field("corrects").References("volunteers/hours", Reach::kSameLibrary, "CORRECTED"),
        },
        options);
  }();
  return *table;
}

}  // namespace allies::storage
