// allies-bench: measures the service against the raw database doing the same statements, side
// by side in one run, at concurrency 1, 8 and 32.
//
//   noop        grpc.health.v1.Health/Check on the same server (the gRPC floor)
//   get_invalid GetLibrary rejected before the database: gRPC plus our RPC machinery
//   get         LibraryService/GetLibrary
//   raw_select  the same SELECT through the same pool, without gRPC
//   create      LibraryService/CreateLibrary
//   raw_insert  the same INSERT transaction through the same pool, without gRPC
//   get_partner PartnerService/GetPartner, and raw_get_p the same SELECT without gRPC
//   list_first  ListPartners filtered (state = ACTIVE), page 50, the first page, over
//               --partners (100000) partners of one library
//   list_deep   the same list, a page about 90% of the way through (keyset: no OFFSET)
//   create_p    PartnerService/CreatePartner, and raw_ins_p the same INSERT without gRPC
//   signup      ProjectService/CreateSignup against one shift of 50 places (AUTO waitlist) at a
//               time: every call a new volunteer, the next shift (a day later) after
//               --volunteers calls; raw_signup the statements any correct sign-up needs (the
//               shift row written, the conditional place update or the waitlist's count, the
//               INSERT and its activity)
//               in one transaction without gRPC, on shifts of their own
//   list_shifts ListShifts of a project's next month (page of 50 of its 100 daily shifts)
//   hours       ProjectService/CreateHours: a volunteer's hours (against create_p)
//   import      (--import=N, once, after the others) VolunteerService/ImportVolunteers of N
//               volunteers in batches of 1000, against raw multi-row INSERTs of the same rows
//   --review    instead of all of the above: ReportService's network review of 100 libraries
//               with 1 000 000 approved hours entries and 100 000 partners, in process, against
//               one hand-written SQL aggregate of the same hours (bench/review_bench.cc)
//
// The last line is `get_vs_floor=<r> create_vs_raw=<r>`, where floor = 1/(1/noop + 1/raw_select)
// at concurrency 32: the throughput a GetLibrary would have if it cost exactly one no-op RPC plus
// one raw SELECT. The server runs with its defaults (pool size, workers, per-RPC log lines, which
// go to /dev/null). Besides rps and latency, each row shows CPU microseconds per operation: in
// this process's serving side (srv_us: every thread but the load generator's), in the load
// generator (cli_us), in the database server (db_us); and context switches of this process and
// statements the database ran, per operation: where the time goes, not only how much.
//
// The load generator keeps `concurrency` RPCs in flight from one thread per core over
// completion queues, so that it costs little and the same per call however long a call takes;
// the raw side blocks on one thread per concurrent operation, as the connector does.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "allies/v1/project.grpc.pb.h"
#include "allies/v1/volunteer.grpc.pb.h"
#include "api/credentials.h"
#include "api/log.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "bench/review_bench.h"
#include "clients/client_channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/all_services.h"
#include "server/config.h"
#include "server/host.h"
#include "services/apikey/api_key_service.h"
#include "storage/activity_log.h"
#include "storage/core_tables.h"
#include "storage/migrations.h"
#include "storage/partnership_tables.h"
#include "storage/project_tables.h"
#include "storage/transaction.h"
#include "storage/volunteer_tables.h"

namespace allies::bench {
namespace {

using v1::Volunteer;

struct Options {
  double seconds = 2.0;   // per measurement
  int repeat = 3;         // each cell is measured this often (interleaved); the median is shown
  int seed = 10000;       // libraries to read from
  int partners = 100000;  // partners of one library, for the partner operations
  std::vector<int> concurrency = {1, 8, 32};
  int threads = 0;                // the server's serving threads (0: its default)
  std::vector<std::string> only;  // --ops: measure only these operations (empty: all)
  int import_rows = 100000;       // --import: volunteers imported (0: no import measurement)
  int volunteers = 10000;         // --volunteers: ACTIVE volunteers the sign-ups use
};

// The peak resident memory of this process so far (VmHWM), in MiB; nan when unreadable.
double PeakRssMiB() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return std::nan("");
  char line[256];
  double kib = std::nan("");
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    if (std::sscanf(line, "VmHWM: %lf kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib / 1024.0;
}

// How the load generator's threads are named (in top and perf).
constexpr char kClientThread[] = "bench-client";

// CPU seconds used so far by this process, by its load-generating threads, and by the database
// server (when its pid is known).
struct CpuTimes {
  double switches = 0;  // context switches of this process
  double self = 0;
  double client = 0;  // the load generator's threads
  double db = 0;
};

// CPU seconds (user + system) in a /proc/<pid>/stat file.
double ProcCpu(const std::string& path) {
  std::ifstream stat(path);
  std::string line;
  std::getline(stat, line);
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  // Fields after the ")" of the command: state is field 3; utime and stime are 14 and 15.
  std::vector<std::string> fields = absl::StrSplit(line.substr(close + 2), ' ');
  double utime = 0, stime = 0;
  if (fields.size() <= 13 || !absl::SimpleAtod(fields[11], &utime) ||
      !absl::SimpleAtod(fields[12], &stime)) {
    return 0;
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// `clients` are the CPU clocks of the load generator's threads.
CpuTimes ReadCpu(int db_pid, const std::vector<clockid_t>& clients) {
  CpuTimes t;
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  t.self = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
           usage.ru_stime.tv_usec / 1e6;
  t.switches = static_cast<double>(usage.ru_nvcsw + usage.ru_nivcsw);
  for (clockid_t clock : clients) {
    timespec ts{};
    if (clock_gettime(clock, &ts) == 0) t.client += ts.tv_sec + ts.tv_nsec / 1e9;
  }
  if (db_pid > 0) t.db = ProcCpu(absl::StrCat("/proc/", db_pid, "/stat"));
  return t;
}

// The database server's pid, from the pid file dbctl keeps beside the socket.
int DbPid(const storage::DbConfig& db) {
  if (db.socket.empty()) return 0;
  std::ifstream in(db.socket.substr(0, db.socket.rfind('/')) + "/mariadbd.pid");
  int pid = 0;
  in >> pid;
  return pid;
}

struct Result {
  double cpu_server_us = 0;  // CPU per operation in this process, less the load generator
  double cpu_client_us = 0;  // CPU per operation in the load generator's threads
  double cpu_db_us = 0;      // CPU per operation in the database server
  double switches = 0;       // context switches per operation in this process
  double statements = 0;     // statements the database server ran per operation
  double rps = 0;
  double p50_us = 0;
  double p99_us = 0;
  int64_t errors = 0;
};

// One RPC in flight on a completion queue; asked whether it succeeded once it completes.
class PendingCall {
 public:
  virtual ~PendingCall() = default;
  virtual bool Succeeded() const = 0;
};

// Starts the call of slot `slot` (its i-th), with `tag` for its completion.
using AsyncOp = std::function<std::unique_ptr<PendingCall>(int slot, int64_t i,
                                                           grpc::CompletionQueue* cq, void* tag)>;
// Runs one operation to its end on the calling thread; false when it failed.
using BlockingOp = std::function<bool(int slot, int64_t i)>;

// What is measured: RPCs are driven asynchronously, so that the load generator's threads do not
// block per call and the server gets the CPU a real client elsewhere would leave it; the raw
// database side blocks, as the connector does, on one thread per concurrent operation.
struct Operation {
  std::string name;
  AsyncOp rpc;
  BlockingOp blocking;
};

template <typename Response>
class UnaryCall final : public PendingCall {
 public:
  using Prepare = std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
      grpc::ClientContext*, grpc::CompletionQueue*, int, int64_t)>;
  using Check = std::function<bool(const grpc::Status&, const Response&)>;
  UnaryCall(const Prepare& prepare, const Check& check, int slot, int64_t i,
            grpc::CompletionQueue* cq, void* tag)
      : check_(check) {
    reader_ = prepare(&context_, cq, slot, i);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag);
  }
  bool Succeeded() const override { return check_ ? check_(status_, response_) : status_.ok(); }

 private:
  const Check& check_;
  grpc::ClientContext context_;
  Response response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
};

// An RPC operation: `prepare` builds the request of slot's i-th call and prepares it on the stub;
// `check` (default: status OK) tells a success.
template <typename Response>
Operation Rpc(std::string name, typename UnaryCall<Response>::Prepare prepare,
              typename UnaryCall<Response>::Check check = nullptr) {
  auto shared = std::make_shared<
      std::pair<typename UnaryCall<Response>::Prepare, typename UnaryCall<Response>::Check>>(
      std::move(prepare), std::move(check));
  return {std::move(name),
          [shared](int slot, int64_t i, grpc::CompletionQueue* cq, void* tag) {
            return std::make_unique<UnaryCall<Response>>(shared->first, shared->second, slot, i, cq,
                                                         tag);
          },
          nullptr};
}

Operation Blocking(std::string name, BlockingOp op) {
  return {std::move(name), nullptr, std::move(op)};
}

// Latencies (microseconds) and failures per slot; a slot is used by one thread only.
struct Samples {
  explicit Samples(int slots) : latencies(slots), errors(slots, 0) {}
  std::vector<std::vector<int64_t>> latencies;
  std::vector<int64_t> errors;
  void Add(int slot, absl::Time start, bool ok) {
    latencies[slot].push_back(absl::ToInt64Microseconds(absl::Now() - start));
    if (!ok) ++errors[slot];
  }
};

// `concurrency` threads, each running the blocking operation back to back.
std::vector<std::thread> StartBlocking(int concurrency, const BlockingOp& op,
                                       const std::atomic<bool>& measuring,
                                       const std::atomic<bool>& stop, Samples& samples) {
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&op, &measuring, &stop, &samples, t] {
      pthread_setname_np(pthread_self(), kClientThread);
      for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        const absl::Time start = absl::Now();
        const bool ok = op(t, i);
        if (measuring.load(std::memory_order_relaxed)) samples.Add(t, start, ok);
      }
    });
  }
  return threads;
}

