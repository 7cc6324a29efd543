// Delivery end to end: the reminders due go by SMTP (libcurl) to a real local sink (Debian's
// aiosmtpd, smtp_sink.py) started by the test: the right messages arrive once, in Russian with
// MIME headers; another run sends nothing again; with the sink stopped mid-run they are retried
// with backoff and all arrive once it is back, none twice; a volunteer who withdraws meanwhile
// gets nothing; an interrupted send is re-sent once and the ledger says so, a second
// interruption leaves it unconfirmed.
#include "services/reminder/delivery.h"

#include <arpa/inet.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/reminder_ledger.h"
#include "tests/services/reminder/reminder_fixture.h"

extern char** environ;

namespace allies {
namespace {

namespace fs = std::filesystem;
namespace ledger = storage::reminder_ledger;
using services::reminders::DeliverDue;
using services::reminders::DeliveryOptions;
using services::reminders::DeliveryReport;

// Polls `condition` every 20 ms until it holds or `timeout` passes.
template <typename Condition>
bool WaitFor(Condition condition, absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

// A loopback port nobody listens on now.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t size = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A message as the sink parsed it.
struct Received {
  std::map<std::string, std::string> fields;  // from, to, subject, body, reminder, ...
  std::string rcpt;
};

// The aiosmtpd sink as a child process on a fixed port, writing into a directory.
class SmtpSink {
 public:
  SmtpSink(int port, fs::path dir) : port_(port), dir_(std::move(dir)) {
    fs::create_directories(dir_);
  }
  ~SmtpSink() { Stop(); }

  // `drop_first`: that many messages are taken and then the connection cut without an answer.
  void Start(int drop_first = 0) {
    ASSERT_EQ(pid_, 0);
    const fs::path ready = dir_ / ".ready";
    fs::remove(ready);
    const std::string script =
        std::string(ALLIES_SOURCE_DIR) + "/tests/services/reminder/smtp_sink.py";
    const std::string port = std::to_string(port_);
    const std::string dir = dir_.string(), ready_file = ready.string();
    const std::string drop = std::to_string(drop_first);
    std::vector<char*> argv = {const_cast<char*>("/usr/bin/python3"),
                               const_cast<char*>(script.c_str()),
                               const_cast<char*>(port.c_str()),
                               const_cast<char*>(dir.c_str()),
                               const_cast<char*>(ready_file.c_str()),
                               const_cast<char*>(drop.c_str()),
                               nullptr};
    ASSERT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    ASSERT_TRUE(WaitFor([&] {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return true;  // died: reported below
      }
      return fs::exists(ready);
    })) << "the SMTP sink did not start";
    ASSERT_NE(pid_, 0) << "the SMTP sink exited (is python3-aiosmtpd installed?)";
  }

  void Stop() {
    if (pid_ == 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }

  std::vector<Received> Messages() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() == ".json" && entry.path().filename().string()[0] != '.') {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    std::vector<Received> out;
    for (const fs::path& file : files) {
      std::ifstream in(file);
      std::stringstream text;
      text << in.rdbuf();
      google::protobuf::Struct parsed;
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &parsed).ok());
      Received r;
      for (const auto& [key, value] : parsed.fields()) {
        if (value.has_string_value()) r.fields[key] = value.string_value();
      }
      const auto rcpt = parsed.fields().find("rcpt_tos");
      if (rcpt != parsed.fields().end() && rcpt->second.list_value().values_size() == 1) {
        r.rcpt = rcpt->second.list_value().values(0).string_value();
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  size_t Count() const { return Messages().size(); }

 private:
  int port_;
  fs::path dir_;
  pid_t pid_ = 0;
};

class DeliveryTest : public allies::testing::ReminderTest {
 protected:
  void SetUp() override {
    ReminderTest::SetUp();
    pool_ = std::make_unique<storage::ConnectionPool>(db_);
    engine_ = std::make_unique<services::reminders::Engine>(*pool_);
    port_ = FreePort();
    dir_ = fs::temp_directory_path() / absl::StrCat("allies-smtp-sink-", ::getpid(), "-", port_);
    fs::remove_all(dir_);
    sink_ = std::make_unique<SmtpSink>(port_, dir_);
    services::reminders::SmtpConfig smtp;
    smtp.url = absl::StrCat("smtp://127.0.0.1:", port_);
    smtp.timeout = absl::Seconds(10);
    mailer_ = std::make_unique<services::reminders::SmtpMailer>(smtp);
    options_.initial_backoff = absl::Milliseconds(50);
    options_.max_backoff = absl::Milliseconds(400);
    project_ = Project("chtenia");
    start_ = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60) + absl::Hours(3);
    shift_ = Shift(project_, start_, 20).name();
  }

  void TearDown() override {
    sink_.reset();
    fs::remove_all(dir_);
    engine_.reset();
    if (pool_) pool_->Close();
  }

  DeliveryReport Deliver() {
    auto report = DeliverDue(*engine_, *mailer_, options_, storage::NowMicros());
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : DeliveryReport{};
  }

  std::map<std::string, ledger::Entry> Ledger() {
    std::map<std::string, ledger::Entry> out;
    auto lease = pool_->Checkout();
    EXPECT_TRUE(lease.ok());
    if (!lease.ok()) return out;
    auto all = ledger::ReadAll(**lease);
    EXPECT_TRUE(all.ok()) << all.status();
    if (!all.ok()) return out;
    for (ledger::Entry& e : *all) {
      out[absl::StrCat("libraries/", e.library_id, "/reminders/", e.id)] = std::move(e);
    }
    return out;
  }

  // The reminder names the sink received, each with how often.
  std::map<std::string, int> ReceivedCounts() {
    std::map<std::string, int> out;
    for (const Received& r : sink_->Messages()) ++out[r.fields.at("reminder")];
    return out;
  }

  // A volunteer signed up for the shift in 3 hours; returns the volunteer's name.
  std::string SignedUp(const std::string& id, const std::string& email) {
    const std::string v = Volunteer(id, email);
    SignUp(shift_, v);
    return v;
  }

  std::unique_ptr<storage::ConnectionPool> pool_;
  std::unique_ptr<services::reminders::Engine> engine_;
  std::unique_ptr<services::reminders::SmtpMailer> mailer_;
  std::unique_ptr<SmtpSink> sink_;
  DeliveryOptions options_;
  int port_ = 0;
  fs::path dir_;
  std::string project_, shift_;
  absl::Time start_;
};

TEST_F(DeliveryTest, EachReminderArrivesOnceAndSurvivesARelayOutage) {
  const std::string anna = SignedUp("anna", "anna@example.ru");
  const std::string boris = SignedUp("boris", "boris@example.ru");
  const std::string quiet = Volunteer("quiet", "quiet@example.ru", {v1::Consent::VOLUNTEER_WORK},
                                      /*opt_out_email=*/true);
  SignUp(shift_, quiet);
  const std::string agreement = Agreement("7/2026-С", 7);
  sink_->Start();

  DeliveryReport first = Deliver();
  EXPECT_TRUE(first.ran);
  EXPECT_EQ(first.due, 3);
  EXPECT_EQ(first.sent, 3);
  EXPECT_EQ(first.failed, 0);
  // The sink wrote each message before it accepted it: all there now.
  std::vector<Received> got = sink_->Messages();
  ASSERT_EQ(got.size(), 3u);
  std::map<std::string, Received> by_to;
  for (const Received& r : got) by_to[r.rcpt] = r;
  EXPECT_EQ(by_to.size(), 3u);
  ASSERT_EQ(by_to.count("anna@example.ru"), 1u);
  ASSERT_EQ(by_to.count("boris@example.ru"), 1u);
  ASSERT_EQ(by_to.count("gorod@biblioteka.example.ru"), 1u) << "staff: the library's address";
  EXPECT_EQ(by_to.count("quiet@example.ru"), 0u) << "opted out of e-mail";
  const Received& a = by_to.at("anna@example.ru");
  EXPECT_EQ(a.fields.at("mail_from"), "gorod@biblioteka.example.ru") << "the library sends";
  EXPECT_TRUE(absl::StrContains(a.fields.at("from"), "gorod@biblioteka.example.ru"));
  EXPECT_TRUE(absl::StartsWith(a.fields.at("subject_raw"), "=?UTF-8?B?"))
      << a.fields.at("subject_raw");
  EXPECT_TRUE(absl::StartsWith(a.fields.at("subject"), "Напоминание: смена «Громкие чтения"))
      << a.fields.at("subject");
  EXPECT_EQ(a.fields.at("content_type"), "text/plain");
  EXPECT_EQ(a.fields.at("charset"), "utf-8");
  EXPECT_TRUE(absl::StrContains(a.fields.at("body"), "Напоминаем, что вы записаны на смену"))
      << a.fields.at("body");
  const Received& staff = by_to.at("gorod@biblioteka.example.ru");
  EXPECT_EQ(staff.fields.at("subject"), "Соглашение № 7/2026-С заканчивается через 7 дней");
  EXPECT_TRUE(absl::StrContains(staff.fields.at("body"), agreement));

  // Sent means sent: another run sends nothing.
  DeliveryReport again = Deliver();
  EXPECT_EQ(again.due, 3);
  EXPECT_EQ(again.sent, 0);
  EXPECT_EQ(sink_->Count(), 3u);
  for (const auto& [name, e] : Ledger()) {
    EXPECT_EQ(e.state, ledger::State::kSent) << name;
    EXPECT_EQ(e.attempts, 1) << name;
    EXPECT_FALSE(e.possible_duplicate) << name;
    EXPECT_TRUE(e.send_time.has_value()) << name;
  }

  // The relay goes down; new reminders come due meanwhile.
  sink_->Stop();
  const std::string clara = SignedUp("clara", "clara@example.ru");
  const std::string dmitry = SignedUp("dmitry", "dmitry@example.ru");
  const std::string later = Agreement("30/2026-С", 30);
  std::atomic<int> runs{0}, failures{0};
  absl::Notification stop;
  std::thread notifier([&] {
    services::reminders::RunNotifier(*engine_, *mailer_, options_, absl::Hours(1), stop,
                                     [&](const absl::StatusOr<DeliveryReport>& report) {
                                       ++runs;
                                       if (report.ok()) failures += report->failed;
                                     });
  });
  // Tried and failed at least twice each (backoff), recorded RETRYING with the error.
  ASSERT_TRUE(WaitFor([&] {
    int retrying = 0;
    for (const auto& [name, e] : Ledger()) {
      if (e.state == ledger::State::kRetrying && e.attempts >= 2) ++retrying;
    }
    return retrying == 3;
  })) << "runs "
      << runs << " failures " << failures;
  for (const auto& [name, e] : Ledger()) {
    if (e.state != ledger::State::kRetrying) continue;
    EXPECT_FALSE(e.last_error.empty());
    EXPECT_TRUE(e.next_attempt_time.has_value());
  }
  // Dmitry withdraws his consent while the relay is down: he is never written to.
  WithdrawConsents(dmitry);
  const int before = runs.load();
  ASSERT_TRUE(WaitFor([&] { return runs.load() >= before + 2; })) << "a whole run since";
  sink_->Start();
  // Every entry but Dmitry's SENT (the sink wrote each message before accepting it).
  ASSERT_TRUE(WaitFor([&] {
    int sent = 0;
    for (const auto& [name, e] : Ledger()) sent += e.state == ledger::State::kSent ? 1 : 0;
    return sent == 5;
  }));
  stop.Notify();
  notifier.join();

  got = sink_->Messages();
  EXPECT_EQ(got.size(), 5u);
  std::set<std::string> recipients;
  for (const Received& r : got) recipients.insert(r.rcpt);
  EXPECT_EQ(recipients, (std::set<std::string>{"anna@example.ru", "boris@example.ru",
                                               "clara@example.ru", "gorod@biblioteka.example.ru"}));
  for (const auto& [name, count] : ReceivedCounts()) EXPECT_EQ(count, 1) << name;
  int sent = 0;
  for (const auto& [name, e] : Ledger()) {
    if (e.recipient == dmitry) {
      EXPECT_NE(e.state, ledger::State::kSent) << "never sent after the withdrawal";
      continue;
    }
    EXPECT_EQ(e.state, ledger::State::kSent) << name;
    EXPECT_FALSE(e.possible_duplicate) << name;
    ++sent;
  }
  EXPECT_EQ(sent, 5);
  (void)clara;
  (void)later;
  (void)anna;
  (void)boris;
}

TEST_F(DeliveryTest, AnInterruptedSendIsSentAgainOnceAndSaysSo) {
  const std::string eva = SignedUp("eva", "eva@example.ru");
  sink_->Start();
  // A run that recorded SENDING and died before it knew the outcome.
  auto due = engine_->Compute(services::SystemCall("test", absl::Now()).call(), "-");
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);
  const services::reminders::Due& d = (*due)[0];
  ledger::Entry entry;
  entry.library_id = d.library_id;
  entry.id = services::reminders::ReminderId(d.key);
  entry.key = d.key;
  entry.kind = d.reminder.kind();
  entry.recipient = d.reminder.recipient();
  {
    auto lease = pool_->Checkout();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE(ledger::BeginAttempt(**lease, entry, false, storage::NowMicros()).ok());
  }
  DeliveryReport report = Deliver();
  EXPECT_EQ(report.sent, 1);
  EXPECT_EQ(report.resent, 1);
  ASSERT_EQ(sink_->Count(), 1u);
  auto entries = Ledger();
  ASSERT_EQ(entries.size(), 1u);
  const ledger::Entry& e = entries.begin()->second;
  EXPECT_EQ(entries.begin()->first, d.reminder.name());
  EXPECT_EQ(e.state, ledger::State::kSent);
  EXPECT_TRUE(e.possible_duplicate);
  EXPECT_EQ(e.resends, 1);
  EXPECT_EQ(e.attempts, 2);
  // ListReminders shows it.
  const auto shown = Reminders("libraries/city");
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].delivery_state(), v1::Reminder::SENT);
  EXPECT_TRUE(shown[0].possible_duplicate());
  EXPECT_EQ(shown[0].attempts(), 2);
  EXPECT_EQ(Deliver().sent, 0);

  // Interrupted during its re-send too: never sent a third time, left UNCONFIRMED.
  const std::string fedor = SignedUp("fedor", "fedor@example.ru");
  due = engine_->Compute(services::SystemCall("test", absl::Now()).call(), "-");
  ASSERT_TRUE(due.ok());
  for (const services::reminders::Due& other : *due) {
    if (other.reminder.recipient() != fedor) continue;
    entry.library_id = other.library_id;
    entry.id = services::reminders::ReminderId(other.key);
    entry.key = other.key;
    entry.recipient = fedor;
  }
  ASSERT_EQ(entry.recipient, fedor);
  {
    auto lease = pool_->Checkout();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE(ledger::BeginAttempt(**lease, entry, false, storage::NowMicros()).ok());
    ASSERT_TRUE(ledger::BeginAttempt(**lease, entry, true, storage::NowMicros()).ok());
  }
  report = Deliver();
  EXPECT_EQ(report.sent, 0);
  EXPECT_EQ(sink_->Count(), 1u);
  entries = Ledger();
  const auto unconfirmed =
      entries.find(absl::StrCat("libraries/", entry.library_id, "/reminders/", entry.id));
  ASSERT_NE(unconfirmed, entries.end());
  EXPECT_EQ(unconfirmed->second.state, ledger::State::kUnconfirmed);
  EXPECT_EQ(Deliver().sent, 0);
  EXPECT_EQ(sink_->Count(), 1u);
  (void)eva;
}

