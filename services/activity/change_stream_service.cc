#include "services/activity/change_stream_service.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "api/log.h"
#include "api/proto_time.h"
#include "storage/change_outbox.h"
#include "storage/core_tables.h"
#include "storage/resource_table.h"
#include "storage/scope.h"
#include "storage/sql_time.h"
#include "storage/transaction.h"

namespace allies::services {

namespace {

namespace changes = storage::changes;

constexpr absl::string_view kEveryLibrary = "libraries/-";
// How long a waiting stream sleeps before it looks at its call again (cancelled?).
constexpr absl::Duration kWakeUp = absl::Milliseconds(500);
// A stream that moved past changes its filters left out says so at most this often.
constexpr absl::Duration kProgressInterval = absl::Seconds(1);

// The collections whose changes are streamed (what `collections` may name: every one), with
// the permission reading them takes.
const std::map<std::string, v1::Permission>& StreamedCollections() {
  static const auto* const kCollections = [] {
    auto* out = new std::map<std::string, v1::Permission>;
    for (const storage::ResourceTable* table : storage::Tables()) {
      out->emplace(table->collection_path(), table->options().read_permission);
    }
    return out;
  }();
  return *kCollections;
}

absl::Status OutOfRange(absl::string_view message, const changes::Bounds& bounds) {
  return api::Error(absl::StatusCode::kOutOfRange, "POSITION_OUT_OF_RANGE", message,
                    {{"oldest_position", absl::StrCat(bounds.pruned_through)},
                     {"newest_position", absl::StrCat(bounds.last_position)}});
}

void ToProto(const changes::StoredChange& c, v1::Change* out) {
  out->set_position(c.position);
  out->set_resource(c.resource);
  out->set_collection(c.collection);
  out->set_verb(c.verb);
  for (const std::string& f : c.changed_fields) out->add_changed_fields(f);
  out->set_actor(c.actor);
  out->set_request_id(c.request_id);
  api::ToTimestamp(c.change_time, out->mutable_change_time());
  out->set_activity(c.activity);
}

}  // namespace

ChangeStreamService::ChangeStreamService(const server::ServiceDeps& deps,
                                         ChangeStreamOptions options)
    : pool_(deps.pool),
      sequencer_pool_([&] {
        storage::DbConfig config = deps.pool.config();
        config.pool_size = 1;
        return config;
      }()),
      authenticator_(deps.authenticator),
      options_(options),
      method_(api::FindMethod(v1::WatchChangesRequest::descriptor(),
                              v1::WatchChangesResponse::descriptor())) {
  sequencer_ = std::thread([this] { RunSequencer(); });
}

ChangeStreamService::~ChangeStreamService() {
  Stop();
  // Joined here, not in Stop: a sequencer waiting on the database (its own pool) must not hold
  // up the host's drain.
  if (sequencer_.joinable()) sequencer_.join();
}

void ChangeStreamService::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
}

void ChangeStreamService::Publish(int64_t last_position) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (last_position <= last_position_) return;
    last_position_ = last_position;
  }
  changed_.notify_all();
}

void ChangeStreamService::RunSequencer() {
  pthread_setname_np(pthread_self(), "allies-sequence");
  bool failing = false;
  while (true) {
    auto sequenced = changes::Sequence(sequencer_pool_, storage::NowMicros());
    absl::Duration pause = options_.poll;
    if (sequenced.ok()) {
      if (failing) api::LogJson("info", "the change sequencer runs again");
      failing = false;
      Publish(sequenced->last_position);  // (also what other replicas' sequencers gave)
      // A backlog (a large import) is worked through without pauses.
      if (sequenced->given >= 1000) pause = absl::ZeroDuration();
    } else {
      if (!failing) {
        api::LogJson("warn", "the change sequencer cannot run",
                     {{"error", std::string(sequenced.status().message())}});
      }
      failing = true;
      pause = std::max(pause, absl::Seconds(1));
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (changed_.wait_for(lock, absl::ToChronoNanoseconds(pause), [this] { return stopping_; })) {
      return;
    }
  }
}

int64_t ChangeStreamService::WaitBeyond(int64_t position, absl::Time until) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_until(lock, absl::ToChronoTime(until),
                      [&] { return stopping_ || last_position_ > position; });
  return last_position_;
}