// `concurrency` calls kept in flight by one thread per core, each with a completion queue and an
// equal share of the slots; a slot starts its next call as soon as the last one completes.
std::vector<std::thread> StartAsync(int concurrency, const AsyncOp& op,
                                    const std::atomic<bool>& measuring,
                                    const std::atomic<bool>& stop, Samples& samples) {
  const int threads =
      std::max(1, std::min(concurrency, static_cast<int>(std::thread::hardware_concurrency())));
  std::vector<std::thread> out;
  for (int t = 0; t < threads; ++t) {
    out.emplace_back([&op, &measuring, &stop, &samples, t, threads, concurrency] {
      pthread_setname_np(pthread_self(), kClientThread);
      struct Slot {
        int index = 0;
        int64_t i = 0;
        absl::Time start;
        std::unique_ptr<PendingCall> call;
      };
      grpc::CompletionQueue cq;
      std::vector<Slot> slots;
      for (int s = t; s < concurrency; s += threads) {
        slots.emplace_back();
        slots.back().index = s;
      }
      auto begin = [&](Slot& slot) {
        slot.start = absl::Now();
        slot.call = op(slot.index, slot.i++, &cq, &slot);
      };
      for (Slot& slot : slots) begin(slot);
      size_t in_flight = slots.size();
      void* tag = nullptr;
      bool ok = false;
      while (in_flight > 0 && cq.Next(&tag, &ok)) {
        Slot& slot = *static_cast<Slot*>(tag);
        if (measuring.load(std::memory_order_relaxed)) {
          samples.Add(slot.index, slot.start, ok && slot.call->Succeeded());
        }
        slot.call.reset();
        if (stop.load(std::memory_order_relaxed)) {
          --in_flight;
        } else {
          begin(slot);
        }
      }
      cq.Shutdown();
      while (cq.Next(&tag, &ok)) {
      }
    });
  }
  return out;
}

// Runs the operation at `concurrency` for `seconds` after a short warm-up.
Result Measure(int concurrency, double seconds, int db_pid,
               const std::function<double()>& db_statements, const Operation& op) {
  std::atomic<bool> measuring{false}, stop{false};
  Samples samples(concurrency);
  for (auto& l : samples.latencies) l.reserve(1 << 16);
  std::vector<std::thread> workers =
      op.rpc ? StartAsync(concurrency, op.rpc, measuring, stop, samples)
             : StartBlocking(concurrency, op.blocking, measuring, stop, samples);
  std::vector<clockid_t> client_clocks;
  for (auto& w : workers) {
    clockid_t clock;
    if (pthread_getcpuclockid(w.native_handle(), &clock) == 0) client_clocks.push_back(clock);
  }
  absl::SleepFor(absl::Milliseconds(300));  // warm-up: connections, prepared statements
  measuring = true;
  const absl::Time start = absl::Now();
  const CpuTimes cpu_start = ReadCpu(db_pid, client_clocks);
  const double statements_start = db_statements();
  absl::SleepFor(absl::Seconds(seconds));
  measuring = false;
  const CpuTimes cpu_end = ReadCpu(db_pid, client_clocks);
  const double statements_end = db_statements() - 1;  // less the one that read the counter
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  for (auto& w : workers) w.join();
  std::vector<int64_t> all;
  Result r;
  for (int t = 0; t < concurrency; ++t) {
    all.insert(all.end(), samples.latencies[t].begin(), samples.latencies[t].end());
    r.errors += samples.errors[t];
  }
  if (all.empty()) return r;
  std::sort(all.begin(), all.end());
  const double ops = static_cast<double>(all.size());
  r.rps = ops / elapsed;
  r.cpu_client_us = (cpu_end.client - cpu_start.client) * 1e6 / ops;
  r.cpu_server_us = (cpu_end.self - cpu_start.self) * 1e6 / ops - r.cpu_client_us;
  r.switches = (cpu_end.switches - cpu_start.switches) / ops;
  r.cpu_db_us = (cpu_end.db - cpu_start.db) * 1e6 / ops;
  r.statements = (statements_end - statements_start) / ops;
  r.p50_us = static_cast<double>(all[all.size() / 2]);
  r.p99_us = static_cast<double>(all[std::min(all.size() - 1, all.size() * 99 / 100)]);
  return r;
}

// Every operation, in the order measured and printed.
const std::vector<std::string> kOperations = {
    "noop",        "get_invalid", "get",         "raw_select", "create",   "raw_insert",
    "get_partner", "raw_get_p",   "list_first",  "list_deep",  "create_p", "raw_ins_p",
    "signup",      "raw_signup",  "list_shifts", "hours"};

std::string SeedId(int i) { return absl::StrCat("bench-", i); }

// The fields the created resources set, as the services' CREATE entries list them.
const std::vector<std::string> kLibraryFields = {"display_name", "kind", "region"};
const std::vector<std::string> kPartnerFields = {"display_name", "kind", "state", "tags"};
const std::vector<std::string> kSignupFields = {"volunteer", "party_size", "source"};

// The SYSTEM activity a create by `actor` writes, as the services build it.
storage::Change SystemEntry(const std::string& actor, const std::string& library_id,
                            const std::string& resource, const std::vector<std::string>& fields,
                            absl::Time when) {
  storage::Change change;
  change.library_id = library_id;
  change.actor = actor;
  change.verb = "CREATE";
  change.resource = resource;
  change.changed_fields = fields;
  change.request_id = api::GenerateResourceId();
  change.time = when;
  return change;
}

