// Sign-ups and the places of a shift. Every change of a shift's sign-ups runs in one
// transaction that begins by writing the shift row (places_revision): on one server that row
// lock orders the changes of a shift; on a multi-writer cluster the write is certified, so of
// two conflicting changes on two nodes one commits and the other is retried from the start.
// Places are taken by a conditional UPDATE (confirmed_places + n <= capacity, held by a CHECK
// constraint too), and a confirmation writes the volunteer's row (booking_revision) before it
// looks for overlapping shifts, so that two confirmations of one volunteer never pass the check
// side by side. Lock order: the shift, then volunteers, then sign-ups.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/fields.h"
#include "api/proto_time.h"
#include "api/text.h"
#include "services/common/local_time.h"
#include "services/project/project_service.h"
#include "services/volunteer/ledger.h"
#include "storage/due.h"
#include "storage/idempotency.h"
#include "storage/project_tables.h"
#include "storage/volunteer_tables.h"

namespace allies::services {
namespace {

using v1::Project;
using v1::Shift;
using v1::Signup;

constexpr size_t kMaxReason = 1000;
constexpr int kMaxWithinHours = 24 * 366;
// Waitlisted sign-ups one promotion looks at.
constexpr int kPromotionWindow = 500;
// Under this age a sign-up needs an agreement signed by the representative (ГК ст. 28).
constexpr int kRepresentativeSignsUnder = 14;

storage::ResourceKey ShiftKeyOf(const storage::ResourceKey& signup) {
  return storage::ResourceKey(signup.library_id, signup.parents.at(1), {signup.parents.at(0)});
}

using api::Precondition;

// Places for `party` on the shift, if they are left.
absl::StatusOr<bool> TakePlaces(storage::Session& s, const storage::ResourceKey& shift, int party) {
  return s.Run([&]() -> absl::StatusOr<bool> {
    return s.Execute(
               "UPDATE shifts SET confirmed_places = confirmed_places + ? WHERE library_id = ? "
               "AND project_id = ? AND id = ? AND confirmed_places + ? <= capacity",
               static_cast<int64_t>(party), shift.library_id, shift.parents.at(0), shift.id,
               static_cast<int64_t>(party)) == 1;
  });
}

absl::Status FreePlaces(storage::Session& s, const storage::ResourceKey& shift, int party) {
  auto freed = s.Run([&]() -> absl::StatusOr<uint64_t> {
    return s.Execute(
        "UPDATE shifts SET confirmed_places = confirmed_places - ? WHERE library_id = ? AND "
        "project_id = ? AND id = ? AND confirmed_places >= ?",
        static_cast<int64_t>(party), shift.library_id, shift.parents.at(0), shift.id,
        static_cast<int64_t>(party));
  });
  if (!freed.ok()) return freed.status();
  if (*freed != 1) {
    return absl::InternalError(absl::StrCat("the confirmed places of ",
                                            storage::ShiftsTable().Name(shift),
                                            " are fewer than a confirmed party of ", party));
  }
  return absl::OkStatus();
}

// Another CONFIRMED sign-up of the volunteer on a live shift overlapping [start, end) (read
// with share locks: fresh, whatever the transaction's snapshot).
absl::StatusOr<std::optional<std::string>> OverlappingSignup(storage::Session& s,
                                                             const std::string& library_id,
                                                             const std::string& volunteer,
                                                             const storage::ResourceKey& shift,
                                                             absl::Time start, absl::Time end) {
  return s.Run([&]() -> absl::StatusOr<std::optional<std::string>> {
    auto rs = s.Query(
        "SELECT s.project_id, s.shift_id, s.id FROM signups s JOIN shifts h ON h.library_id = "
        "s.library_id AND h.project_id = s.project_id AND h.id = s.shift_id WHERE s.library_id = "
        "? AND s.volunteer = ? AND s.state = 2 AND s.delete_time IS NULL AND h.delete_time IS "
        "NULL AND h.start_time < ? AND h.end_time > ? AND NOT (s.project_id = ? AND s.shift_id = "
        "?) LIMIT 1 LOCK IN SHARE MODE",
        library_id, volunteer, end, start, shift.parents.at(0), shift.id);
    if (!rs->next()) return std::optional<std::string>();
    return std::optional<std::string>(storage::SignupsTable().Name(
        storage::ResourceKey(library_id, storage::GetString(*rs, 3),
                             {storage::GetString(*rs, 1), storage::GetString(*rs, 2)})));
  });
}

// Writes the volunteer's row: confirmations of one volunteer are ordered by it (and conflict on
// a cluster), so the overlap check that follows sees every other confirmation.
absl::Status GuardVolunteer(storage::Session& s, const storage::ResourceKey& volunteer) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "UPDATE volunteers SET booking_revision = booking_revision + 1 WHERE library_id = ? AND "
        "id = ?",
        volunteer.library_id, volunteer.id);
    return absl::OkStatus();
  });
}