grpc::Status ChangeStreamService::WatchChanges(
    grpc::ServerContext* context, const v1::WatchChangesRequest* request,
    grpc::ServerWriter<v1::WatchChangesResponse>* writer) {
  return api::ToGrpcStatus(
      api::ServeCall(context, method_, authenticator_,
                     [&](const api::Call& call) { return Watch(call, *request, *writer); }));
}

absl::Status ChangeStreamService::Watch(const api::Call& call,
                                        const v1::WatchChangesRequest& request,
                                        grpc::ServerWriter<v1::WatchChangesResponse>& writer) {
  // The request, checked whole before the database is asked anything.
  api::FieldViolations bad;
  std::optional<std::string> library;  // nullopt: "libraries/-"
  if (request.parent() != kEveryLibrary) {
    auto key = storage::LibrariesTable().ParseName(request.parent(), "parent");
    if (key.ok()) {
      library = key->id;
    } else {
      bad.AddFrom(key.status(), "parent");
    }
  }
  for (int i = 0; i < request.collections_size(); ++i) {
    if (StreamedCollections().count(request.collections(i)) == 0) {
      bad.Add(absl::StrCat("collections[", i, "]"),
              absl::StrCat("no collection ", api::Quote(request.collections(i)),
                           " has changes to stream (collections are paths such as "
                           "\"partners\" or \"projects/shifts\")"));
    }
  }
  if (request.after_position() < 0) bad.Add("after_position", "must not be negative");
  if (request.start_at_now() && request.after_position() != 0) {
    bad.Add("after_position", "must be 0 with start_at_now");
  }
  if (!bad.empty()) return bad.ToStatus();
  // Only what the caller may read: asked for, or else left out.
  std::vector<std::string> collections(request.collections().begin(), request.collections().end());
  const api::Role role = call.principal().role;
  if (collections.empty()) {
    bool all = true;
    for (const auto& [collection, permission] : StreamedCollections()) {
      if (api::RoleGrants(role, permission)) {
        collections.push_back(collection);
      } else {
        all = false;
      }
    }
    if (all) collections.clear();
  } else {
    for (const std::string& collection : collections) {
      if (!api::RoleGrants(role, StreamedCollections().at(collection))) {
        return api::Error(absl::StatusCode::kPermissionDenied, "PERMISSION_DENIED",
                          absl::StrCat(call.principal().name, " may not read ", collection),
                          {{"collection", collection}});
      }
    }
  }

  // Whose changes: the parent's subtree, within what the caller's key reaches.
  std::optional<std::string> within = storage::scope::Root(call.principal());
  changes::Bounds bounds;
  absl::Status ready = storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        if (library) {
          absl::Status reached =
              storage::scope::Check(s, call.principal(), *library, request.parent());
          if (!reached.ok()) return reached;
          auto state = storage::LibrariesTable().State(s, storage::ResourceKey(*library, *library),
                                                       storage::Lock::kNone);
          if (!state.ok()) return state.status();
          if (*state == storage::ResourceTable::RowState::kMissing) {
            return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                              absl::StrCat(request.parent(), " does not exist"),
                              {{"resource", request.parent()}});
          }
          within = library;
        }
        auto read = changes::ReadBounds(s);
        if (!read.ok()) return read.status();
        bounds = *read;
        return absl::OkStatus();
      },
      call.deadline());
  if (!ready.ok()) return ready;
  int64_t position = request.after_position();
  if (request.start_at_now()) {
    position = bounds.last_position;
  } else if (position < bounds.pruned_through) {
    return OutOfRange(
        absl::StrCat("changes up to position ", bounds.pruned_through,
                     " were pruned (they are kept for ",
                     absl::FormatDuration(changes::kChangeRetention), "); resume after ",
                     bounds.pruned_through, " or later, or start over"),
        bounds);
  } else if (position > bounds.last_position) {
    return OutOfRange(absl::StrCat("position ", position, " has not been given yet (the newest is ",
                                   bounds.last_position, ")"),
                      bounds);
  }

  changes::Window window;
  window.within = within;
  window.collections = std::move(collections);
  window.limit = options_.batch;
  // The first response goes out at once (the changes at hand, or none): the consumer knows the
  // stream is open and where it starts.
  absl::Time last_write = absl::InfinitePast();
  bool unsaid = false;  // the position moved past left-out changes since the last response
  const auto resume = [&] { return absl::StrCat("; resume after position ", position); };
  while (true) {
    if (call.context()->IsCancelled()) {
      return absl::CancelledError(absl::StrCat("the client cancelled the stream", resume()));
    }
    // The next empty response: progress past left-out changes soon, else a heartbeat.
    const absl::Time say_at = last_write + (unsaid ? kProgressInterval : options_.heartbeat);
    const int64_t given = WaitBeyond(position, std::min(say_at, absl::Now() + kWakeUp));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) {
        return api::Error(absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
                          absl::StrCat("the server is shutting down", resume()),
                          {{"position", absl::StrCat(position)}});
      }
    }
    v1::WatchChangesResponse response;
    if (given > position) {
      window.after = position;
      std::vector<changes::StoredChange> batch;
      absl::Status read = storage::RunRead(pool_, [&](storage::Session& s) -> absl::Status {
        const auto fell_behind = [&](const changes::Bounds& now) {
          return OutOfRange(
              absl::StrCat("the consumer fell behind the outbox's retention (",
                           absl::FormatDuration(changes::kChangeRetention),
                           "): changes after position ", position, " were pruned; start over"),
              now);
        };
        auto now = changes::ReadBounds(s);
        if (!now.ok()) return now.status();
        if (position < now->pruned_through) return fell_behind(*now);
        // No further than this connection's node has the positions (a Galera node behind the
        // sequencer's would otherwise let the stream step over rows it cannot see yet).
        window.through = std::min(given, now->last_position);
        if (window.through <= position) return absl::OkStatus();
        auto rows = changes::Read(s, window);
        if (!rows.ok()) return rows.status();
        // Pruned meanwhile (each statement reads afresh)? Then what is missing went with it.
        auto after = changes::ReadBounds(s);
        if (!after.ok()) return after.status();
        if (position < after->pruned_through) return fell_behind(*after);
        batch = *std::move(rows);
        return absl::OkStatus();
      });
      if (read.code() == absl::StatusCode::kOutOfRange) return read;  // its bounds, as they are
      if (!read.ok()) {
        return api::Error(
            read.code(), api::ErrorReason(read).empty() ? "DATABASE" : api::ErrorReason(read),
            absl::StrCat(read.message(), resume()), {{"position", absl::StrCat(position)}});
      }
      if (window.through <= position) continue;  // this node has not got there yet
      // A full batch may have more behind it; a short one covered everything through.
      const int64_t through =
          static_cast<int>(batch.size()) == window.limit ? batch.back().position : window.through;
      for (const auto& c : batch) ToProto(c, response.add_changes());
      const bool say = !batch.empty() || absl::Now() - last_write >= kProgressInterval;
      if (!say) {
        position = through;
        unsaid = true;
        continue;
      }
      response.set_position(through);
    } else if (absl::Now() >= say_at) {
      response.set_position(position);
    } else {
      continue;
    }
    // The key may have been revoked, or the library moved out of its reach, since the stream
    // opened: checked again before every response (keys are cached for 5 s).
    auto principal = api::AuthenticateCall(call.context(), authenticator_);
    if (!principal.ok()) return principal.status();
    if (library && !principal->library_id.empty() && *library != principal->library_id) {
      absl::Status reached = storage::RunRead(pool_, [&](storage::Session& s) {
        return storage::scope::Check(s, *principal, *library, request.parent());
      });
      if (!reached.ok()) return reached;
    }
    // Blocks while the consumer's flow-control window is full: a slow consumer holds one
    // response here, and the next is read from the database only after it.
    if (!writer.Write(response)) {
      return absl::CancelledError(absl::StrCat("the client went away", resume()));
    }
    position = response.position();
    last_write = absl::Now();
    unsaid = false;
  }
}

server::ServiceRegistration ChangeStreamServiceRegistration() {
  return {
      v1::ChangeStreamService::service_full_name(),
      [](const server::ServiceDeps& deps) { return std::make_unique<ChangeStreamService>(deps); },
      {"pruned the change outbox", [](storage::ConnectionPool& pool, absl::Time now) {
         return storage::changes::Prune(pool, now - storage::changes::kChangeRetention);
       }}};
}

}  // namespace allies::services