// The raw-database side of a Get: one row through the pool, every column read as text (as a
// handler reads it before building its response). False when there is no such row.
template <typename... Args>
bool RawRead(storage::ConnectionPool& pool, const std::string& sql, unsigned columns,
             const Args&... args) {
  return storage::RunRead(pool,
                          [&](storage::Session& s) {
                            return s.Run([&]() -> absl::Status {
                              auto rs = s.Query(sql, args...);
                              if (!rs->next()) return absl::NotFoundError("no row");
                              std::string sink;
                              for (unsigned c = 1; c <= columns; ++c) {
                                if (!rs->isNull(c)) sink += storage::GetString(*rs, c);
                              }
                              return sink.empty() ? absl::InternalError("empty") : absl::OkStatus();
                            });
                          })
      .ok();
}

// One imported volunteer, the same in both runs: Cyrillic names, unique contact points, a paper
// consent.
v1::ImportedVolunteer ImportRow(int i, absl::Time now) {
  static const char* kFamily[] = {"Иванова", "Петров", "Смирнова", "Кузнецов", "Ёлкина",
                                  "Соколов", "Попова", "Лебедев",  "Козлова",  "Новиков"};
  static const char* kGiven[] = {"Анна",   "Пётр",  "Мария",   "Иван",  "Алёна",
                                 "Сергей", "Ольга", "Дмитрий", "Елена", "Фёдор"};
  v1::ImportedVolunteer row;
  row.set_line(i + 2);
  Volunteer* v = row.mutable_volunteer();
  v->set_family_name(kFamily[i % 10]);
  v->set_given_name(kGiven[(i / 10) % 10]);
  v->set_patronymic(absl::StrCat("Отчество-", i));
  v->mutable_birth_date()->set_year(1950 + i % 55);
  v->mutable_birth_date()->set_month(1 + i % 12);
  v->mutable_birth_date()->set_day(1 + i % 28);
  v->add_emails(absl::StrCat("volunteer", i, "@example.ru"));
  v->add_phones(absl::StrFormat("+7900%07d", i));
  v->set_city("Вологда");
  v->add_skills("мероприятия");
  v->add_skills(absl::StrCat("навык-", i % 50));
  row.mutable_consent()->set_document_number(absl::StrCat("П-", i));
  row.mutable_consent()->add_data_categories("ФИО");
  row.mutable_consent()->add_data_categories("контактные данные");
  api::ToTimestamp(now - absl::Hours(24), row.mutable_consent()->mutable_given_time());
  return row;
}

// What the volunteer-work operations use, in library `library`: `volunteers` ACTIVE volunteers
// (imported with their consents), an ACTIVE project, and 2 x kWorkShifts daily shifts of
// kWorkCapacity places from tomorrow (the first half for the RPCs, the second for raw_signup).
constexpr int kWorkShifts = 100;
constexpr int kWorkCapacity = 50;
struct WorkSeed {
  std::string project;
  std::vector<std::string> shifts;
  std::vector<std::string> volunteers;
};
absl::StatusOr<WorkSeed> SeedWork(storage::ConnectionPool& pool, int port,
                                  const std::string& admin_key, const std::string& library,
                                  int volunteers) {
  const absl::Time now = storage::NowMicros();
  absl::Status made = storage::RunInTransaction(pool, [&](storage::Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute(
          "INSERT INTO libraries (id, parent_id, display_name, kind, region, address, website, "
          "revision, create_time, update_time) VALUES (?, NULL, ?, 4, '', '', '', 1, ?, ?)",
          library, "Библиотека волонтёров", now, now);
      return absl::OkStatus();
    });
  });
  if (!made.ok()) return made;
  auto channel = client::CreateChannel(absl::StrCat("127.0.0.1:", port), admin_key, {});
  auto volunteer_stub = v1::VolunteerService::NewStub(channel);
  auto project_stub = v1::ProjectService::NewStub(channel);
  WorkSeed seed;
  for (int base = 0; base < volunteers; base += 1000) {
    v1::ImportVolunteersRequest request;
    request.set_parent(api::LibraryName(library));
    for (int i = base; i < std::min(base + 1000, volunteers); ++i) {
      *request.add_rows() = ImportRow(i, now);
    }
    v1::ImportVolunteersResponse response;
    grpc::ClientContext context;
    grpc::Status status = volunteer_stub->ImportVolunteers(&context, request, &response);
    if (!status.ok()) return absl::InternalError(status.error_message());
    for (const auto& r : response.results()) seed.volunteers.push_back(r.volunteer());
  }
  if (static_cast<int>(seed.volunteers.size()) != volunteers) {
    return absl::InternalError(
        absl::StrCat("imported ", seed.volunteers.size(), " of ", volunteers, " volunteers"));
  }
  absl::Status active = storage::RunInTransaction(pool, [&](storage::Session& s) {
    return s.Run([&]() -> absl::Status {
      s.Execute("UPDATE volunteers SET state = 2 WHERE library_id = ?", library);
      return absl::OkStatus();
    });
  });
  if (!active.ok()) return active;
  v1::CreateProjectRequest project;
  project.set_parent(api::LibraryName(library));
  project.mutable_project()->set_title("Библионочь");
  v1::Project created;
  grpc::ClientContext project_context;
  grpc::Status status = project_stub->CreateProject(&project_context, project, &created);
  if (!status.ok()) return absl::InternalError(status.error_message());
  seed.project = created.name();
  v1::ActivateProjectRequest activate;
  activate.set_name(seed.project);
  grpc::ClientContext activate_context;
  status = project_stub->ActivateProject(&activate_context, activate, &created);
  if (!status.ok()) return absl::InternalError(status.error_message());
  const absl::Time first =
      absl::FromUnixSeconds(absl::ToUnixSeconds(now) / 86400 * 86400) + absl::Hours(24 + 10);
  for (int d = 0; d < 2 * kWorkShifts; ++d) {
    v1::CreateShiftRequest request;
    request.set_parent(seed.project);
    api::ToTimestamp(first + absl::Hours(24 * d), request.mutable_shift()->mutable_start_time());
    api::ToTimestamp(first + absl::Hours(24 * d + 3), request.mutable_shift()->mutable_end_time());
    request.mutable_shift()->set_capacity(kWorkCapacity);
    request.mutable_shift()->set_waitlist_mode(v1::AUTO);
    v1::Shift shift;
    grpc::ClientContext context;
    status = project_stub->CreateShift(&context, request, &shift);
    if (!status.ok()) return absl::InternalError(status.error_message());
    seed.shifts.push_back(shift.name());
  }
  return seed;
}