// The shift's count of WAITLISTED sign-ups (waitlist_length), kept by every move onto and off
// the waitlist under the shift's lock.
absl::Status CountWaiting(storage::Session& s, const storage::ResourceKey& shift, int delta) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "UPDATE shifts SET waiting = waiting + ? WHERE library_id = ? AND project_id = ? AND "
        "id = ?",
        static_cast<int64_t>(delta), shift.library_id, shift.parents.at(0), shift.id);
    return absl::OkStatus();
  });
}

// FAILED_PRECONDITION SHIFT_FULL: a party of `party` does not fit.
absl::Status Full(const OpenShift& open, int party) {
  const int left = std::max(0, open.shift.capacity() - open.shift.confirmed_count());
  return Precondition("SHIFT_FULL",
                      absl::StrCat(open.name, " has ", left, " of ", open.shift.capacity(),
                                   " places left; a party of ", party, " does not fit"),
                      {{"shift", open.name}, {"places_left", absl::StrCat(left)}});
}

absl::CivilDay LocalDay(const google::protobuf::Timestamp& t, const Shift& shift) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(shift.time_zone(), &zone)) zone = absl::UTCTimeZone();
  return absl::ToCivilDay(api::FromTimestamp(t), zone);
}

}  // namespace

namespace {
absl::Status WriteShiftRow(storage::Session& s, const OpenShift& open);
}  // namespace

absl::StatusOr<OpenShift> ProjectService::Open(WriteContext& ctx, const storage::ResourceKey& key,
                                               bool lock) {
  storage::Session& s = ctx.session;
  OpenShift open;
  open.key = key;
  open.name = shifts_.table().Name(key);
  // Locked: the whole row is read below, as this transaction wrote it.
  absl::Status ok = lock ? WriteShiftRow(s, open) : absl::OkStatus();
  if (!ok.ok()) return ok;
  // The whole shift (its times and zone; after the lock, read as this transaction wrote it).
  storage::ResourceTable::Row row;
  ok = shifts_.table().Get(s, key, storage::Lock::kNone, &row, &open.shift);
  if (!ok.ok()) return ok;
  if (open.shift.has_delete_time()) {
    return Precondition("PARENT_DELETED", absl::StrCat(open.name, " is deleted"),
                        {{"resource", open.name}});
  }
  storage::ResourceTable::Row project_row;
  ok = projects_.table().Get(s, storage::ResourceKey(key.library_id, key.parents.at(0)),
                             storage::Lock::kNone, &project_row, &open.project);
  if (!ok.ok()) return ok;
  if (open.project.has_delete_time()) {
    return Precondition("PARENT_DELETED", absl::StrCat(open.project.name(), " is deleted"),
                        {{"resource", open.project.name()}});
  }
  return open;
}

