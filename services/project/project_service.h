// allies.v1.ProjectService: volunteer work on the shared machinery. Projects, their shifts and
// recurring schedules, and sign-ups, whose invariants (capacity, waitlist, overlap,
// eligibility) hold on every write path in the write's own transaction (signups.cc).
#ifndef ALLIES_SERVICES_PROJECT_PROJECT_SERVICE_H_
#define ALLIES_SERVICES_PROJECT_PROJECT_SERVICE_H_

#include <string>

#include "allies/v1/project.grpc.pb.h"
#include "api/rpc.h"
#include "server/host.h"
#include "services/common/lifecycle.h"
#include "services/common/resource_methods.h"

namespace allies::services {

ResourceRules<v1::Project> ProjectRules();
ResourceRules<v1::Shift> ShiftRules();
ResourceRules<v1::Signup> SignupRules();
ResourceRules<v1::Schedule> ScheduleRules();
ResourceRules<v1::HoursEntry> HoursRules();
const Lifecycle& ProjectLifecycle();
const Lifecycle& SignupLifecycle();

// What a change of a shift's sign-ups works on, in its transaction (signups.cc).
struct OpenShift {
  storage::ResourceKey key;
  std::string name;
  v1::Shift shift;
  v1::Project project;
};

class ProjectService final : public api::AsyncServiceHost<v1::ProjectService::AsyncService> {
 public:
  explicit ProjectService(const server::ServiceDeps& deps);

  // signups.cc
  absl::Status CreateSignup(const api::Call& call, const v1::CreateSignupRequest& request,
                            v1::Signup* out);
  // CONFIRM, WAITLIST, CANCEL, COMPLETE or NO_SHOW the sign-up `name`.
  absl::Status MoveSignup(const api::Call& call, absl::string_view verb, absl::string_view name,
                          absl::string_view etag, const std::string& reason,
                          const std::string& overlap_reason, absl::string_view request_id,
                          const google::protobuf::Message& request, v1::Signup* out);
  // schedules.cc: a schedule is created with its shifts up to its horizon.
  absl::Status CreateSchedule(const api::Call& call, const v1::CreateScheduleRequest& request,
                              v1::Schedule* out);
  // hours.cc
  // APPROVE or REJECT the hours `name`.
  absl::Status ReviewHours(const api::Call& call, absl::string_view verb, absl::string_view name,
                           absl::string_view etag, const std::string& reason,
                           absl::string_view request_id, const google::protobuf::Message& request,
                           v1::HoursEntry* out);
  absl::Status GetRecordBook(const api::Call& call, const v1::GetRecordBookRequest& request,
                             v1::RecordBook* out);
  absl::Status ListApprovedHours(const api::Call& call, const v1::ListApprovedHoursRequest& request,
                                 v1::ListApprovedHoursResponse* out);
  absl::Status ListUpcoming(const api::Call& call, const v1::ListUpcomingShiftsRequest& request,
                            v1::ListShiftsResponse* out);

  // The shift and its project (NOT_FOUND, or FAILED_PRECONDITION when either is deleted),
  // with the shift locked for a change of its places (`lock`: the first write of every such
  // transaction), or as read so far (then Lock before its places change).
  absl::StatusOr<OpenShift> Open(WriteContext& ctx, const storage::ResourceKey& key,
                                 bool lock = true);
  // Writes the shift row (places_revision) and reads it again as written.
  absl::Status Lock(WriteContext& ctx, OpenShift& open);
  // In AUTO mode, confirms the waitlist's sign-ups that fit, in the order they joined it
  // (skipping those no longer eligible or overlapping), each with a PROMOTE entry.
  absl::Status Promote(WriteContext& ctx, OpenShift& open);

 private:
  // Confirms `signup` on the open shift: eligibility, overlap (unless `overlap_reason`), places.
  // FAILED_PRECONDITION SHIFT_FULL when the party does not fit (nothing changed then).
  absl::Status Confirm(WriteContext& ctx, OpenShift& open, const v1::Signup& signup,
                       const std::string& overlap_reason, bool eligible = false);
  // The hours a completed sign-up proposes: its shift's length, on its local date (hours.cc).
  absl::Status ProposeHours(WriteContext& ctx, const OpenShift& open, const v1::Signup& signup);
  absl::Status CheckEligible(WriteContext& ctx, const OpenShift& open,
                             const std::string& volunteer);
  // A shift's own writes (signups.cc): created only in an open project; capacity never below
  // the places confirmed; moved only where its confirmed volunteers have no other shift.
  absl::Status CheckShiftWrite(WriteContext& ctx, const storage::ResourceKey& key,
                               const v1::Shift& shift, const std::vector<std::string>& changed);
  // After an update: the places recounted when the shift is brought back; the waitlist moved
  // up when places were added (AUTO).
  absl::Status AfterShiftWrite(WriteContext& ctx, const storage::ResourceKey& key,
                               const v1::Shift* before, const v1::Shift& after);
  // Shifts' own create and update: local times turned into instants in the library's zone.
  absl::Status CreateShift(const api::Call& call, const v1::CreateShiftRequest& request,
                           v1::Shift* out);
  absl::Status UpdateShift(const api::Call& call, const v1::UpdateShiftRequest& request,
                           v1::Shift* out);
  absl::Status ChangeProjectState(const api::Call& call, absl::string_view verb,
                                  absl::string_view name, absl::string_view etag,
                                  const std::string& reason, absl::string_view request_id,
                                  const google::protobuf::Message& request, v1::Project* out);

  // schedules.cc: a change carried to the future shifts without sign-ups (kept_shifts: those
  // with); a delete ends the series (its future shifts deleted; with sign-ups, only by force).
  absl::Status SettleSchedule(WriteContext& ctx, const storage::ResourceKey& key,
                              const v1::Schedule& before, v1::Schedule& after,
                              std::vector<std::string>& changed);
  absl::Status EndSchedule(WriteContext& ctx, const storage::ResourceKey& key,
                           const v1::Schedule& schedule, bool force);

  storage::ConnectionPool& pool_;
  ResourceMethods<v1::Project> projects_;
  ResourceMethods<v1::Shift> shifts_;
  ResourceMethods<v1::Schedule> schedules_;
  ResourceMethods<v1::Signup> signups_;
  ResourceMethods<v1::HoursEntry> hours_;
};

// The host's hourly job: every schedule's shifts extended to its horizon (schedules.cc).
absl::StatusOr<int64_t> ExtendSchedules(storage::ConnectionPool& pool, absl::Time now);

// The service, with ExtendSchedules as its housekeeping.
server::ServiceRegistration ProjectServiceRegistration();

}  // namespace allies::services

#endif  // ALLIES_SERVICES_PROJECT_PROJECT_SERVICE_H_