// ImportVolunteers against raw multi-row INSERTs of the same rows, each into a fresh library.
// The raw side writes what the import writes for a new volunteer (the volunteer, its repeated
// values, its consent and the consent's values) with the same multi-row statements
// (ResourceTable::InsertMany), 1000 rows per transaction, without gRPC, validation, matching or
// the activity log. Prints wall time, rows per second and CPU per row of each, and the ratio.
int MeasureImport(const Options& options, storage::ConnectionPool& pool,
                  const storage::DbConfig& db, int port, const std::string& admin_key) {
  constexpr int kBatch = 1000;
  const absl::Time now = storage::NowMicros();
  const std::string suffix = absl::StrCat(absl::ToUnixMicros(now));
  const std::string rpc_library = "imp-rpc-" + suffix, raw_library = "imp-raw-" + suffix;
  absl::Status made = storage::RunInTransaction(pool, [&](storage::Session& s) {
    return s.Run([&]() -> absl::Status {
      for (const std::string& id : {rpc_library, raw_library}) {
        s.Execute(
            "INSERT INTO libraries (id, parent_id, display_name, kind, region, address, website, "
            "revision, create_time, update_time) VALUES (?, NULL, ?, 4, '', '', '', 1, ?, ?)",
            id, "Библиотека импорта", now, now);
      }
      return absl::OkStatus();
    });
  });
  if (!made.ok()) {
    std::fprintf(stderr, "allies-bench: %s\n", std::string(made.message()).c_str());
    return 1;
  }
  std::printf("import: %d volunteers, batches of %d...\n", options.import_rows, kBatch);
  std::fflush(stdout);
  const int db_pid = DbPid(db);
  auto channel = client::CreateChannel(absl::StrCat("127.0.0.1:", port), admin_key, {});
  auto stub = v1::VolunteerService::NewStub(channel);

  struct Timed {
    double seconds = 0, self_us = 0, db_us = 0;
  };
  auto timed = [&](const std::function<absl::Status()>& run, Timed* out) -> absl::Status {
    const CpuTimes before = ReadCpu(db_pid, {});
    const absl::Time start = absl::Now();
    absl::Status ok = run();
    out->seconds = absl::ToDoubleSeconds(absl::Now() - start);
    const CpuTimes after = ReadCpu(db_pid, {});
    out->self_us = (after.self - before.self) * 1e6 / options.import_rows;
    out->db_us = (after.db - before.db) * 1e6 / options.import_rows;
    return ok;
  };
  Timed rpc, raw;
  int64_t created = 0;
  absl::Status ok = timed(
      [&]() -> absl::Status {
        for (int base = 0; base < options.import_rows; base += kBatch) {
          v1::ImportVolunteersRequest request;
          request.set_parent(api::LibraryName(rpc_library));
          for (int i = base; i < std::min(base + kBatch, options.import_rows); ++i) {
            *request.add_rows() = ImportRow(i, now);
          }
          v1::ImportVolunteersResponse response;
          grpc::ClientContext context;
          grpc::Status status = stub->ImportVolunteers(&context, request, &response);
          if (!status.ok()) return absl::InternalError(status.error_message());
          created += response.created();
        }
        return absl::OkStatus();
      },
      &rpc);
  if (ok.ok() && created != options.import_rows) {
    ok = absl::InternalError(absl::StrCat("created ", created, " of ", options.import_rows));
  }
  if (ok.ok()) {
    ok = timed(
        [&]() -> absl::Status {
          for (int base = 0; base < options.import_rows; base += kBatch) {
            std::vector<storage::ResourceTable::Row> vrows, crows;
            std::vector<Volunteer> volunteers;
            std::vector<v1::Consent> consents;
            const int end = std::min(base + kBatch, options.import_rows);
            volunteers.reserve(end - base);
            consents.reserve(end - base);
            for (int i = base; i < end; ++i) {
              v1::ImportedVolunteer row = ImportRow(i, now);
              storage::ResourceTable::Row vrow, crow;
              vrow.key = storage::ResourceKey(raw_library, api::GenerateResourceId());
              crow.key = storage::ResourceKey(raw_library, api::GenerateResourceId());
              Volunteer v = row.volunteer();
              v.set_state(Volunteer::APPLICANT);
              api::ToTimestamp(now, v.mutable_create_time());
              api::ToTimestamp(now, v.mutable_update_time());
              v1::Consent c = row.consent();
              c.set_subject(storage::VolunteersTable().Name(vrow.key));
              c.set_subject_name(absl::StrCat(v.family_name(), " ", v.given_name()));
              c.add_purposes(v1::Consent::VOLUNTEER_WORK);
              c.set_method(v1::Consent::PAPER);
              c.set_state(v1::Consent::ACTIVE);
              api::ToTimestamp(now, c.mutable_create_time());
              api::ToTimestamp(now, c.mutable_update_time());
              vrows.push_back(vrow);
              crows.push_back(crow);
              volunteers.push_back(std::move(v));
              consents.push_back(std::move(c));
            }
            std::vector<const google::protobuf::Message*> vs, cs;
            for (const auto& v : volunteers) vs.push_back(&v);
            for (const auto& c : consents) cs.push_back(&c);
            absl::Status written = storage::RunInTransaction(pool, [&](storage::Session& s) {
              absl::Status w = storage::VolunteersTable().InsertMany(s, vrows, vs);
              if (w.ok()) w = storage::ConsentsTable().InsertMany(s, crows, cs);
              return w;
            });
            if (!written.ok()) return written;
          }
          return absl::OkStatus();
        },
        &raw);
  }
  if (!ok.ok()) {
    std::fprintf(stderr, "allies-bench: import failed: %s\n", std::string(ok.message()).c_str());
    return 1;
  }
  for (const auto& [name, t] :
       {std::pair<const char*, const Timed&>{"import_rpc", rpc}, {"import_raw", raw}}) {
    std::printf(
        "%-12s rows=%d seconds=%.1f rows_per_s=%.0f self_us_per_row=%.1f "
        "db_us_per_row=%.1f\n",
        name, options.import_rows, t.seconds, options.import_rows / t.seconds, t.self_us, t.db_us);
  }
  std::printf(
      "import_vs_raw=%.2f (rows/s of ImportVolunteers over raw multi-row INSERTs; "
      "import of %d in %.1f s, target under 30 s for 100000)\n",
      raw.seconds / rpc.seconds, options.import_rows, rpc.seconds);
  std::fflush(stdout);
  return 0;
}

