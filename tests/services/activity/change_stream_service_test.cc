// The change stream end to end: a real server over a real database, consumers over gRPC.
#include "services/activity/change_stream_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "allies/v1/change_stream.grpc.pb.h"
#include "storage/change_outbox.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"

namespace allies::services {
namespace {

using allies::testing::CreateLibrary;
using allies::testing::CreatePartner;
using allies::testing::ErrorMetadata;
using allies::testing::Reason;
using allies::testing::TestServer;
using allies::testing::ViolatedFields;

// What a consumer received on one connection, and how the connection ended.
struct Received {
  std::vector<v1::WatchChangesResponse> responses;
  grpc::Status status;
  // The changes in order.
  std::vector<v1::Change> Changes() const {
    std::vector<v1::Change> out;
    for (const auto& r : responses) out.insert(out.end(), r.changes().begin(), r.changes().end());
    return out;
  }
};

class ChangeStreamTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    Connect(server_->channel());
    ASSERT_TRUE(CreateLibrary(*libraries_, "oblast").ok());
    ASSERT_TRUE(CreateLibrary(*libraries_, "gorod", "libraries/oblast").ok());
    ASSERT_TRUE(CreateLibrary(*libraries_, "drugaya").ok());
  }
  void Connect(std::shared_ptr<grpc::Channel> channel) {
    stream_ = v1::ChangeStreamService::NewStub(channel);
  }

  static v1::WatchChangesRequest Watch(const std::string& parent, int64_t after = 0,
                                       std::vector<std::string> collections = {}) {
    v1::WatchChangesRequest r;
    r.set_parent(parent);
    r.set_after_position(after);
    for (auto& c : collections) r.add_collections(c);
    return r;
  }

  // Reads until `done` holds for what was received (then cancels), the stream ends, or
  // `patience` runs out (the call's deadline).
  Received Consume(const v1::WatchChangesRequest& request,
                   const std::function<bool(const Received&)>& done,
                   absl::Duration patience = absl::Seconds(60),
                   v1::ChangeStreamService::Stub* stub = nullptr) {
    Received got;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + patience));
    auto reader = (stub != nullptr ? stub : stream_.get())->WatchChanges(&context, request);
    v1::WatchChangesResponse response;
    while (reader->Read(&response)) {
      got.responses.push_back(response);
      if (done(got)) {
        context.TryCancel();
        break;
      }
    }
    while (reader->Read(&response)) {
    }
    got.status = reader->Finish();
    return got;
  }

  // Until the CREATE of `resource` arrives.
  static std::function<bool(const Received&)> Until(const std::string& resource) {
    return [resource](const Received& got) {
      for (const auto& c : got.responses.back().changes()) {
        if (c.resource() == resource && c.verb() == "CREATE") return true;
      }
      return false;
    };
  }

  // The first response of a stream (for errors and where it starts).
  Received First(const v1::WatchChangesRequest& request,
                 v1::ChangeStreamService::Stub* stub = nullptr) {
    return Consume(
        request, [](const Received&) { return true; }, absl::Seconds(30), stub);
  }

  std::string Key(v1::ApiKey::Role role, const std::string& library, std::string* name = nullptr) {
    auto keys = v1::ApiKeyService::NewStub(server_->channel());
    v1::CreateApiKeyRequest request;
    request.mutable_api_key()->set_display_name("Интеграция");
    request.mutable_api_key()->set_role(role);
    request.mutable_api_key()->set_library(library);
    v1::CreateApiKeyResponse out;
    grpc::ClientContext context;
    EXPECT_TRUE(keys->CreateApiKey(&context, request, &out).ok());
    if (name != nullptr) *name = out.api_key().name();
    return out.key();
  }

  std::unique_ptr<v1::ChangeStreamService::Stub> stream_;
};

