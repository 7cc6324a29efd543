// End-to-end tests of PartnerService through a real gRPC channel and a real MariaDB: the fields
// and their checks, the INN unique per library and visible across the network, filters on every
// kind of field, updates with masks and etags, soft delete and undelete, and the activity log.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "allies/v1/activity.grpc.pb.h"
#include "allies/v1/library.grpc.pb.h"
#include "allies/v1/partner.grpc.pb.h"
#include "storage/pool.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::ErrorMetadata;
using allies::testing::Reason;
using allies::testing::TestDatabase;
using allies::testing::TestServer;
using allies::testing::ViolatedFields;
using v1::Partner;

constexpr char kSberInn[] = "7707083893";
constexpr char kSberOgrn[] = "1027700132195";
constexpr char kYandexInn[] = "7736207543";

class PartnerServiceTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "oblast").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city", "libraries/oblast").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "village", "libraries/oblast").ok());
  }

  static Partner Bank() {
    Partner p;
    p.set_display_name("Сбербанк, отделение «Ёлочка»");
    p.set_legal_name("ПАО Сбербанк");
    p.set_inn(kSberInn);
    p.set_ogrn(kSberOgrn);
    p.set_kind(Partner::BUSINESS);
    p.add_support_forms(Partner::MATERIAL);
    p.add_support_forms(Partner::VENUE);
    p.set_email("  Office@SberBank.RU ");
    p.set_phone("8 (495) 500-55-50");
    p.set_address("г. Вологда, ул. Мира, д. 1");
    p.add_tags("банк");
    p.add_tags("спонсор года");
    p.set_notes("Многострочные\nзаметки");
    return p;
  }

  grpc::Status Create(const std::string& library, const Partner& p, Partner* out,
                      const std::string& id = "", const std::string& request_id = "") {
    v1::CreatePartnerRequest request;
    request.set_parent("libraries/" + library);
    *request.mutable_partner() = p;
    request.set_partner_id(id);
    request.set_request_id(request_id);
    grpc::ClientContext context;
    return partners_->CreatePartner(&context, request, out);
  }

  grpc::Status Update(const Partner& p, const std::vector<std::string>& paths, Partner* out) {
    v1::UpdatePartnerRequest request;
    *request.mutable_partner() = p;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    grpc::ClientContext context;
    return partners_->UpdatePartner(&context, request, out);
  }

  std::vector<std::string> ListNames(const std::string& parent, const std::string& filter,
                                     const std::string& order_by = "", bool show_deleted = false) {
    v1::ListPartnersRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_show_deleted(show_deleted);
    request.set_page_size(2);  // exercise paging
    std::vector<std::string> names;
    do {
      v1::ListPartnersResponse page;
      grpc::ClientContext context;
      grpc::Status status = partners_->ListPartners(&context, request, &page);
      EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
      if (!status.ok()) break;
      for (const auto& p : page.partners()) names.push_back(p.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }
};

TEST_F(PartnerServiceTest, CreateGetRoundTripsCyrillicAndNormalizes) {
  Partner created;
  ASSERT_TRUE(Create("city", Bank(), &created, "sber").ok());
  EXPECT_EQ(created.name(), "libraries/city/partners/sber");
  EXPECT_EQ(created.state(), Partner::PROSPECT);  // the default
  EXPECT_EQ(created.email(), "office@sberbank.ru");
  EXPECT_EQ(created.phone(), "+74955005550");
  EXPECT_FALSE(created.etag().empty());

  Partner got;
  ASSERT_TRUE(
      CallByName(*partners_, &v1::PartnerService::Stub::GetPartner, created.name(), &got).ok());
  EXPECT_EQ(got.display_name(), "Сбербанк, отделение «Ёлочка»");
  EXPECT_EQ(got.notes(), "Многострочные\nзаметки");
  ASSERT_EQ(got.support_forms_size(), 2);
  EXPECT_EQ(got.support_forms(0), Partner::MATERIAL);
  EXPECT_EQ(got.support_forms(1), Partner::VENUE);
  ASSERT_EQ(got.tags_size(), 2);
  EXPECT_EQ(got.tags(1), "спонсор года");
  EXPECT_EQ(got.etag(), created.etag());
  EXPECT_EQ(got.create_time().seconds(), created.create_time().seconds());
  EXPECT_FALSE(got.has_last_interaction_time());

  // Output-only fields sent on create are ignored; a generated id is valid.
  Partner with_outputs = Bank();
  with_outputs.set_inn("");
  with_outputs.set_name("libraries/village/partners/forged");
  with_outputs.mutable_delete_time()->set_seconds(100);
  Partner generated;
  ASSERT_TRUE(Create("city", with_outputs, &generated).ok());
  EXPECT_NE(generated.name(), "libraries/village/partners/forged");
  EXPECT_TRUE(generated.name().rfind("libraries/city/partners/", 0) == 0);
  EXPECT_FALSE(generated.has_delete_time());
}

// Every repeated field of a row is read back through one column: each field gets its own values,
// in the order written, on Get, List and Update alike.
TEST_F(PartnerServiceTest, RepeatedFieldsKeepTheirOwnValuesInOrder) {
  Partner p = Bank();
  p.clear_support_forms();
  p.add_support_forms(Partner::VENUE);  // not in enum order
  p.add_support_forms(Partner::MATERIAL);
  p.clear_tags();
  const std::vector<std::string> tags = {
      "Ёлка", "я", "а", "ё", "10", "2", "Б б", "tags", "support_forms", std::string(100, 'x'),
      "ж",    "и"};
  for (const std::string& tag : tags) p.add_tags(tag);
  Partner created;
  grpc::Status status = Create("city", p, &created, "ordered");
  ASSERT_TRUE(status.ok()) << status.error_message();
  Partner plain;
  plain.set_display_name("Без меток");
  plain.set_kind(Partner::MEDIA);
  ASSERT_TRUE(Create("city", plain, &created, "plain").ok());

  auto check = [&](const Partner& got, const std::vector<std::string>& want_tags) {
    ASSERT_EQ(got.support_forms_size(), 2);
    EXPECT_EQ(got.support_forms(0), Partner::VENUE);
    EXPECT_EQ(got.support_forms(1), Partner::MATERIAL);
    EXPECT_EQ(std::vector<std::string>(got.tags().begin(), got.tags().end()), want_tags);
  };
  Partner got;
  ASSERT_TRUE(CallByName(*partners_, &v1::PartnerService::Stub::GetPartner,
                         "libraries/city/partners/ordered", &got)
                  .ok());
  check(got, tags);

  v1::ListPartnersRequest list;
  list.set_parent("libraries/city");
  v1::ListPartnersResponse page;
  grpc::ClientContext context;
  ASSERT_TRUE(partners_->ListPartners(&context, list, &page).ok());
  ASSERT_EQ(page.partners_size(), 2);
  check(page.partners(0), tags);
  EXPECT_EQ(page.partners(1).name(), "libraries/city/partners/plain");
  EXPECT_EQ(page.partners(1).support_forms_size(), 0);
  EXPECT_EQ(page.partners(1).tags_size(), 0);

  Partner fewer = got;
  fewer.clear_tags();
  fewer.add_tags("один");
  Partner updated;
  ASSERT_TRUE(Update(fewer, {"tags"}, &updated).ok());
  check(updated, {"один"});
  ASSERT_TRUE(CallByName(*partners_, &v1::PartnerService::Stub::GetPartner,
                         "libraries/city/partners/ordered", &got)
                  .ok());
  check(got, {"один"});
}

TEST_F(PartnerServiceTest, RejectsBadFieldsAllAtOnce) {
  Partner bad;
  bad.set_display_name("   ");
  bad.set_inn("7707083894");       // wrong check digit
  bad.set_ogrn("10277001321950");  // 14 digits
  bad.add_support_forms(Partner::MATERIAL);
  bad.add_support_forms(Partner::MATERIAL);
  bad.set_email("not an email");
  bad.set_phone("12");
  bad.set_website("ftp://x");
  bad.add_tags("");
  bad.set_legal_name(std::string(501, 'x'));
  Partner out;
  grpc::Status status = Create("city", bad, &out, "Bad_Id");
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const auto fields = ViolatedFields(status);
  const std::set<std::string> got(fields.begin(), fields.end());
  for (const char* f :
       {"partner_id", "partner.display_name", "partner.inn", "partner.ogrn", "partner.kind",
        "partner.support_forms[1]", "partner.email", "partner.phone", "partner.website",
        "partner.tags[0]", "partner.legal_name"}) {
    EXPECT_TRUE(got.count(f)) << f << " missing from " << status.error_message();
  }
  // A 12-digit INN of an entrepreneur and a 15-digit OGRNIP are fine.
  Partner ip = Bank();
  ip.set_kind(Partner::INDIVIDUAL);
  ip.set_inn("500100732259");
  ip.set_ogrn("304500116000157");
  EXPECT_TRUE(Create("city", ip, &out).ok());
  // ... but not for an organization, nor the other way round.
  ip.set_kind(Partner::BUSINESS);
  EXPECT_EQ(ViolatedFields(Create("city", ip, &out)),
            (std::vector<std::string>{"partner.inn", "partner.ogrn"}));
  Partner org = Bank();
  org.set_kind(Partner::INDIVIDUAL);
  EXPECT_EQ(ViolatedFields(Create("village", org, &out)),
            (std::vector<std::string>{"partner.inn", "partner.ogrn"}));
}

// Ids are [a-z][a-z0-9-]{0,62} or a number without a leading zero (what a yearly report's year
// needs; the rule is one for every resource).
TEST_F(PartnerServiceTest, ChosenIdsAreNamesOrNumbers) {
  Partner p;
  p.set_display_name("Партнёр № 2026");
  p.set_kind(Partner::NONPROFIT);
  Partner out;
  grpc::Status status = Create("oblast", p, &out, "2026");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.name(), "libraries/oblast/partners/2026");
  Partner got;
  ASSERT_TRUE(CallByName(*partners_, &v1::PartnerService::Stub::GetPartner, out.name(), &got).ok());
  EXPECT_EQ(got.display_name(), "Партнёр № 2026");
  for (const char* bad : {"02026", "1abc", "-1", "Ёлка"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Create("oblast", p, &out, bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_F(PartnerServiceTest, InnIsUniquePerLibraryAndVisibleAcrossTheNetwork) {
  Partner first, second, out;
  ASSERT_TRUE(Create("city", Bank(), &first, "sber").ok());
  grpc::Status dup = Create("city", Bank(), &out, "sber-again");
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Reason(dup), "PARTNER_INN_TAKEN");
  EXPECT_EQ(ErrorMetadata(dup, "existing"), "libraries/city/partners/sber");
  // Another library may work with the same organization.
  ASSERT_TRUE(Create("village", Bank(), &second, "sberbank").ok());
  // Update into a taken INN is refused too.
  Partner yandex = Bank();
  yandex.set_inn(kYandexInn);
  yandex.set_ogrn("");
  ASSERT_TRUE(Create("city", yandex, &out, "yandex").ok());
  out.set_inn(kSberInn);
  grpc::Status taken = Update(out, {"inn"}, &out);
  EXPECT_EQ(Reason(taken), "PARTNER_INN_TAKEN");

  EXPECT_EQ(ListNames("libraries/-", absl::StrCat("inn = \"", kSberInn, "\"")),
            (std::vector<std::string>{"libraries/city/partners/sber",
                                      "libraries/village/partners/sberbank"}));
  // A deleted holder still holds the INN (undelete it instead of registering a second).
  ASSERT_TRUE(CallByName(*partners_, &v1::PartnerService::Stub::DeletePartner,
                         "libraries/city/partners/sber", &out)
                  .ok());
  EXPECT_EQ(Reason(Create("city", Bank(), &out)), "PARTNER_INN_TAKEN");
}

TEST_F(PartnerServiceTest, FiltersOnEveryKindOfField) {
  Partner out;
  ASSERT_TRUE(Create("city", Bank(), &out, "sber").ok());
  Partner books;
  books.set_display_name("Дом книги");
  books.set_kind(Partner::CULTURE);
  books.set_state(Partner::ACTIVE);
  books.add_support_forms(Partner::INFORMATIONAL);
  books.add_tags("книги");
  ASSERT_TRUE(Create("city", books, &out, "books").ok());
  Partner paper;
  paper.set_display_name("Газета «Красный Север»");
  paper.set_kind(Partner::MEDIA);
  paper.set_state(Partner::ACTIVE);
  paper.add_support_forms(Partner::INFORMATIONAL);
  paper.add_support_forms(Partner::MATERIAL);
  ASSERT_TRUE(Create("village", paper, &out, "paper").ok());

  const std::string sber = "libraries/city/partners/sber";
  const std::string book = "libraries/city/partners/books";
  const std::string news = "libraries/village/partners/paper";
  using Names = std::vector<std::string>;
  EXPECT_EQ(ListNames("libraries/-", "support_forms: MATERIAL"), (Names{sber, news}));
  EXPECT_EQ(ListNames("libraries/-", "tags: \"книги\""), (Names{book}));
  EXPECT_EQ(ListNames("libraries/-", "display_name: \"КНИГ\""), (Names{book}));
  EXPECT_EQ(ListNames("libraries/-", "state = ACTIVE AND kind = MEDIA"), (Names{news}));
  EXPECT_EQ(ListNames("libraries/-", "NOT state = ACTIVE"), (Names{sber}));
  // "Not equal" includes partners without the value (no INN).
  EXPECT_EQ(ListNames("libraries/-", "inn != \"7707083893\""), (Names{book, news}));
  EXPECT_EQ(ListNames("libraries/city", ""), (Names{book, sber}));
  EXPECT_EQ(ListNames("libraries/-", "phone = \"+74955005550\""), (Names{sber}));
  EXPECT_EQ(ListNames("libraries/-", "name = \"libraries/village/partners/paper\""), (Names{news}));
  EXPECT_EQ(ListNames("libraries/-", "", "display_name desc"), (Names{sber, book, news}));
  EXPECT_EQ(ListNames("libraries/-", "", "kind, display_name"), (Names{sber, news, book}));
  EXPECT_EQ(ListNames("libraries/-", "", "name desc"), (Names{news, sber, book}));

  v1::ListPartnersRequest bad;
  bad.set_parent("libraries/-");
  bad.set_filter("support_forms: GOLD");
  v1::ListPartnersResponse response;
  grpc::ClientContext context;
  grpc::Status status = partners_->ListPartners(&context, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(status), (std::vector<std::string>{"filter"}));
}

TEST_F(PartnerServiceTest, SortingOnAnOftenEmptyFieldPagesExactly) {
  // Empty INNs are stored as NULL; pages of 2 must neither skip nor repeat them.
  Partner out;
  ASSERT_TRUE(Create("city", Bank(), &out, "sber").ok());
  std::vector<std::string> empty;
  for (const char* id : {"a", "b", "c", "d", "e"}) {
    Partner p;
    p.set_display_name(std::string("Без ИНН ") + id);
    p.set_kind(Partner::CULTURE);
    ASSERT_TRUE(Create("city", p, &out, id).ok());
    empty.push_back(out.name());
  }
  std::vector<std::string> ascending = empty;
  ascending.push_back("libraries/city/partners/sber");
  EXPECT_EQ(ListNames("libraries/city", "", "inn"), ascending);
  std::vector<std::string> descending = {"libraries/city/partners/sber"};
  descending.insert(descending.end(), empty.begin(), empty.end());
  EXPECT_EQ(ListNames("libraries/city", "", "inn desc"), descending);
  EXPECT_EQ(ListNames("libraries/city", "", "last_interaction_time desc").size(), 6u);
}

TEST_F(PartnerServiceTest, UpdateDeleteUndeleteAreLogged) {
  Partner p;
  ASSERT_TRUE(Create("city", Bank(), &p, "sber", "req-1").ok());
  Partner stale = p;
  p.set_state(Partner::ACTIVE);
  p.clear_tags();
  p.add_tags("надёжный");
  p.set_display_name("ignored: not in the mask");
  Partner updated;
  ASSERT_TRUE(Update(p, {"state", "tags"}, &updated).ok());
  EXPECT_EQ(updated.state(), Partner::ACTIVE);
  EXPECT_EQ(updated.display_name(), "Сбербанк, отделение «Ёлочка»");
  ASSERT_EQ(updated.tags_size(), 1);
  EXPECT_EQ(updated.tags(0), "надёжный");
  EXPECT_NE(updated.etag(), stale.etag());

  Partner out;
  EXPECT_EQ(Update(stale, {"notes"}, &out).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(Update(updated, {}, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Update(updated, {"last_interaction_time"}, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Update(updated, {"colour"}, &out).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::DeletePartnerRequest del;
  del.set_name(updated.name());
  del.set_etag(stale.etag());
  grpc::ClientContext c1;
  EXPECT_EQ(partners_->DeletePartner(&c1, del, &out).error_code(), grpc::StatusCode::ABORTED);
  del.set_etag(updated.etag());
  grpc::ClientContext c2;
  ASSERT_TRUE(partners_->DeletePartner(&c2, del, &out).ok());
  EXPECT_TRUE(out.has_delete_time());
  EXPECT_TRUE(ListNames("libraries/city", "").empty());
  EXPECT_EQ(ListNames("libraries/city", "", "", true).size(), 1u);
  EXPECT_EQ(Update(out, {"notes"}, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  v1::UndeletePartnerRequest undel;
  undel.set_name(updated.name());
  grpc::ClientContext c3;
  ASSERT_TRUE(partners_->UndeletePartner(&c3, undel, &out).ok());
  EXPECT_FALSE(out.has_delete_time());
  grpc::ClientContext c4;
  EXPECT_EQ(partners_->UndeletePartner(&c4, undel, &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  const auto entries = SystemEntries(updated.name());
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].verb(), "CREATE");
  EXPECT_EQ(entries[0].request_id(), "req-1");
  EXPECT_EQ(entries[1].verb(), "UPDATE");
  EXPECT_EQ(std::vector<std::string>(entries[1].changed_fields().begin(),
                                     entries[1].changed_fields().end()),
            (std::vector<std::string>{"state", "tags"}));
  EXPECT_EQ(entries[2].verb(), "DELETE");
  EXPECT_EQ(entries[3].verb(), "UNDELETE");
  // The log names fields, never values.
  for (const auto& e : entries) {
    for (const auto& f : e.changed_fields()) EXPECT_EQ(f.find("надёжный"), std::string::npos);
  }
}

TEST_F(PartnerServiceTest, CreateIsIdempotentAndNeedsALiveLibrary) {
  Partner a, b, out;
  ASSERT_TRUE(Create("city", Bank(), &a, "", "same-request").ok());
  ASSERT_TRUE(Create("city", Bank(), &b, "", "same-request").ok());
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(ListNames("libraries/city", "").size(), 1u);

  EXPECT_EQ(Create("nowhere", Bank(), &out).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Create("city", Bank(), &out, "sber2").error_code(),
            grpc::StatusCode::ALREADY_EXISTS);  // the INN again
}

TEST_F(PartnerServiceTest, LastInteractionFollowsTheActivityLog) {
  Partner p;
  ASSERT_TRUE(Create("city", Bank(), &p, "sber").ok());
  v1::CreateActivityRequest request;
  request.set_parent("libraries/city");
  request.mutable_activity()->set_kind(v1::Activity::MEETING);
  request.mutable_activity()->set_subject("Встреча о спонсорстве");
  request.mutable_activity()->add_related(p.name());
  request.mutable_activity()->mutable_occurred_time()->set_seconds(1790000000);
  v1::Activity meeting;
  grpc::ClientContext context;
  ASSERT_TRUE(activities_->CreateActivity(&context, request, &meeting).ok());

  Partner got;
  ASSERT_TRUE(CallByName(*partners_, &v1::PartnerService::Stub::GetPartner, p.name(), &got).ok());
  EXPECT_EQ(got.last_interaction_time().seconds(), 1790000000);
  EXPECT_EQ(ListNames("libraries/-", "last_interaction_time >= \"2026-01-01T00:00:00Z\""),
            (std::vector<std::string>{p.name()}));
}

// With every database connection taken: input that is bad without looking at the database is
// refused at once (it never waits for a connection), and a call waits for one only until its
// deadline.
TEST_F(PartnerServiceTest, BadInputNeedsNoConnectionAndDeadlinesBoundTheWait) {
  storage::ConnectionPool& pool = server_->host().pool();
  std::vector<storage::Lease> held;
  for (int i = 0; i < pool.config().pool_size; ++i) {
    auto lease = pool.Checkout();
    ASSERT_TRUE(lease.ok()) << lease.status();
    held.push_back(*std::move(lease));
  }
  Partner bad = Bank();
  bad.set_kind(Partner::INDIVIDUAL);  // a 10-digit INN is an organization's
  Partner out;
  absl::Time start = absl::Now();
  grpc::Status refused = Create("city", bad, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(refused), (std::vector<std::string>{"partner.inn", "partner.ogrn"}));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));

  v1::GetPartnerRequest get;
  get.set_name("libraries/city/partners/any");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  start = absl::Now();
  EXPECT_EQ(partners_->GetPartner(&context, get, &out).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The server stopped waiting too (not at the pool's own 5 s).
  while (pool.stats().waiting > 0 && absl::Now() - start < absl::Seconds(3)) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(pool.stats().waiting, 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

// Connections of the server are killed at random moments while partners are created: a create
// may fail (UNAVAILABLE), but every one answered OK exists, with its CREATE entry.
TEST_F(PartnerServiceTest, NoCreateAnswersOkForARowThatIsNotThere) {
  std::atomic<bool> done{false};
  auto killer_session = storage::ConnectionPool::Connect(db_);
  ASSERT_TRUE(killer_session.ok()) << killer_session.status();
  storage::Session& k = **killer_session;
  std::thread killer([&] {
    while (!done) {
      (void)k.Run([&]() -> absl::Status {
        auto rs = k.Query(
            "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()",
            db_.database);
        std::vector<int64_t> ids;
        while (rs->next()) ids.push_back(rs->getInt64(1));
        for (int64_t id : ids) {
          (void)k.Run([&]() -> absl::Status {  // gone meanwhile: fine
            k.ExecuteDirect(absl::StrCat("KILL CONNECTION ", id));
            return absl::OkStatus();
          });
        }
        return absl::OkStatus();
      });
      absl::SleepFor(absl::Milliseconds(3));
    }
  });
  std::mutex mu;
  std::vector<std::string> acknowledged;
  int failed = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 40; ++i) {
        Partner p;
        p.set_display_name(absl::StrCat("Партнёр ", w, "-", i));
        p.set_kind(Partner::NONPROFIT);
        Partner out;
        grpc::Status status = Create("city", p, &out, absl::StrCat("k", w, "-", i));
        std::lock_guard<std::mutex> lock(mu);
        if (status.ok()) {
          acknowledged.push_back(out.name());
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
          ++failed;
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  killer.join();
  EXPECT_GT(acknowledged.size(), 0u);
  for (const std::string& name : acknowledged) {
    Partner got;
    grpc::Status status = CallByName(*partners_, &v1::PartnerService::Stub::GetPartner, name, &got);
    EXPECT_NE(status.error_code(), grpc::StatusCode::NOT_FOUND)
        << name << " was acknowledged but does not exist";
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    EXPECT_EQ(SystemVerbs(name), std::vector<std::string>{"CREATE"}) << name;
  }
  std::cerr << acknowledged.size() << " creates acknowledged, " << failed << " refused\n";
}

}  // namespace
}  // namespace allies