int Run(const Options& options, const storage::DbConfig& db_in) {
  storage::DbConfig db = db_in;
  auto migrated = storage::ApplyMigrations(db);
  if (!migrated.ok()) {
    std::fprintf(stderr, "allies-bench: migrations failed: %s\n",
                 std::string(migrated.status().message()).c_str());
    return 1;
  }

  server::ServerConfig config;
  config.listen = "127.0.0.1:0";
  config.db = db;
  config.threads = options.threads;
  server::ServerHost host(config, server::AllServices());
  auto port = host.Start();
  if (!port.ok()) {
    std::fprintf(stderr, "allies-bench: server failed: %s\n",
                 std::string(port.status().message()).c_str());
    return 1;
  }
  storage::ConnectionPool& pool = host.pool();
  // Calls carry a network-wide ADMIN key, as a real client's would (authentication included).
  auto admin_key = services::CreateNetworkAdminKey(db, "benchmark");
  if (!admin_key.ok()) {
    std::fprintf(stderr, "allies-bench: cannot create a key: %s\n",
                 std::string(admin_key.status().message()).c_str());
    return 1;
  }
  const std::string actor = absl::StrCat("apiKeys/", api::ParseToken(*admin_key)->id);

  // Seed the libraries GetLibrary reads (idempotent across runs on the same database).
  std::printf("seeding %d libraries...\n", options.seed);
  std::fflush(stdout);
  const absl::Time now = storage::NowMicros();
  for (int base = 0; base < options.seed; base += 1000) {
    absl::Status status = storage::RunInTransaction(pool, [&](storage::Session& s) {
      return s.Run([&]() -> absl::Status {
        for (int i = base; i < std::min(base + 1000, options.seed); ++i) {
          s.Execute(
              "INSERT IGNORE INTO libraries (id, parent_id, display_name, kind, region, address, "
              "website, revision, create_time, update_time) VALUES (?, NULL, ?, 4, ?, ?, '', 1, "
              "?, ?)",
              SeedId(i), absl::StrCat("Библиотека-филиал № ", i), "Вологодская область",
              "г. Вологда, ул. Ленина, д. 1", now, now);
        }
        return absl::OkStatus();
      });
    });
    if (!status.ok()) {
      std::fprintf(stderr, "allies-bench: seeding failed: %s\n",
                   std::string(status.message()).c_str());
      return 1;
    }
  }

  // Partners of one library (half ACTIVE), seeded with multi-row INSERTs.
  const std::string partner_library = SeedId(0);
  std::printf("seeding %d partners...\n", options.partners);
  std::fflush(stdout);
  constexpr int kBatch = 500;
  for (int base = 0; base < options.partners; base += kBatch) {
    const int end = std::min(base + kBatch, options.partners);
    std::string sql =
        "INSERT IGNORE INTO partners (library_id, id, display_name, legal_name, inn, ogrn, kind, "
        "state, website, email, phone, address, notes, revision, create_time, update_time) VALUES ";
    std::vector<storage::SqlValue> values;
    for (int i = base; i < end; ++i) {
      absl::StrAppend(&sql, i == base ? "" : ", ",
                      "(?, ?, ?, '', NULL, '', 1, ?, '', '', '', 'г. Вологда', '', 1, ?, ?)");
      values.push_back(partner_library);
      values.push_back(absl::StrCat("p-", i));
      values.push_back(absl::StrCat("Партнёр № ", i));
      values.push_back(int64_t{i % 2 == 0 ? 2 : 1});  // ACTIVE or PROSPECT
      values.push_back(now);
      values.push_back(now);
    }
    absl::Status status = storage::RunInTransaction(pool, [&](storage::Session& s) {
      return s.Run([&]() -> absl::Status {
        s.ExecuteValues(sql, values);
        return absl::OkStatus();
      });
    });
    if (!status.ok()) {
      std::fprintf(stderr, "allies-bench: seeding partners failed: %s\n",
                   std::string(status.message()).c_str());
      return 1;
    }
  }

  // Fresh statistics of the seeded tables, as a settled database has them: right after a bulk
  // load InnoDB's are stale for several seconds, and the optimizer then read a deep page of
  // partners from the start of the library (measured at c=1: 127 against 750 rps).
  absl::Status analyzed = storage::RunRead(pool, [](storage::Session& s) {
    return s.Run([&]() -> absl::Status {
      auto rs = s.Query("ANALYZE TABLE libraries, partners");
      while (rs->next()) {
      }
      return absl::OkStatus();
    });
  });
  if (!analyzed.ok()) {
    std::fprintf(stderr, "allies-bench: analyzing the seeded tables failed: %s\n",
                 std::string(analyzed.message()).c_str());
    return 1;
  }

  // Volunteer work, when one of its operations is measured.
  const bool work_measured =
      options.only.empty() ||
      std::any_of(options.only.begin(), options.only.end(), [](const std::string& op) {
        return op == "signup" || op == "raw_signup" || op == "list_shifts" || op == "hours";
      });
  WorkSeed work;
  const std::string work_library = absl::StrCat("work-", absl::ToUnixMicros(now));
  if (work_measured) {
    std::printf("seeding %d volunteers, a project and %d shifts...\n", options.volunteers,
                2 * kWorkShifts);
    std::fflush(stdout);
    auto seeded = SeedWork(pool, *port, *admin_key, work_library, options.volunteers);
    if (!seeded.ok()) {
      std::fprintf(stderr, "allies-bench: seeding volunteer work failed: %s\n",
                   std::string(seeded.status().message()).c_str());
      return 1;
    }
    work = *std::move(seeded);
  }

  // Several channels, so that client-side HTTP/2 framing is not one serialized connection.
  constexpr int kChannels = 4;
  std::vector<std::unique_ptr<v1::LibraryService::Stub>> library_stubs;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> health_stubs;
  std::vector<std::unique_ptr<v1::PartnerService::Stub>> partner_stubs;
  std::vector<std::unique_ptr<v1::ProjectService::Stub>> project_stubs;
  for (int c = 0; c < kChannels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("allies.bench.channel", c);
    auto channel = client::CreateChannel(absl::StrCat("127.0.0.1:", *port), *admin_key, args);
    library_stubs.push_back(v1::LibraryService::NewStub(channel));
    health_stubs.push_back(grpc::health::v1::Health::NewStub(channel));
    partner_stubs.push_back(v1::PartnerService::NewStub(channel));
    project_stubs.push_back(v1::ProjectService::NewStub(channel));
  }
  auto random_partner = [&](int thread, int64_t i) {
    return absl::StrCat("p-", (thread * 7919 + i * 104729) % options.partners);
  };
  // The filtered list, and a page token about 90% of the way through it (found by paging).
  v1::ListPartnersRequest first_page;
  first_page.set_parent(api::LibraryName(partner_library));
  first_page.set_filter("state = ACTIVE");
  first_page.set_page_size(50);
  v1::ListPartnersRequest deep_page = first_page;
  {
    const int pages = options.partners / 2 / 50;
    std::printf("paging %d pages deep...\n", pages * 9 / 10);
    std::fflush(stdout);
    for (int page = 0; page < pages * 9 / 10; ++page) {
      v1::ListPartnersResponse response;
      grpc::ClientContext context;
      grpc::Status status = partner_stubs[0]->ListPartners(&context, deep_page, &response);
      if (!status.ok() || response.next_page_token().empty()) {
        std::fprintf(stderr, "allies-bench: paging failed at page %d: %s\n", page,
                     status.error_message().c_str());
        return 1;
      }
      deep_page.set_page_token(response.next_page_token());
    }
  }
  // The raw reads run the services' own SELECTs and read every column they return.
  const std::string library_select = storage::LibrariesTable().GetSql(storage::Lock::kNone);
  const std::string partner_select = storage::PartnersTable().GetSql(storage::Lock::kNone);
  unsigned library_columns = 0, partner_columns = 0;
  {
    absl::Status counted = storage::RunRead(pool, [&](storage::Session& s) {
      return s.Run([&]() -> absl::Status {
        partner_columns =
            s.Query(partner_select, partner_library, "p-0")->getMetaData()->getColumnCount();
        library_columns = s.Query(library_select, SeedId(0))->getMetaData()->getColumnCount();
        return absl::OkStatus();
      });
    });
    if (!counted.ok()) {
      std::fprintf(stderr, "allies-bench: %s\n", std::string(counted.message()).c_str());
      return 1;
    }
  }
  // Partners are created in another library, so that the listed one stays as seeded.
  const std::string create_library = SeedId(1);
  auto random_id = [&](int thread, int64_t i) {
    return SeedId(static_cast<int>((thread * 7919 + i * 104729) % options.seed));
  };
  std::atomic<int64_t> created{0};
  const std::string run_tag = api::GenerateResourceId().substr(0, 6);

  // The stub of slot t's channel.
  auto library = [&](int t) { return library_stubs[t % kChannels].get(); };
  auto partners = [&](int t) { return partner_stubs[t % kChannels].get(); };
  auto projects = [&](int t) { return project_stubs[t % kChannels].get(); };
  // Sign-ups: the n-th takes volunteer n % V on shift n / V (each shift takes V sign-ups, 50
  // confirmed and the rest waitlisted, before the next one).
  std::atomic<int64_t> signups_made{0}, raw_signups_made{0};
  const int64_t pool_size = std::max<int64_t>(1, static_cast<int64_t>(work.volunteers.size()));
  v1::ListShiftsRequest next_month;
  next_month.set_parent(work.project);
  next_month.set_page_size(50);
  next_month.set_filter(absl::StrCat(
      "start_time >= \"", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now, absl::UTCTimeZone()),
      "\" AND start_time < \"",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now + absl::Hours(24 * 30), absl::UTCTimeZone()),
      "\""));
  const std::string today = absl::FormatTime("%Y-%m-%d", now, absl::UTCTimeZone());
  // A page of list_first or list_deep counts when it is full.
  auto full_page = [](const grpc::Status& status, const v1::ListPartnersResponse& response) {
    return status.ok() && response.partners_size() == 50;
  };
  const std::vector<Operation> ops = {
      Rpc<grpc::health::v1::HealthCheckResponse>(
          "noop",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            return health_stubs[t % kChannels]->PrepareAsyncCheck(
                context, grpc::health::v1::HealthCheckRequest(), cq);
          }),
      Rpc<v1::Library>(
          "get_invalid",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            v1::GetLibraryRequest request;
            request.set_name("bad");
            return library(t)->PrepareAsyncGetLibrary(context, request, cq);
          },
          [](const grpc::Status& status, const v1::Library&) { return !status.ok(); }),
      Rpc<v1::Library>(
          "get",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t i) {
            v1::GetLibraryRequest request;
            request.set_name(api::LibraryName(random_id(t, i)));
            return library(t)->PrepareAsyncGetLibrary(context, request, cq);
          }),
      Blocking("raw_select",
               [&](int t, int64_t i) {
                 return RawRead(pool, library_select, library_columns, random_id(t, i));
               }),
      Rpc<v1::Library>(
          "create",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            v1::CreateLibraryRequest request;
            request.set_library_id(absl::StrCat("c-", run_tag, "-", created++));
            request.mutable_library()->set_display_name("Сельская библиотека-филиал");
            request.mutable_library()->set_kind(v1::Library::BRANCH);
            request.mutable_library()->set_region("Вологодская область");
            return library(t)->PrepareAsyncCreateLibrary(context, request, cq);
          }),
      Blocking("raw_insert",
               [&](int, int64_t) {
                 const std::string id = absl::StrCat("r-", run_tag, "-", created++);
                 const absl::Time when = storage::NowMicros();
                 // What CreateLibrary commits: the row and its SYSTEM activity, in one transaction.
                 return storage::RunInTransaction(
                            pool,
                            [&](storage::Session& s) {
                              absl::Status ok = s.Run([&]() -> absl::Status {
                                s.Execute(
                                    "INSERT INTO libraries (id, revision, create_time, "
                                    "update_time, delete_time, display_name, parent_id, kind, "
                                    "region, address, website) VALUES (?, 1, ?, ?, NULL, ?, "
                                    "NULL, ?, ?, '', '')",
                                    id, when, when, "Сельская библиотека-филиал",
                                    int64_t{v1::Library::BRANCH}, "Вологодская область");
                                return absl::OkStatus();
                              });
                              if (!ok.ok()) return ok;
                              return storage::activities::RecordChange(
                                  s, SystemEntry(actor, id, api::LibraryName(id), kLibraryFields,
                                                 when));
                            })
                     .ok();
               }),
      Rpc<v1::Partner>(
          "get_partner",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t i) {
            v1::GetPartnerRequest request;
            request.set_name(
                absl::StrCat("libraries/", partner_library, "/partners/", random_partner(t, i)));
            return partners(t)->PrepareAsyncGetPartner(context, request, cq);
          }),
      Blocking("raw_get_p",
               [&](int t, int64_t i) {
                 return RawRead(pool, partner_select, partner_columns, partner_library,
                                random_partner(t, i));
               }),
      Rpc<v1::ListPartnersResponse>(
          "list_first",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            return partners(t)->PrepareAsyncListPartners(context, first_page, cq);
          },
          full_page),
      Rpc<v1::ListPartnersResponse>(
          "list_deep",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            return partners(t)->PrepareAsyncListPartners(context, deep_page, cq);
          },
          full_page),
      Rpc<v1::Partner>(
          "create_p",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            v1::CreatePartnerRequest request;
            request.set_parent(api::LibraryName(create_library));
            request.set_partner_id(absl::StrCat("c-", run_tag, "-", created++));
            request.mutable_partner()->set_display_name("Новый партнёр");
            request.mutable_partner()->set_kind(v1::Partner::NONPROFIT);
            request.mutable_partner()->add_tags("бенчмарк");
            return partners(t)->PrepareAsyncCreatePartner(context, request, cq);
          }),
      Blocking("raw_ins_p",
               [&](int, int64_t) {
                 v1::Partner p;
                 p.set_display_name("Новый партнёр");
                 p.set_kind(v1::Partner::NONPROFIT);
                 p.set_state(v1::Partner::PROSPECT);
                 p.add_tags("бенчмарк");
                 api::ToTimestamp(storage::NowMicros(), p.mutable_create_time());
                 *p.mutable_update_time() = p.create_time();
                 storage::ResourceTable::Row row;
                 row.key = {create_library, absl::StrCat("r-", run_tag, "-", created++)};
                 // What CreatePartner does: the library checked live (shared lock), the row, and
                 // its SYSTEM activity, in one transaction.
                 return storage::RunInTransaction(
                            pool,
                            [&](storage::Session& s) {
                              auto library = storage::LibrariesTable().State(
                                  s, {create_library, create_library}, storage::Lock::kShare);
                              if (!library.ok()) return library.status();
                              absl::Status ok = storage::PartnersTable().Insert(s, row, p);
                              if (!ok.ok()) return ok;
                              return storage::activities::RecordChange(
                                  s,
                                  SystemEntry(actor, create_library,
                                              storage::PartnersTable().Name(row.key),
                                              kPartnerFields, api::FromTimestamp(p.create_time())));
                            })
                     .ok();
               }),
      Rpc<v1::Signup>("signup",
                      [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
                        const int64_t n = signups_made++;
                        v1::CreateSignupRequest request;
                        request.set_parent(work.shifts[(n / pool_size) % kWorkShifts]);
                        request.mutable_signup()->set_volunteer(work.volunteers[n % pool_size]);
                        return projects(t)->PrepareAsyncCreateSignup(context, request, cq);
                      }),
      Blocking("raw_signup",
               [&](int, int64_t) {
                 const int64_t n = raw_signups_made++;
                 auto shift = storage::ShiftsTable().ParseName(
                     work.shifts[kWorkShifts + (n / pool_size) % kWorkShifts], "shift");
                 if (!shift.ok()) return false;
                 const absl::Time when = storage::NowMicros();
                 storage::ResourceTable::Row row;
                 row.key = storage::ResourceKey(shift->library_id, api::GenerateResourceId(),
                                                {shift->parents.at(0), shift->id});
                 v1::Signup signup;
                 signup.set_shift(work.shifts[kWorkShifts + (n / pool_size) % kWorkShifts]);
                 signup.set_volunteer(work.volunteers[n % pool_size]);
                 signup.set_party_size(1);
                 signup.set_source(v1::Signup::STAFF);
                 api::ToTimestamp(when, signup.mutable_create_time());
                 *signup.mutable_update_time() = signup.create_time();
                 // What every correct sign-up does: the shift row written, a place taken only
                 // if one is left, the sign-up and its activity, in one transaction.
                 return storage::RunInTransaction(
                            pool,
                            [&](storage::Session& s) {
                              absl::Status ok = s.Run([&]() -> absl::Status {
                                s.Execute(
                                    "UPDATE shifts SET places_revision = places_revision + 1 "
                                    "WHERE library_id = ? AND project_id = ? AND id = ?",
                                    shift->library_id, shift->parents.at(0), shift->id);
                                const bool taken =
                                    s.Execute(
                                        "UPDATE shifts SET confirmed_places = confirmed_places "
                                        "+ 1 WHERE library_id = ? AND project_id = ? AND id = ? "
                                        "AND confirmed_places + 1 <= capacity",
                                        shift->library_id, shift->parents.at(0), shift->id) == 1;
                                signup.set_state(taken ? v1::Signup::CONFIRMED
                                                       : v1::Signup::WAITLISTED);
                                if (!taken) {
                                  s.Execute(
                                      "UPDATE shifts SET waiting = waiting + 1 WHERE library_id = "
                                      "? AND project_id = ? AND id = ?",
                                      shift->library_id, shift->parents.at(0), shift->id);
                                }
                                if (!taken) *signup.mutable_waitlist_time() = signup.create_time();
                                return absl::OkStatus();
                              });
                              if (ok.ok()) ok = storage::SignupsTable().Insert(s, row, signup);
                              if (!ok.ok()) return ok;
                              return storage::activities::RecordChange(
                                  s, SystemEntry(actor, shift->library_id,
                                                 storage::SignupsTable().Name(row.key),
                                                 kSignupFields, when));
                            })
                     .ok();
               }),
      Rpc<v1::ListShiftsResponse>(
          "list_shifts",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t) {
            return projects(t)->PrepareAsyncListShifts(context, next_month, cq);
          },
          [](const grpc::Status& status, const v1::ListShiftsResponse& response) {
            return status.ok() && response.shifts_size() >= 28;
          }),
      Rpc<v1::HoursEntry>(
          "hours",
          [&](grpc::ClientContext* context, grpc::CompletionQueue* cq, int t, int64_t i) {
            v1::CreateHoursRequest request;
            request.set_parent(work.volunteers[(t * 7919 + i) % pool_size]);
            request.mutable_hours()->set_project(work.project);
            request.mutable_hours()->mutable_work_date()->set_year(std::stoi(today.substr(0, 4)));
            request.mutable_hours()->mutable_work_date()->set_month(std::stoi(today.substr(5, 2)));
            request.mutable_hours()->mutable_work_date()->set_day(std::stoi(today.substr(8, 2)));
            request.mutable_hours()->set_minutes(90);
            request.mutable_hours()->set_description("Помощь на абонементе");
            return projects(t)->PrepareAsyncCreateHours(context, request, cq);
          }),
  };

  std::vector<const Operation*> selected;
  for (const Operation& op : ops) {
    if (options.only.empty() ||
        std::find(options.only.begin(), options.only.end(), op.name) != options.only.end()) {
      selected.push_back(&op);
    }
  }
  // kOperations (what --ops accepts) names every operation, in order.
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops.size() != kOperations.size() || ops[i].name != kOperations[i]) std::abort();
  }

  // The per-RPC log lines are part of the server's cost; they go to /dev/null, not the screen.
  const int saved_stderr = dup(STDERR_FILENO);
  const int devnull = open("/dev/null", O_WRONLY);
  std::map<std::pair<std::string, int>, Result> results;
  const int db_pid = DbPid(db);
  // The server's count of statements, read over a connection of its own.
  auto counter = storage::ConnectionPool::Connect(db);
  if (!counter.ok()) {
    std::fprintf(stderr, "allies-bench: %s\n", std::string(counter.status().message()).c_str());
    return 1;
  }
  auto statements = [&]() -> double {
    double n = 0;
    absl::Status read = (*counter)->Run([&]() -> absl::Status {
      auto rs = (*counter)->Query("SHOW GLOBAL STATUS LIKE 'Questions'");
      if (rs->next()) n = static_cast<double>(rs->getUInt64(2));
      return absl::OkStatus();
    });
    return read.ok() ? n : std::nan("");  // an unreadable counter shows as nan, not as 0
  };
  std::printf("%-12s %5s %10s %10s %10s %7s %8s %8s %8s %8s %7s\n", "op", "conc", "rps", "p50_us",
              "p99_us", "errors", "srv_us", "cli_us", "db_us", "cswitch", "db_stmt");
  for (int concurrency : options.concurrency) {
    // Rounds interleave the operations, so a slow spell of the machine hits them all alike.
    std::map<std::string, std::vector<Result>> rounds;
    for (int round = 0; round < options.repeat; ++round) {
      for (const Operation* op : selected) {
        dup2(devnull, STDERR_FILENO);
        rounds[op->name].push_back(Measure(concurrency, options.seconds, db_pid, statements, *op));
        dup2(saved_stderr, STDERR_FILENO);
      }
    }
    for (const Operation* op : selected) {
      const std::string& name = op->name;
      std::vector<Result>& runs = rounds[name];
      std::sort(runs.begin(), runs.end(),
                [](const Result& a, const Result& b) { return a.rps < b.rps; });
      const Result& r = runs[runs.size() / 2];  // the median run
      results[{name, concurrency}] = r;
      std::printf("%-12s %5d %10.0f %10.0f %10.0f %7lld %8.1f %8.1f %8.1f %8.1f %7.2f\n",
                  name.c_str(), concurrency, r.rps, r.p50_us, r.p99_us,
                  static_cast<long long>(r.errors), r.cpu_server_us, r.cpu_client_us, r.cpu_db_us,
                  r.switches, r.statements);
      std::fflush(stdout);
    }
  }
  // The capacity invariant after everything the run did (checked before the server stops):
  // no shift above its capacity, and its places equal to its confirmed parties.
  int64_t over = -1, out_of_step = -1, made = -1;
  absl::Status checked = absl::OkStatus();
  if (work_measured) {
    checked = storage::RunRead(pool, [&](storage::Session& s) {
      return s.Run([&]() -> absl::Status {
        auto rs = s.Query(
            "SELECT SUM(t.confirmed_places > t.capacity), SUM(t.confirmed_places <> (SELECT "
            "COALESCE(SUM(u.party_size), 0) FROM signups u WHERE u.library_id = t.library_id AND "
            "u.project_id = t.project_id AND u.shift_id = t.id AND u.state IN (2, 4, 5) AND "
            "u.delete_time IS NULL) OR t.waiting <> (SELECT COUNT(*) FROM signups w WHERE "
            "w.library_id = t.library_id AND w.project_id = t.project_id AND "
            "w.shift_id = t.id AND w.state = 3 AND w.delete_time IS NULL)), (SELECT COUNT(*) FROM "
            "signups WHERE library_id = ?) FROM shifts t WHERE t.library_id = ?",
            work_library, work_library);
        if (rs->next()) {
          over = rs->getInt64(1);
          out_of_step = rs->getInt64(2);
          made = rs->getInt64(3);
        }
        return absl::OkStatus();
      });
    });
  }
  // Memory under 64 concurrent clients: reads, pages and creates of partners at once.
  constexpr int kMemoryClients = 64;
  std::vector<std::string> memory_ops;
  for (const Operation* op : selected) {
    if (op->name == "get_partner" || op->name == "list_first" || op->name == "create_p") {
      memory_ops.push_back(op->name);
      dup2(devnull, STDERR_FILENO);
      const Result r = Measure(kMemoryClients, options.seconds, db_pid, statements, *op);
      dup2(saved_stderr, STDERR_FILENO);
      std::printf("%-12s %5d %10.0f %10.0f %10.0f %7lld %8.1f %8.1f %8.1f %8.1f %7.2f\n",
                  op->name.c_str(), kMemoryClients, r.rps, r.p50_us, r.p99_us,
                  static_cast<long long>(r.errors), r.cpu_server_us, r.cpu_client_us, r.cpu_db_us,
                  r.switches, r.statements);
    }
  }
  if (options.import_rows > 0) {
    dup2(devnull, STDERR_FILENO);
    const int failed = MeasureImport(options, pool, db, *port, *admin_key);
    dup2(saved_stderr, STDERR_FILENO);
    if (failed != 0) return failed;
  }
  close(devnull);
  close(saved_stderr);
  host.Shutdown();
  if (!memory_ops.empty()) {
    std::printf(
        "peak_rss_mib=%.1f (VmHWM of this process: the server and the load generator, through %s "
        "at c=%d; the target is under 150)\n",
        PeakRssMiB(), absl::StrJoin(memory_ops, ", ").c_str(), kMemoryClients);
  }

  const int top = options.concurrency.back();
  auto measured = [&](const char* name) { return results.count({name, top}) > 0; };
  const double noop = measured("noop") ? results[{"noop", top}].rps : 0;
  const double raw_select = measured("raw_select") ? results[{"raw_select", top}].rps : 0;
  const double floor = 1.0 / (1.0 / noop + 1.0 / raw_select);
  if (measured("noop") && measured("raw_select")) {
    std::printf("floor(c=%d) = 1/(1/noop + 1/raw_select) = %.0f rps\n", top, floor);
  }
  // A ratio of two operations at the top concurrency, or "-" when one was not measured (--ops).
  auto ratio = [&](const char* a, const char* b) -> std::string {
    if (!measured(a) || !measured(b)) return "-";
    return absl::StrFormat("%.2f", results[{a, top}].rps / results[{b, top}].rps);
  };
  std::printf(
      "partners(c=%d): get_partner_vs_raw=%s create_partner_vs_raw=%s list_deep_vs_first=%s\n", top,
      ratio("get_partner", "raw_get_p").c_str(), ratio("create_p", "raw_ins_p").c_str(),
      ratio("list_deep", "list_first").c_str());
  // What a GetPartner costs against a GetLibrary, per call, on each side (at c=32 when it was
  // measured): the serving side of this process, and the database.
  const int cost_at = results.count({"get", 32}) && results.count({"get_partner", 32}) ? 32 : top;
  if (results.count({"get", cost_at}) && results.count({"get_partner", cost_at})) {
    const Result& library = results[{"get", cost_at}];
    const Result& partner = results[{"get_partner", cost_at}];
    std::printf(
        "get_partner_vs_get(c=%d): serving side %.1f/%.1f us = %.2f (target <= 1.25), database "
        "%.1f/%.1f us = %.2f (target <= 1.5)\n",
        cost_at, partner.cpu_server_us, library.cpu_server_us,
        partner.cpu_server_us / library.cpu_server_us, partner.cpu_db_us, library.cpu_db_us,
        partner.cpu_db_us / library.cpu_db_us);
  }
  // Against the floor its parts set: a no-op RPC and the raw SELECT of a partner row.
  auto vs_floor = [&](const char* op, const char* raw) -> std::string {
    if (!measured(op) || !measured("noop") || !measured(raw)) return "-";
    const double parts = 1.0 / (1.0 / noop + 1.0 / results[{raw, top}].rps);
    return absl::StrFormat("%.2f", results[{op, top}].rps / parts);
  };
  if (work_measured) {
    std::printf(
        "volunteer_work(c=%d): signup_vs_raw=%s hours_vs_create_p=%s list_shifts_vs_list_first=%s; "
        "%lld sign-ups on %d shifts of %d places: shifts above capacity %lld, places out of step "
        "with their sign-ups %lld%s\n",
        top, ratio("signup", "raw_signup").c_str(), ratio("hours", "create_p").c_str(),
        ratio("list_shifts", "list_first").c_str(), static_cast<long long>(made), 2 * kWorkShifts,
        kWorkCapacity, static_cast<long long>(over), static_cast<long long>(out_of_step),
        checked.ok() ? "" : absl::StrCat(" (check failed: ", checked.message(), ")").c_str());
    if (!checked.ok() || over != 0 || out_of_step != 0) {
      std::fprintf(stderr, "allies-bench: the capacity invariant does not hold\n");
      return 1;
    }
  }
  std::printf("get_vs_floor=%s create_vs_raw=%s get_partner_vs_floor=%s\n",
              vs_floor("get", "raw_select").c_str(), ratio("create", "raw_insert").c_str(),
              vs_floor("get_partner", "raw_get_p").c_str());
  return 0;
}

}  // namespace
}  // namespace allies::bench