// The relay took the whole message and the connection broke before its answer: the send is
// retried (it may never have arrived), and the ledger says the reminder may have come twice.
TEST_F(DeliveryTest, AMessageTheRelayTookWithoutAnsweringIsRetriedAndMarked) {
  SignedUp("zoya", "zoya@example.ru");
  sink_->Start(/*drop_first=*/1);
  DeliveryReport first = Deliver();
  EXPECT_EQ(first.sent, 0);
  EXPECT_EQ(first.failed, 1);
  ASSERT_EQ(sink_->Count(), 1u) << "the relay had the message";
  auto entries = Ledger();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.begin()->second.state, ledger::State::kRetrying);
  EXPECT_TRUE(entries.begin()->second.possible_duplicate);
  EXPECT_TRUE(absl::StrContains(entries.begin()->second.last_error, "the whole message"))
      << entries.begin()->second.last_error;
  // After the backoff: sent again, accepted this time.
  int sent = 0;
  ASSERT_TRUE(WaitFor([&] {
    sent += Deliver().sent;
    return sent > 0;
  }));
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(sink_->Count(), 2u) << "the duplicate the ledger warns of";
  entries = Ledger();
  EXPECT_EQ(entries.begin()->second.state, ledger::State::kSent);
  EXPECT_TRUE(entries.begin()->second.possible_duplicate);
  EXPECT_EQ(Deliver().sent, 0);

  // Twice without an answer: the second is the last.
  SignedUp("zakhar", "zakhar@example.ru");
  sink_->Stop();
  sink_->Start(/*drop_first=*/2);
  EXPECT_EQ(Deliver().failed, 1);
  ASSERT_TRUE(WaitFor([&] { return Deliver().failed > 0; }));
  int unconfirmed = 0;
  for (const auto& [name, e] : Ledger()) unconfirmed += e.state == ledger::State::kUnconfirmed;
  EXPECT_EQ(unconfirmed, 1);
  EXPECT_EQ(sink_->Count(), 4u);
  EXPECT_EQ(Deliver().failed, 0) << "never a third time";
}

// A relay that refuses outright (it never had the message): retried, not marked.
TEST_F(DeliveryTest, ARelayThatIsDownLeavesNoPossibleDuplicate) {
  SignedUp("yan", "yan@example.ru");
  DeliveryReport first = Deliver();  // nothing listens on the port
  EXPECT_EQ(first.failed, 1);
  auto entries = Ledger();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.begin()->second.state, ledger::State::kRetrying);
  EXPECT_FALSE(entries.begin()->second.possible_duplicate);
}

TEST_F(DeliveryTest, OneRunAtATime) {
  SignedUp("galina", "galina@example.ru");
  sink_->Start();
  // Another process's run holds the lock: this one does nothing.
  auto lease = pool_->Checkout();
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(*ledger::TryLock(**lease));
  DeliveryReport blocked = Deliver();
  EXPECT_FALSE(blocked.ran);
  EXPECT_EQ(sink_->Count(), 0u);
  ASSERT_TRUE(ledger::Unlock(**lease).ok());
  EXPECT_EQ(Deliver().sent, 1);
  EXPECT_EQ(sink_->Count(), 1u);
}

}  // namespace
}  // namespace allies