TEST_F(ChangeStreamTest, StreamsTheSubtreeInCommitOrderWithoutPersonalValues) {
  const std::string p1 = CreatePartner(*partners_, "gorod", "p1");
  CreatePartner(*partners_, "drugaya", "p2");
  {
    v1::CreateContactRequest request;
    request.set_parent("libraries/gorod");
    request.mutable_contact()->set_family_name("Петрова");
    request.mutable_contact()->set_given_name("Алёна");
    request.mutable_contact()->add_emails("alena@example.ru");
    v1::Contact out;
    grpc::ClientContext context;
    ASSERT_TRUE(contacts_->CreateContact(&context, request, &out).ok());
  }
  const std::string end = CreatePartner(*partners_, "gorod", "end");

  Received all = Consume(Watch("libraries/oblast"), Until(end));
  ASSERT_EQ(all.status.error_code(), grpc::StatusCode::CANCELLED) << all.status.error_message();
  std::vector<std::string> seen;
  int64_t last = 0;
  for (const auto& r : all.responses) {
    for (const auto& c : r.changes()) {
      EXPECT_GT(c.position(), last);
      last = c.position();
      seen.push_back(c.verb() + " " + c.resource());
      EXPECT_FALSE(absl::StartsWith(c.resource(), "libraries/drugaya")) << c.resource();
      EXPECT_TRUE(absl::StartsWith(c.activity(), "libraries/")) << c.activity();
      EXPECT_FALSE(c.actor().empty());
      EXPECT_TRUE(c.has_change_time());
    }
    EXPECT_GE(r.position(), last);
    const std::string bytes = r.SerializeAsString();
    EXPECT_FALSE(absl::StrContains(bytes, "Петрова")) << "a personal value in the stream";
    EXPECT_FALSE(absl::StrContains(bytes, "alena@example.ru")) << "a personal value in the stream";
  }
  ASSERT_GE(seen.size(), 5u);
  EXPECT_EQ(seen[0], "CREATE libraries/oblast");
  EXPECT_EQ(seen[1], "CREATE libraries/gorod");
  EXPECT_EQ(seen[2], "CREATE " + p1);
  EXPECT_TRUE(absl::StartsWith(seen[3], "CREATE libraries/gorod/contacts/")) << seen[3];
  EXPECT_EQ(seen.back(), "CREATE " + end);
  for (const auto& c : all.Changes()) {
    if (c.resource() == p1) {
      EXPECT_EQ(c.collection(), "partners");
      EXPECT_TRUE(std::count(c.changed_fields().begin(), c.changed_fields().end(), "display_name"))
          << c.DebugString();
    }
  }

  // Only partners, from the whole network.
  Received partners = Consume(Watch("libraries/-", 0, {"partners"}), Until(end));
  std::vector<std::string> names;
  for (const auto& c : partners.Changes()) {
    EXPECT_EQ(c.collection(), "partners");
    names.push_back(c.resource());
  }
  EXPECT_EQ(names, (std::vector<std::string>{p1, "libraries/drugaya/partners/p2", end}));

  // Resuming after the contact's change: the rest, and nothing before it.
  const auto changes = all.Changes();
  Received rest = Consume(Watch("libraries/oblast", changes[3].position()), Until(end));
  ASSERT_EQ(rest.Changes().size(), changes.size() - 4);
  EXPECT_EQ(rest.Changes()[0].position(), changes[4].position());
}

// 8 writers, and a consumer whose connection drops at random moments (its deadline) and who
// resumes from the last position it received: every change arrives exactly once.
TEST_F(ChangeStreamTest, EightWritersAndAConsumerThatDisconnectsGetEveryChangeOnce) {
  constexpr int kWriters = 8;
  constexpr int kEach = 40;
  std::atomic<int> writing{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::PartnerService::NewStub(server_->channel());
      std::mt19937 pace(w);
      for (int i = 0; i < kEach; ++i) {
        CreatePartner(*stub, "gorod", absl::StrCat("w", w, "-", i));
        absl::SleepFor(absl::Milliseconds(10 + pace() % 30));  // the run lasts a few seconds
      }
      --writing;
    });
  }
  std::mt19937 random(20261201);
  std::map<std::string, int> created;
  int64_t position = 0;
  int connections = 0;
  const absl::Time give_up = absl::Now() + absl::Seconds(120);
  while (static_cast<int>(created.size()) < kWriters * kEach && absl::Now() < give_up) {
    ++connections;
    grpc::ClientContext context;
    // The connection drops after 20-400 ms, wherever the stream is.
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(20 + random() % 380)));
    auto reader = stream_->WatchChanges(&context, Watch("libraries/gorod", position, {"partners"}));
    // Or it is dropped by the consumer after a few responses.
    const int read_at_most = random() % 2 == 0 ? 1 + static_cast<int>(random() % 4) : 1000000;
    int read = 0;
    v1::WatchChangesResponse r;
    while (read < read_at_most && reader->Read(&r)) {
      if (++read == read_at_most) context.TryCancel();
      for (const auto& c : r.changes()) {
        ASSERT_GT(c.position(), position);
        position = c.position();
        if (c.verb() == "CREATE") ++created[c.resource()];
      }
      ASSERT_GE(r.position(), position);
      position = r.position();
    }
    while (reader->Read(&r)) {  // (what arrives after the cancel is not handled)
    }
    const grpc::Status status = reader->Finish();
    // (UNAVAILABLE: the server could not get a connection in time on a loaded machine.)
    ASSERT_TRUE(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                status.error_code() == grpc::StatusCode::CANCELLED ||
                status.error_code() == grpc::StatusCode::UNAVAILABLE)
        << status.error_code() << " " << status.error_message();
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(writing.load(), 0);
  ASSERT_EQ(static_cast<int>(created.size()), kWriters * kEach);
  for (const auto& [name, times] : created) EXPECT_EQ(times, 1) << name;
  EXPECT_GE(connections, 5) << "the consumer did not disconnect mid-run";
  std::cout << "connections: " << connections << ", changes: " << created.size() << "\n";
}