int main(int argc, char** argv) {
  allies::bench::Options options;
  bool review = false, repeat_set = false;
  std::vector<char*> db_args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--review") {
      review = true;
    } else if (absl::ConsumePrefix(&arg, "--seconds=")) {
      if (!absl::SimpleAtod(arg, &options.seconds) || options.seconds <= 0) {
        std::fprintf(stderr, "allies-bench: bad --seconds\n");
        return 2;
      }
    } else if (absl::ConsumePrefix(&arg, "--repeat=")) {
      if (!absl::SimpleAtoi(arg, &options.repeat) || options.repeat <= 0) {
        std::fprintf(stderr, "allies-bench: bad --repeat\n");
        return 2;
      }
      repeat_set = true;
    } else if (absl::ConsumePrefix(&arg, "--concurrency=")) {
      options.concurrency.clear();
      for (absl::string_view part : absl::StrSplit(arg, ',')) {
        int c = 0;
        if (!absl::SimpleAtoi(part, &c) || c <= 0) {
          std::fprintf(stderr, "allies-bench: bad --concurrency\n");
          return 2;
        }
        options.concurrency.push_back(c);
      }
    } else if (absl::ConsumePrefix(&arg, "--partners=")) {
      if (!absl::SimpleAtoi(arg, &options.partners) || options.partners < 1000) {
        std::fprintf(stderr, "allies-bench: bad --partners (at least 1000)\n");
        return 2;
      }
    } else if (absl::ConsumePrefix(&arg, "--threads=")) {
      if (!absl::SimpleAtoi(arg, &options.threads) || options.threads < 0) {
        std::fprintf(stderr, "allies-bench: bad --threads\n");
        return 2;
      }
    } else if (absl::ConsumePrefix(&arg, "--ops=")) {
      options.only = absl::StrSplit(arg, ',', absl::SkipEmpty());
      for (const std::string& name : options.only) {
        if (std::find(allies::bench::kOperations.begin(), allies::bench::kOperations.end(), name) ==
            allies::bench::kOperations.end()) {
          std::fprintf(stderr, "allies-bench: unknown operation %s in --ops (known: %s)\n",
                       name.c_str(), absl::StrJoin(allies::bench::kOperations, ",").c_str());
          return 2;
        }
      }
    } else if (absl::ConsumePrefix(&arg, "--import=")) {
      if (!absl::SimpleAtoi(arg, &options.import_rows) || options.import_rows < 0) {
        std::fprintf(stderr, "allies-bench: bad --import (volunteers to import; 0: none)\n");
        return 2;
      }
    } else if (absl::ConsumePrefix(&arg, "--volunteers=")) {
      if (!absl::SimpleAtoi(arg, &options.volunteers) || options.volunteers < 100) {
        std::fprintf(stderr, "allies-bench: bad --volunteers (at least 100)\n");
        return 2;
      }
    } else if (absl::ConsumePrefix(&arg, "--seed=")) {
      if (!absl::SimpleAtoi(arg, &options.seed) || options.seed <= 0) {
        std::fprintf(stderr, "allies-bench: bad --seed\n");
        return 2;
      }
    } else {
      db_args.push_back(argv[i]);
    }
  }
  auto db = allies::server::ParseDbConfig(
      static_cast<int>(db_args.size()), db_args.data(), "allies-bench",
      "Benchmarks the services against the raw database (flags: --seconds=N per measurement, "
      "--repeat=N rounds per cell (median shown), --seed=N libraries, --partners=N partners "
      "(100000), --import=N volunteers imported against raw INSERTs (100000; 0: none), "
      "--volunteers=N "
      "ACTIVE volunteers for the sign-ups (10000), "
      "--concurrency=1,8,32, --ops=noop,get,... (only these), --threads=N server "
      "threads; --review: only the network review against a hand-written aggregate, "
      "--repeat rounds (5), "
      "plus the database flags below).");
  if (!db.ok()) return allies::server::ReportConfigError(db.status());
  if (review) {
    allies::bench::ReviewOptions review_options;
    if (repeat_set) review_options.rounds = options.repeat;
    return allies::bench::RunReview(review_options, *db);
  }
  return allies::bench::Run(options, *db);
}