namespace {

// Writes the shift row (places_revision): the lock every change of its places takes first.
absl::Status WriteShiftRow(storage::Session& s, const OpenShift& open) {
  auto written = s.Run([&]() -> absl::StatusOr<uint64_t> {
    return s.Execute(
        "UPDATE shifts SET places_revision = places_revision + 1 WHERE library_id = ? AND "
        "project_id = ? AND id = ?",
        open.key.library_id, open.key.parents.at(0), open.key.id);
  });
  if (!written.ok()) return written.status();
  if (*written == 0) {
    return api::Error(absl::StatusCode::kNotFound, "NOT_FOUND",
                      absl::StrCat(open.name, " does not exist"), {{"resource", open.name}});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ProjectService::Lock(WriteContext& ctx, OpenShift& open) {
  storage::Session& s = ctx.session;
  absl::Status locked = WriteShiftRow(s, open);
  if (!locked.ok()) return locked;
  // The places as this transaction wrote the row: as they are now (only what a place needs:
  // the whole row counts its waitlist too).
  return s.Run([&]() -> absl::Status {
    auto rs = s.Query(
        "SELECT capacity, confirmed_places, waitlist_mode, delete_time IS NOT NULL FROM shifts "
        "WHERE library_id = ? AND project_id = ? AND id = ?",
        open.key.library_id, open.key.parents.at(0), open.key.id);
    if (!rs->next()) return absl::NotFoundError(open.name);
    open.shift.set_capacity(rs->getInt(1));
    open.shift.set_confirmed_count(rs->getInt(2));
    open.shift.set_places_left(rs->getInt(1) - rs->getInt(2));
    open.shift.set_waitlist_mode(static_cast<v1::WaitlistMode>(rs->getInt(3)));
    if (rs->getBoolean(4) && !open.shift.has_delete_time()) {
      api::ToTimestamp(storage::NowMicros(), open.shift.mutable_delete_time());
    }
    return absl::OkStatus();
  });
}

absl::Status ProjectService::CheckEligible(WriteContext& ctx, const OpenShift& open,
                                           const std::string& volunteer_name) {
  const storage::ResourceTable& volunteers = storage::VolunteersTable();
  auto key = volunteers.ParseName(volunteer_name, "signup.volunteer");
  if (!key.ok()) return key.status();
  storage::ResourceTable::Row row;
  v1::Volunteer volunteer;
  absl::Status ok = volunteers.Get(ctx.session, *key, storage::Lock::kNone, &row, &volunteer);
  if (!ok.ok()) return ok;
  if (volunteer.has_delete_time() || volunteer.has_erase_time() ||
      volunteer.state() != v1::Volunteer::ACTIVE) {
    return Precondition(
        "VOLUNTEER_NOT_ACTIVE",
        absl::StrCat(volunteer_name, " is ",
                     volunteer.has_delete_time()  ? "deleted"
                     : volunteer.has_erase_time() ? "erased"
                                                  : v1::Volunteer::State_Name(volunteer.state()),
                     ": only ACTIVE volunteers are signed up for shifts"),
        {{"volunteer", volunteer_name}});
  }
  const absl::CivilDay day = LocalDay(open.shift.start_time(), open.shift);
  ok = CheckVolunteerConsented(ctx.session, volunteer, day);
  if (!ok.ok()) return ok;
  const int age = AgeOn(volunteer.birth_date(), day);
  if (age < open.project.minimum_age()) {
    return Precondition(
        "BELOW_MINIMUM_AGE",
        absl::StrCat(volunteer_name, " will be ", age, " on ", absl::FormatCivilTime(day), "; ",
                     open.project.name(), " takes volunteers from ", open.project.minimum_age()),
        {{"volunteer", volunteer_name}, {"minimum_age", absl::StrCat(open.project.minimum_age())}});
  }
  const std::string on = absl::FormatCivilTime(day);
  if (age < kRepresentativeSignsUnder) {
    auto signed_agreement = ctx.session.Run([&]() -> absl::StatusOr<bool> {
      auto rs = ctx.session.Query(
          "SELECT 1 FROM volunteer_agreements WHERE library_id = ? AND volunteer_id = ? AND "
          "delete_time IS NULL AND state = 2 AND signer = 2 AND (start_date IS NULL OR "
          "start_date <= ?) AND (end_date IS NULL OR end_date >= ?) LIMIT 1",
          key->library_id, key->id, on, on);
      return rs->next();
    });
    if (!signed_agreement.ok()) return signed_agreement.status();
    if (!*signed_agreement) {
      return Precondition(
          "AGREEMENT_REQUIRED",
          absl::StrCat(volunteer_name, " will be ", age, " on ", on,
                       ": under 14 a volunteer works only under an ACTIVE agreement signed by "
                       "the representative (signer REPRESENTATIVE) in force that day"),
          {{"volunteer", volunteer_name}});
    }
  }
  if (open.project.required_qualifications_size() > 0) {
    const std::string until = absl::FormatCivilTime(LocalDay(open.shift.end_time(), open.shift));
    auto held = ctx.session.Run([&]() -> absl::StatusOr<std::set<int>> {
      auto rs = ctx.session.Query(
          "SELECT DISTINCT kind FROM qualifications WHERE library_id = ? AND volunteer_id = ? "
          "AND delete_time IS NULL AND (expiry_date IS NULL OR expiry_date >= ?)",
          key->library_id, key->id, until);
      std::set<int> kinds;
      while (rs->next()) kinds.insert(rs->getInt(1));
      return kinds;
    });
    if (!held.ok()) return held.status();
    std::vector<std::string> missing;
    for (int kind : open.project.required_qualifications()) {
      if (held->count(kind) == 0) missing.push_back(v1::Qualification::Kind_Name(kind));
    }
    if (!missing.empty()) {
      return Precondition(
          "QUALIFICATION_REQUIRED",
          absl::StrCat(volunteer_name, " has no ", absl::StrJoin(missing, ", "), " valid until ",
                       until, ", which ", open.project.name(), " requires"),
          {{"volunteer", volunteer_name}, {"missing", absl::StrJoin(missing, ",")}});
    }
  }
  return absl::OkStatus();
}

absl::Status ProjectService::Confirm(WriteContext& ctx, OpenShift& open, const Signup& signup,
                                     const std::string& overlap_reason, bool eligible) {
  auto volunteer = storage::VolunteersTable().ParseName(signup.volunteer(), "signup.volunteer");
  if (!volunteer.ok()) return volunteer.status();
  absl::Status ok = GuardVolunteer(ctx.session, *volunteer);
  if (ok.ok() && !eligible) ok = CheckEligible(ctx, open, signup.volunteer());
  if (!ok.ok()) return ok;
  if (overlap_reason.empty()) {
    auto other = OverlappingSignup(ctx.session, open.key.library_id, signup.volunteer(), open.key,
                                   api::FromTimestamp(open.shift.start_time()),
                                   api::FromTimestamp(open.shift.end_time()));
    if (!other.ok()) return other.status();
    if (*other) {
      return Precondition(
          "SHIFT_OVERLAP",
          absl::StrCat(signup.volunteer(), " is already confirmed for an overlapping shift (",
                       **other, "); give overlap_reason to confirm both"),
          {{"volunteer", signup.volunteer()}, {"signup", **other}});
    }
  }
  auto taken = TakePlaces(ctx.session, open.key, signup.party_size());
  if (!taken.ok()) return taken.status();
  if (!*taken) return Full(open, signup.party_size());
  open.shift.set_confirmed_count(open.shift.confirmed_count() + signup.party_size());
  return absl::OkStatus();
}

absl::Status ProjectService::Promote(WriteContext& ctx, OpenShift& open) {
  if (open.shift.waitlist_mode() != v1::AUTO) return absl::OkStatus();
  storage::Session& s = ctx.session;
  int left = open.shift.capacity() - open.shift.confirmed_count();
  if (left <= 0) return absl::OkStatus();
  auto waiting = s.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    auto rs = s.Query(
        "SELECT id FROM signups WHERE library_id = ? AND project_id = ? AND shift_id = ? AND "
        "state = 3 AND delete_time IS NULL ORDER BY waitlist_time, id LIMIT ? FOR UPDATE",
        open.key.library_id, open.key.parents.at(0), open.key.id,
        static_cast<int64_t>(kPromotionWindow));
    std::vector<std::string> ids;
    while (rs->next()) ids.push_back(storage::GetString(*rs, 1));
    return ids;
  });
  if (!waiting.ok()) return waiting.status();
  for (const std::string& id : *waiting) {
    if (left <= 0) break;
    const storage::ResourceKey key(open.key.library_id, id, {open.key.parents.at(0), open.key.id});
    storage::ResourceTable::Row row;
    Signup signup;
    absl::Status ok = signups_.table().Get(s, key, storage::Lock::kUpdate, &row, &signup);
    if (!ok.ok()) return ok;
    if (signup.party_size() > left) continue;
    ok = Confirm(ctx, open, signup, signup.overlap_reason());
    // Not eligible any more, or confirmed elsewhere meanwhile: it keeps its place in line.
    if (ok.code() == absl::StatusCode::kFailedPrecondition) continue;
    if (!ok.ok()) return ok;
    signup.set_state(Signup::CONFIRMED);
    signup.set_state_reason("a place freed up: promoted from the waitlist");
    ok = CountWaiting(s, open.key, -1);
    if (ok.ok()) ok = signups_.Save(s, row, signup);
    if (ok.ok()) {
      ok = signups_.Record(ctx, "PROMOTE", key, signup, {"state", "state_reason"},
                           api::FromTimestamp(signup.update_time()));
    }
    if (!ok.ok()) return ok;
    left -= signup.party_size();
  }
  return absl::OkStatus();
}

absl::Status ProjectService::CreateSignup(const api::Call& call,
                                          const v1::CreateSignupRequest& request, Signup* out) {
  api::FieldViolations violations;
  auto parent = signups_.table().ParseCreateParent(request.parent(), "parent");
  if (!parent.ok()) violations.AddFrom(parent.status(), "parent");
  Signup prepared;
  const absl::Time now = storage::NowMicros();
  signups_.Prepare(call, now, request.signup(), request.signup_id(), "signup", &prepared,
                   violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::Status valid = storage::ValidateRequestId(request.request_id());
  if (!valid.ok()) return valid;
  const storage::ResourceKey shift_key(parent->library_id, parent->parents.at(1),
                                       {parent->parents.at(0)});
  return storage::RunIdempotent(
      pool_, parent->library_id, call.principal().name, call.method(), request.request_id(),
      request, out,
      [&](storage::Session& s) -> absl::Status {
        WriteContext ctx{s, call, now,
                         request.request_id().empty() ? call.request_id() : request.request_id(),
                         /*creating=*/true};
        absl::Status ok =
            storage::scope::Check(s, call.principal(), parent->library_id, request.parent());
        if (!ok.ok()) return ok;
        // What needs no lock first, outside the shift's: the shift and its project as they
        // are, the volunteer as a reference, and the volunteer's eligibility on its date.
        auto open = Open(ctx, shift_key, /*lock=*/false);
        if (!open.ok()) return open.status();
        const Lifecycle& projects = ProjectLifecycle();
        if (!projects.In(open->project, {Project::PLANNED, Project::ACTIVE})) {
          return projects.Wrong(open->project, "a sign-up", {Project::PLANNED, Project::ACTIVE});
        }
        if (api::FromTimestamp(open->shift.end_time()) < now &&
            prepared.source() != Signup::IMPORT) {
          return Precondition(
              "SHIFT_ENDED",
              absl::StrCat(open->name, " ended at ", open->shift.local_end_time(), " (",
                           open->shift.time_zone(), "); only an IMPORT records a past sign-up"),
              {{"shift", open->name}});
        }
        ok = CheckReferences(ctx, signups_.table(), parent->library_id, prepared, {"volunteer"},
                             "signup");
        if (ok.ok()) ok = CheckEligible(ctx, *open, prepared.volunteer());
        // Then the shift's lock, and what its places decide.
        if (ok.ok()) ok = Lock(ctx, *open);
        if (!ok.ok()) return ok;
        return signups_.CreateIn(
            ctx, *parent, request.signup(), request.signup_id(), "signup", out,
            [&](Signup& signup) -> absl::Status {
              auto existing = s.Run([&]() -> absl::StatusOr<std::optional<std::string>> {
                auto rs = s.Query(
                    "SELECT id FROM signups WHERE library_id = ? AND project_id = ? AND shift_id "
                    "= ? AND live_volunteer = ? LOCK IN SHARE MODE",
                    shift_key.library_id, shift_key.parents.at(0), shift_key.id,
                    signup.volunteer());
                if (!rs->next()) return std::optional<std::string>();
                return std::optional<std::string>(storage::GetString(*rs, 1));
              });
              if (!existing.ok()) return existing.status();
              if (*existing) {
                const std::string holder = signups_.table().Name(
                    storage::ResourceKey(parent->library_id, **existing, parent->parents));
                return api::Error(absl::StatusCode::kAlreadyExists, "SIGNUP_EXISTS",
                                  absl::StrCat(signup.volunteer(), " is already signed up for ",
                                               open->name, ": ", holder),
                                  {{"existing", holder}});
              }
              if (request.request_only()) {
                signup.set_state(Signup::REQUESTED);
                return absl::OkStatus();
              }
              // Known full (the places were read under the lock): waitlisted or refused without
              // the confirmation's checks (a waitlisted sign-up is checked again when promoted).
              const bool fits =
                  open->shift.capacity() - open->shift.confirmed_count() >= signup.party_size();
              absl::Status ok =
                  fits ? Confirm(ctx, *open, signup, signup.overlap_reason(), /*eligible=*/true)
                       : Full(*open, signup.party_size());
              if (ok.ok()) {
                signup.set_state(Signup::CONFIRMED);
                return ok;
              }
              if (api::ErrorReason(ok) != "SHIFT_FULL" || open->shift.waitlist_mode() == v1::NONE) {
                return ok;
              }
              signup.set_state(Signup::WAITLISTED);
              api::ToTimestamp(now, signup.mutable_waitlist_time());
              return CountWaiting(s, shift_key, +1);
            });
      },
      call.deadline());
}

absl::Status ProjectService::MoveSignup(const api::Call& call, absl::string_view verb,
                                        absl::string_view name, absl::string_view etag,
                                        const std::string& reason,
                                        const std::string& overlap_reason,
                                        absl::string_view request_id,
                                        const google::protobuf::Message& request, Signup* out) {
  api::FieldViolations v;
  api::CheckText(v, "reason", reason, kMaxReason, false, true);
  api::CheckText(v, "overlap_reason", overlap_reason, kMaxReason, false, true);
  if (!v.empty()) return v.ToStatus();
  auto key = signups_.table().ParseName(name, "name");
  if (!key.ok()) return key.status();
  std::optional<OpenShift> open;
  return signups_.Change(
      call, verb, name, etag, request_id, request,
      [&](WriteContext& ctx, const storage::ResourceKey&,
          Signup& signup) -> absl::StatusOr<std::vector<std::string>> {
        const Lifecycle& lifecycle = SignupLifecycle();
        const absl::Time start = api::FromTimestamp(open->shift.start_time());
        absl::StatusOr<std::vector<std::string>> moved;
        const bool waiting = signup.state() == Signup::WAITLISTED;
        if (verb == "CONFIRM") {
          moved = lifecycle.Move(signup, "confirmation", {Signup::REQUESTED, Signup::WAITLISTED},
                                 Signup::CONFIRMED);
          if (!moved.ok()) return moved;
          absl::Status ok = Confirm(ctx, *open, signup, overlap_reason);
          if (ok.ok() && waiting) ok = CountWaiting(ctx.session, open->key, -1);
          if (!ok.ok()) return ok;
          if (!overlap_reason.empty()) {
            signup.set_overlap_reason(overlap_reason);
            moved->push_back("overlap_reason");
          }
        } else if (verb == "WAITLIST") {
          moved = lifecycle.Move(signup, "waitlisting", {Signup::REQUESTED}, Signup::WAITLISTED);
          if (!moved.ok()) return moved;
          absl::Status ok = CountWaiting(ctx.session, open->key, +1);
          if (!ok.ok()) return ok;
          api::ToTimestamp(ctx.now, signup.mutable_waitlist_time());
          moved->push_back("waitlist_time");
        } else if (verb == "CANCEL") {
          const bool confirmed = signup.state() == Signup::CONFIRMED;
          moved = lifecycle.Move(signup, "cancellation",
                                 {Signup::REQUESTED, Signup::WAITLISTED, Signup::CONFIRMED},
                                 Signup::CANCELED);
          if (!moved.ok()) return moved;
          if (waiting) {
            absl::Status ok = CountWaiting(ctx.session, open->key, -1);
            if (!ok.ok()) return ok;
          }
          if (confirmed) {
            absl::Status ok = FreePlaces(ctx.session, open->key, signup.party_size());
            if (!ok.ok()) return ok;
            open->shift.set_confirmed_count(open->shift.confirmed_count() - signup.party_size());
            // The freed places go to the waitlist now (this sign-up is not on it: it was
            // CONFIRMED).
            ok = Promote(ctx, *open);
            if (!ok.ok()) return ok;
          }
        } else {
          const bool completed = verb == "COMPLETE";
          moved =
              lifecycle.Move(signup, completed ? "completion" : "marking a no-show",
                             {Signup::CONFIRMED}, completed ? Signup::COMPLETED : Signup::NO_SHOW);
          if (!moved.ok()) return moved;
          if (start > ctx.now) {
            return Precondition(
                "SHIFT_NOT_STARTED",
                absl::StrCat(open->name, " starts at ", open->shift.local_start_time(), " (",
                             open->shift.time_zone(), ")"),
                {{"shift", open->name}});
          }
          // The shift's hours, submitted for approval.
          if (completed) {
            absl::Status ok = ProposeHours(ctx, *open, signup);
            if (!ok.ok()) return ok;
          }
        }
        if (signup.state_reason() != reason) {
          signup.set_state_reason(reason);
          moved->push_back("state_reason");
        }
        return moved;
      },
      out, /*allow_deleted=*/false,
      [&](WriteContext& ctx, const storage::ResourceKey& k) -> absl::Status {
        auto opened = Open(ctx, ShiftKeyOf(k));
        if (!opened.ok()) return opened.status();
        open = *std::move(opened);
        return absl::OkStatus();
      });
}

absl::Status ProjectService::CheckShiftWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                             const Shift& shift,
                                             const std::vector<std::string>& changed) {
  if (ctx.creating) {
    storage::ResourceTable::Row row;
    Project project;
    absl::Status ok =
        projects_.table().Get(ctx.session, storage::ResourceKey(key.library_id, key.parents.at(0)),
                              storage::Lock::kShare, &row, &project);
    if (!ok.ok()) return ok;
    const Lifecycle& projects = ProjectLifecycle();
    if (!projects.In(project, {Project::PLANNED, Project::ACTIVE})) {
      return projects.Wrong(project, "a new shift", {Project::PLANNED, Project::ACTIVE});
    }
    return absl::OkStatus();
  }
  if (api::HasPath(changed, "capacity") && shift.capacity() < shift.confirmed_count()) {
    return Precondition("CAPACITY_BELOW_CONFIRMED",
                        absl::StrCat(shifts_.table().Name(key), " has ", shift.confirmed_count(),
                                     " places confirmed; capacity ", shift.capacity(),
                                     " would not hold them (cancel sign-ups first)"),
                        {{"confirmed_count", absl::StrCat(shift.confirmed_count())}});
  }
  if (!api::HasPath(changed, "start_time") && !api::HasPath(changed, "end_time")) {
    return absl::OkStatus();
  }
  // Moved: none of its confirmed volunteers may then be on another overlapping shift (unless
  // their sign-up was confirmed with an overlap reason).
  auto confirmed = ctx.session.Run([&]() -> absl::StatusOr<std::vector<std::string>> {
    auto rs = ctx.session.Query(
        "SELECT volunteer FROM signups WHERE library_id = ? AND project_id = ? AND shift_id = ? "
        "AND state = 2 AND delete_time IS NULL AND overlap_reason = '' ORDER BY volunteer",
        key.library_id, key.parents.at(0), key.id);
    std::vector<std::string> names;
    while (rs->next()) names.push_back(storage::GetString(*rs, 1));
    return names;
  });
  if (!confirmed.ok()) return confirmed.status();
  for (const std::string& volunteer : *confirmed) {
    auto vkey = storage::VolunteersTable().ParseName(volunteer, "volunteer");
    if (!vkey.ok()) return vkey.status();
    absl::Status ok = GuardVolunteer(ctx.session, *vkey);
    if (!ok.ok()) return ok;
    auto other = OverlappingSignup(ctx.session, key.library_id, volunteer, key,
                                   api::FromTimestamp(shift.start_time()),
                                   api::FromTimestamp(shift.end_time()));
    if (!other.ok()) return other.status();
    if (*other) {
      return Precondition("SHIFT_OVERLAP",
                          absl::StrCat("moved so, ", shifts_.table().Name(key), " would overlap ",
                                       **other, " of ", volunteer, ", who is confirmed for both"),
                          {{"volunteer", volunteer}, {"signup", **other}});
    }
  }
  return absl::OkStatus();
}

absl::Status ProjectService::AfterShiftWrite(WriteContext& ctx, const storage::ResourceKey& key,
                                             const Shift* before, const Shift& after) {
  if (before == nullptr) return absl::OkStatus();
  storage::Session& s = ctx.session;
  if (before->has_delete_time() && !after.has_delete_time()) {
    // Brought back: its sign-ups stayed deleted (see DeleteShift), its places and waitlist
    // follow them.
    absl::Status ok = s.Run([&]() -> absl::Status {
      s.Execute(
          "UPDATE shifts SET confirmed_places = (SELECT COALESCE(SUM(party_size), 0) FROM signups "
          "WHERE library_id = ? AND project_id = ? AND shift_id = ? AND state IN (2, 4, 5) AND "
          "delete_time IS NULL), waiting = (SELECT COUNT(*) FROM signups WHERE library_id = ? "
          "AND project_id = ? AND shift_id = ? AND state = 3 AND delete_time IS NULL) WHERE "
          "library_id = ? AND project_id = ? AND id = ?",
          key.library_id, key.parents.at(0), key.id, key.library_id, key.parents.at(0), key.id,
          key.library_id, key.parents.at(0), key.id);
      return absl::OkStatus();
    });
    if (!ok.ok()) return ok;
  }
  const bool more_places =
      after.capacity() > before->capacity() ||
      (after.waitlist_mode() == v1::AUTO && before->waitlist_mode() != v1::AUTO);
  if (!more_places || after.has_delete_time()) return absl::OkStatus();
  auto open = Open(ctx, key);
  if (!open.ok()) return open.status();
  return Promote(ctx, *open);
}

absl::Status ProjectService::ListUpcoming(const api::Call& call,
                                          const v1::ListUpcomingShiftsRequest& request,
                                          v1::ListShiftsResponse* out) {
  const int within = request.within_hours() == 0 ? 24 : request.within_hours();
  if (within < 1 || within > kMaxWithinHours) {
    return api::InvalidField(
        "within_hours", absl::StrCat("must be 1-", kMaxWithinHours, " (default 24), got ", within));
  }
  ListArgs args;
  args.method = "ListUpcomingShifts";
  args.page_size = request.page_size();
  args.page_token = request.page_token();
  args.order_by = "start_time";
  std::string parent = request.parent();
  storage::SqlClause starting = storage::due::ShiftsStartingWithin(within);
  std::string condition = std::move(starting.sql);
  std::vector<storage::SqlValue> values = std::move(starting.params);
  if (!request.volunteer().empty()) {
    auto volunteer = storage::VolunteersTable().ParseName(request.volunteer(), "volunteer");
    if (!volunteer.ok()) return volunteer.status();
    if (parent.empty())
      parent = absl::StrCat(api::LibraryName(volunteer->library_id), "/projects/-");
    absl::StrAppend(&condition,
                    " AND EXISTS (SELECT 1 FROM signups u WHERE u.library_id = t.library_id AND "
                    "u.project_id = t.project_id AND u.shift_id = t.id AND u.volunteer = ? AND "
                    "u.state = 2 AND u.delete_time IS NULL)");
    values.push_back(request.volunteer());
  }
  if (parent.empty()) {
    return api::InvalidField("parent",
                             "is required without volunteer: \"libraries/{library}\" (its "
                             "subtree), \"libraries/-\" or \"libraries/{l}/projects/{p}\"");
  }
  args.condition = {condition, values};
  // A library stands for its subtree.
  const std::string library(api::LibraryIdOf(parent));
  if (parent == api::LibraryName(library) && library != "-") {
    args.WithinSubtree(library);
    parent = "libraries/-/projects/-";
  } else if (parent == "libraries/-") {
    parent = "libraries/-/projects/-";
  }
  args.parent = parent;
  args.context = absl::StrCat("within_hours=", within, "|volunteer=", request.volunteer(),
                              "|library=", request.parent());
  return shifts_.List(call, args, out->mutable_shifts(), out->mutable_next_page_token());
}

}  // namespace allies::services