// Positions live in the database: a consumer resumes across a server restart.
TEST_F(ChangeStreamTest, ResumesAcrossAServerRestart) {
  const std::string before = CreatePartner(*partners_, "gorod", "before");
  Received first = Consume(Watch("libraries/gorod"), Until(before));
  const int64_t position = first.Changes().back().position();

  server_.reset();  // stops the server; the database stays
  server_ = std::make_unique<TestServer>(db_);
  Connect(server_->channel());
  partners_ = v1::PartnerService::NewStub(server_->channel());
  const std::string after = CreatePartner(*partners_, "gorod", "after");

  Received resumed = Consume(Watch("libraries/gorod", position), Until(after));
  ASSERT_EQ(resumed.Changes().size(), 1u);
  EXPECT_EQ(resumed.Changes()[0].resource(), after);
  EXPECT_GT(resumed.Changes()[0].position(), position);
}

// A server shutting down ends its streams at once, naming the position to resume after.
TEST_F(ChangeStreamTest, ShutdownEndsStreamsWithWhereToResume) {
  const std::string p = CreatePartner(*partners_, "gorod", "p");
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  auto reader = stream_->WatchChanges(&context, Watch("libraries/gorod"));
  v1::WatchChangesResponse r;
  ASSERT_TRUE(reader->Read(&r));
  const absl::Time start = absl::Now();
  std::thread stop([&] { server_.reset(); });
  int64_t position = r.position();
  while (reader->Read(&r)) position = r.position();
  const grpc::Status status = reader->Finish();
  stop.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(Reason(status), "SHUTTING_DOWN");
  EXPECT_EQ(ErrorMetadata(status, "position"), std::to_string(position));
  // Well within the grace period (10 s): the stream did not hold the drain.
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  (void)p;
}

TEST_F(ChangeStreamTest, StartsAtNowAndReportsProgressPastFilteredChanges) {
  CreatePartner(*partners_, "gorod", "old");
  Received open = First(Watch("libraries/gorod"));  // (drains to the newest position)
  v1::WatchChangesRequest request = Watch("libraries/gorod", 0, {"volunteers"});
  request.set_start_at_now(true);
  int64_t start = -1;
  bool created = false;
  Received got = Consume(request, [&](const Received& r) {
    if (start < 0) {
      start = r.responses[0].position();
      EXPECT_EQ(r.responses[0].changes_size(), 0);  // no history
      // A partner after the stream opened: left out, but the position moves past it.
      created = true;
      CreatePartner(*partners_, "gorod", "new");
      return false;
    }
    return r.responses.back().position() > start;
  });
  EXPECT_EQ(got.status.error_code(), grpc::StatusCode::CANCELLED) << got.status.error_message();
  EXPECT_TRUE(created);
  for (const auto& c : got.Changes()) ADD_FAILURE() << "filtered out: " << c.resource();
  EXPECT_GT(got.responses.back().position(), start);
}

TEST_F(ChangeStreamTest, BadRequestsAndPositionsOutOfRange) {
  auto bad = First(Watch("libraries/gorod", -1, {"partners", "книги"}));
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(bad.status),
            (std::vector<std::string>{"collections[1]", "after_position"}));
  v1::WatchChangesRequest both = Watch("libraries/gorod", 5);
  both.set_start_at_now(true);
  EXPECT_EQ(First(both).status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(First(Watch("partners/gorod")).status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(First(Watch("libraries/nety")).status.error_code(), grpc::StatusCode::NOT_FOUND);

  CreatePartner(*partners_, "gorod", "p");
  Received now = First(Watch("libraries/gorod"));
  ASSERT_TRUE(now.responses.size() == 1) << now.status.error_message();
  auto future = First(Watch("libraries/gorod", 1000000));
  EXPECT_EQ(future.status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(Reason(future.status), "POSITION_OUT_OF_RANGE");
  EXPECT_EQ(ErrorMetadata(future.status, "oldest_position"), "0");

  // Past the retention: everything sequenced so far is pruned.
  int64_t newest = 0;
  Received until = Consume(Watch("libraries/-"), Until("libraries/gorod/partners/p"));
  newest = until.Changes().back().position();
  auto pruned = storage::changes::Prune(
      server_->host().pool(), absl::Now() + absl::Hours(1) + storage::changes::kChangeRetention);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_GE(*pruned, newest);
  auto old = First(Watch("libraries/gorod", 0));
  EXPECT_EQ(old.status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_GE(std::stoll(ErrorMetadata(old.status, "oldest_position")), newest);
  // From the oldest kept position on, the stream works.
  auto resumed =
      First(Watch("libraries/gorod", std::stoll(ErrorMetadata(old.status, "oldest_position"))));
  EXPECT_EQ(resumed.responses.size(), 1u) << resumed.status.error_message();
}

// A key revoked while its stream is open: the stream ends, UNAUTHENTICATED.
TEST_F(ChangeStreamTest, ARevokedKeysStreamEnds) {
  std::string name;
  auto integration = v1::ChangeStreamService::NewStub(
      server_->ChannelWithKey(Key(v1::ApiKey::INTEGRATION, "libraries/gorod", &name)));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  auto reader = integration->WatchChanges(&context, Watch("libraries/gorod"));
  v1::WatchChangesResponse r;
  ASSERT_TRUE(reader->Read(&r));
  {
    auto keys = v1::ApiKeyService::NewStub(server_->channel());
    v1::RevokeApiKeyRequest revoke;
    revoke.set_name(name);
    v1::ApiKey revoked;
    grpc::ClientContext c;
    ASSERT_TRUE(keys->RevokeApiKey(&c, revoke, &revoked).ok());
  }
  std::atomic<bool> ended{false};
  std::thread writer([&] {  // changes keep coming, so the stream keeps answering
    for (int i = 0; !ended && i < 100; ++i) {
      CreatePartner(*partners_, "gorod", absl::StrCat("after-", i));
      absl::SleepFor(absl::Milliseconds(300));
    }
  });
  while (reader->Read(&r)) {
  }
  ended = true;
  writer.join();
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
}

TEST_F(ChangeStreamTest, OnlyAdminAndIntegrationKeysWithinTheirSubtree) {
  CreatePartner(*partners_, "gorod", "svoi");
  const std::string end = CreatePartner(*partners_, "drugaya", "chuzhoi");
  auto librarian = v1::ChangeStreamService::NewStub(
      server_->ChannelWithKey(Key(v1::ApiKey::LIBRARIAN, "libraries/gorod")));
  EXPECT_EQ(First(Watch("libraries/gorod"), librarian.get()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto integration = v1::ChangeStreamService::NewStub(
      server_->ChannelWithKey(Key(v1::ApiKey::INTEGRATION, "libraries/gorod")));
  EXPECT_EQ(First(Watch("libraries/drugaya"), integration.get()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(First(Watch("libraries/oblast"), integration.get()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // "libraries/-" is what the key reaches: gorod's changes only (read up to the admin's view).
  Received everything = Consume(Watch("libraries/-"), Until(end));
  const int64_t through = everything.Changes().back().position();
  Received mine = Consume(
      Watch("libraries/-"),
      [&](const Received& r) { return r.responses.back().position() >= through; },
      absl::Seconds(30), integration.get());
  ASSERT_EQ(mine.status.error_code(), grpc::StatusCode::CANCELLED) << mine.status.error_message();
  // (The keys made above are changes in gorod too, but an integration key may not read keys.)
  std::vector<std::string> names;
  for (const auto& c : mine.Changes()) names.push_back(c.resource());
  EXPECT_EQ(names, (std::vector<std::string>{"libraries/gorod", "libraries/gorod/partners/svoi"}));
  EXPECT_EQ(First(Watch("libraries/gorod", 0, {"apiKeys"}), integration.get()).status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  int keys = 0;
  for (const auto& c : everything.Changes()) keys += c.collection() == "apiKeys";
  EXPECT_EQ(keys, 2) << "the admin sees the keys' changes";
}

}  // namespace
}  // namespace allies::services
