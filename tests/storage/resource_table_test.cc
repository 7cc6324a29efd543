// ResourceTable on a real MariaDB: every codec round-trips (Cyrillic, ё, empty and long text,
// doubles, dates, times, repeated and joined values, JSON messages), keys and names at every
// depth and at the root, the reference walks (Holding, Replace), children, soft deletes, extra
// columns, the registry, and declarations that cannot work fail at start-up.
#include "storage/resource_table.h"

#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "allies/test/v1/shelves.pb.h"
#include "allies/v1/activity.pb.h"
#include "allies/v1/agreement.pb.h"
#include "allies/v1/api_key.pb.h"
#include "api/errors.h"
#include "api/proto_time.h"
#include "storage/core_tables.h"
#include "storage/partnership_tables.h"
#include "storage/pool.h"
#include "storage/transaction.h"
#include "tests/support/shelves.h"
#include "tests/support/test_database.h"

namespace allies::storage {
namespace {

using allies::testing::TestDatabase;
using test::v1::Book;
using test::v1::Note;
using test::v1::Shelf;

class ResourceTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Shared().FreshSchema();
    TestDatabase::Shared().Sql(allies::testing::kShelfTablesSql, db_.database);
    TestDatabase::Shared().Sql(
        "INSERT INTO libraries (id, display_name, kind, revision, create_time, update_time) VALUES "
        "('city', 'Город', 2, 1, NOW(), NOW()), ('village', 'Село', 4, 1, NOW(), NOW())",
        db_.database);
    pool_ = std::make_unique<ConnectionPool>(db_);
  }

  // Runs fn in a transaction; fails the test on error.
  void Tx(const std::function<absl::Status(Session&)>& fn) {
    absl::Status status = RunInTransaction(*pool_, fn);
    ASSERT_TRUE(status.ok()) << status;
  }

  template <typename M>
  static M Stamped(M m) {
    api::ToTimestamp(absl::FromUnixSeconds(1790000000), m.mutable_create_time());
    *m.mutable_update_time() = m.create_time();
    return m;
  }

  template <typename M>
  absl::Status Insert(const ResourceTable& table, const ResourceKey& key, const M& m) {
    return RunInTransaction(*pool_, [&](Session& s) {
      ResourceTable::Row row;
      row.key = key;
      return table.Insert(s, row, Stamped(m));
    });
  }

  template <typename M>
  M Get(const ResourceTable& table, const ResourceKey& key, ResourceTable::Row* row = nullptr) {
    M out;
    ResourceTable::Row ignored;
    absl::Status status = RunRead(*pool_, [&](Session& s) {
      return table.Get(s, key, Lock::kNone, row != nullptr ? row : &ignored, &out);
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }

  void MakeShelf(const std::string& library, const std::string& id) {
    Shelf shelf;
    shelf.set_display_name("Полка");
    ASSERT_TRUE(Insert(allies::testing::ShelvesTable(), {library, id}, shelf).ok());
  }
  void MakeBook(const ResourceKey& key, const std::string& author = "") {
    Book book;
    book.set_title("Книга");
    book.set_author(author);
    ASSERT_TRUE(Insert(allies::testing::BooksTable(), key, book).ok());
  }

  DbConfig db_;
  std::unique_ptr<ConnectionPool> pool_;
};

TEST_F(ResourceTableTest, EveryCodecRoundTrips) {
  const ResourceTable& books = allies::testing::BooksTable();
  MakeShelf("city", "s");
  Book book;
  std::string long_title;
  for (int i = 0; i < 300; ++i) long_title += "ё";
  book.set_title(long_title);
  book.set_pages(-7);
  book.set_rating(2.75);
  book.mutable_published()->set_year(1999);
  book.mutable_published()->set_month(12);
  book.mutable_published()->set_day(31);
  book.add_keywords("Ёлка");
  book.add_keywords("");
  book.add_keywords("keywords");  // looks like a field name: still a value
  book.add_keywords("ёлка");
  ASSERT_TRUE(Insert(books, {"city", "b", {"s"}}, book).ok());
  ResourceTable::Row row;
  const Book got = Get<Book>(books, {"city", "b", {"s"}}, &row);
  EXPECT_EQ(got.name(), "libraries/city/shelves/s/books/b");
  EXPECT_EQ(got.title(), long_title);
  EXPECT_EQ(got.pages(), -7);
  EXPECT_DOUBLE_EQ(got.rating(), 2.75);
  EXPECT_EQ(got.published().year(), 1999);
  EXPECT_EQ(got.published().day(), 31);
  EXPECT_EQ(std::vector<std::string>(got.keywords().begin(), got.keywords().end()),
            (std::vector<std::string>{"Ёлка", "", "keywords", "ёлка"}));
  EXPECT_TRUE(got.author().empty());
  EXPECT_EQ(row.revision, 1);
  EXPECT_EQ(got.create_time().seconds(), 1790000000);
  EXPECT_FALSE(got.has_delete_time());
  EXPECT_FALSE(got.etag().empty());
  EXPECT_EQ(
      TestDatabase::Shared().Sql("SELECT author IS NULL, rating FROM test_books", db_.database),
      "1\t2.75\n")
      << "an empty reference is NULL; a double is DECIMAL";

  // Timestamps to the microsecond.
  Note note;
  note.set_text("");
  api::ToTimestamp(absl::FromUnixMicros(1790000000123456), note.mutable_written_time());
  ASSERT_TRUE(Insert(allies::testing::NotesTable(), {"city", "n", {"s", "b"}}, note).ok());
  const Note got_note = Get<Note>(allies::testing::NotesTable(), {"city", "n", {"s", "b"}});
  EXPECT_EQ(got_note.written_time().nanos(), 123456000);
  EXPECT_EQ(got_note.text(), "");

  // Joined repeated strings and JSON messages.
  v1::Activity entry;
  entry.set_kind(v1::Activity::SYSTEM);
  entry.add_changed_fields("display_name");
  entry.add_changed_fields("tags");
  api::ToTimestamp(absl::Now(), entry.mutable_occurred_time());
  ASSERT_TRUE(Insert(ActivitiesTable(), {"city", "a"}, entry).ok());
  const auto activity = Get<v1::Activity>(ActivitiesTable(), {"city", "a"});
  EXPECT_EQ(
      std::vector<std::string>(activity.changed_fields().begin(), activity.changed_fields().end()),
      (std::vector<std::string>{"display_name", "tags"}));
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT changed_fields FROM activities", db_.database),
            "display_name,tags\n");
}

TEST_F(ResourceTableTest, UpdateWritesEveryFieldAndReplacesRepeatedValues) {
  const ResourceTable& books = allies::testing::BooksTable();
  MakeShelf("city", "s");
  MakeBook({"city", "b", {"s"}});
  ResourceTable::Row row;
  Book book = Get<Book>(books, {"city", "b", {"s"}}, &row);
  book.set_title("Новое");
  book.add_keywords("раз");
  book.add_keywords("два");
  row.revision = 2;
  ASSERT_TRUE(
      RunInTransaction(*pool_, [&](Session& s) { return books.Update(s, row, book); }).ok());
  book.clear_keywords();
  book.add_keywords("три");
  row.revision = 3;
  ASSERT_TRUE(
      RunInTransaction(*pool_, [&](Session& s) { return books.Update(s, row, book); }).ok());
  const Book got = Get<Book>(books, {"city", "b", {"s"}}, &row);
  EXPECT_EQ(got.title(), "Новое");
  EXPECT_EQ(std::vector<std::string>(got.keywords().begin(), got.keywords().end()),
            std::vector<std::string>{"три"});
  EXPECT_EQ(row.revision, 3);
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT COUNT(*) FROM resource_values", db_.database),
            "1\n");
}

TEST_F(ResourceTableTest, NamesAndKeysAtEveryDepthAndAtTheRoot) {
  const ResourceTable& notes = allies::testing::NotesTable();
  auto key = notes.ParseName("libraries/city/shelves/s/books/b/notes/n", "name");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, ResourceKey("city", "n", {"s", "b"}));
  EXPECT_EQ(notes.Name(*key), "libraries/city/shelves/s/books/b/notes/n");
  EXPECT_EQ(notes.ParentName(*key), "libraries/city/shelves/s/books/b");
  EXPECT_EQ(notes.ParentKey(*key), ResourceKey("city", "b", {"s"}));
  EXPECT_EQ(notes.collection_path(), "shelves/books/notes");
  auto parent = notes.ParseCreateParent("libraries/city/shelves/s/books/b", "parent");
  ASSERT_TRUE(parent.ok());
  EXPECT_EQ(*parent, ResourceKey("city", "", {"s", "b"}));
  EXPECT_EQ(api::ErrorReason(
                notes.ParseCreateParent("libraries/city/shelves/-/books/b", "parent").status()),
            "INVALID_RESOURCE_NAME");
  auto any = notes.ParseListParent("libraries/-/shelves/s/books/-", "parent");
  ASSERT_TRUE(any.ok()) << any.status();
  EXPECT_FALSE(any->library_id.has_value());
  ASSERT_EQ(any->parents.size(), 2u);
  EXPECT_EQ(any->parents[0], "s");
  EXPECT_FALSE(any->parents[1].has_value());
  for (const char* bad : {"libraries/city/shelves/s", "libraries/city/books/b/shelves/s",
                          "libraries/city/shelves/s/books/b/notes/n"}) {
    EXPECT_FALSE(notes.ParseListParent(bad, "parent").ok()) << bad;
  }
  for (const char* bad :
       {"libraries/city/shelves/s/books/b", "libraries/city/shelves/-/books/b/notes/n",
        "libraries/city/shelves/s/books/b/notes/N"}) {
    EXPECT_FALSE(notes.ParseName(bad, "name").ok()) << bad;
  }
  // Root collections: a library belongs to itself, a key to the library its field names.
  auto library = LibrariesTable().ParseName("libraries/city", "name");
  ASSERT_TRUE(library.ok());
  EXPECT_EQ(*library, ResourceKey("city", "city"));
  EXPECT_EQ(LibrariesTable().ParentName(*library), "");
  auto api_key = ApiKeysTable().ParseName("apiKeys/k1", "name");
  ASSERT_TRUE(api_key.ok());
  EXPECT_EQ(*api_key, ResourceKey("", "k1"));
  EXPECT_EQ(ApiKeysTable().Name(*api_key), "apiKeys/k1");
}

TEST_F(ResourceTableTest, ListsFilterOrderAndPageOnNestedKeys) {
  const ResourceTable& books = allies::testing::BooksTable();
  for (const char* shelf : {"a", "b"}) MakeShelf("city", shelf);
  MakeShelf("village", "a");
  for (const auto& [library, shelf] : std::vector<std::pair<std::string, std::string>>{
           {"city", "a"}, {"city", "b"}, {"village", "a"}}) {
    for (const char* id : {"x", "y"}) MakeBook({library, id, {shelf}});
  }
  auto list = [&](ParentFilter parent, const std::vector<std::string>& after_key) {
    ResourceListQuery query;
    query.parent = std::move(parent);
    query.window.limit = 10;
    query.window.after_key = after_key;
    std::vector<std::string> names;
    std::vector<Book> read(10);
    size_t next = 0;
    absl::Status status = RunRead(*pool_, [&](Session& s) -> absl::Status {
      auto rows =
          books.List(s, query, [&]() -> google::protobuf::Message* { return &read[next++]; });
      if (!rows.ok()) return rows.status();
      for (const auto& row : *rows) names.push_back(books.Name(row.key));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return names;
  };
  EXPECT_EQ(list({std::string("city"), {std::string("b")}}, {}),
            (std::vector<std::string>{"libraries/city/shelves/b/books/x",
                                      "libraries/city/shelves/b/books/y"}));
  EXPECT_EQ(list({std::nullopt, {std::string("a")}}, {}).size(), 4u);
  const std::vector<std::string> all = list({std::nullopt, {std::nullopt}}, {});
  ASSERT_EQ(all.size(), 6u);
  // Keyset after a row: the key's values, library first.
  EXPECT_EQ(list({std::nullopt, {std::nullopt}}, {"city", "b", "x"}),
            std::vector<std::string>(all.begin() + 3, all.end()));
}

TEST_F(ResourceTableTest, ReferenceWalksFindAndRepointColumnsAndRepeatedValues) {
  const ResourceTable& books = allies::testing::BooksTable();
  MakeShelf("city", "s");
  MakeShelf("village", "s");
  const std::string author = "libraries/city/contacts/ivanova";
  MakeBook({"city", "b1", {"s"}}, author);
  MakeBook({"city", "b2", {"s"}}, author);
  MakeBook({"city", "b3", {"s"}}, "libraries/city/contacts/other");
  std::vector<ResourceKey> holding;
  Tx([&](Session& s) -> absl::Status {
    auto keys = books.Holding(s, std::string("city"), "author", author, Lock::kNone);
    if (!keys.ok()) return keys.status();
    holding = *keys;
    return absl::OkStatus();
  });
  EXPECT_EQ(holding, (std::vector<ResourceKey>{{"city", "b1", {"s"}}, {"city", "b2", {"s"}}}));
  Tx([&](Session& s) -> absl::Status {
    auto keys =
        books.Replace(s, std::string("city"), "author", author, "libraries/city/contacts/petrova");
    if (!keys.ok()) return keys.status();
    EXPECT_EQ(keys->size(), 2u);
    return absl::OkStatus();
  });
  EXPECT_EQ(Get<Book>(books, {"city", "b2", {"s"}}).author(), "libraries/city/contacts/petrova");

  // Repeated values: a row that already holds the new value keeps one.
  const ResourceTable& agreements = AgreementsTable();
  auto agreement = [&](const std::string& id, std::vector<std::string> signatories) {
    v1::Agreement a;
    a.set_partner("libraries/city/partners/p");
    a.set_number(id);
    a.set_title("Соглашение");
    for (auto& s : signatories) a.add_signatories(s);
    ASSERT_TRUE(Insert(agreements, {"city", id}, a).ok());
  };
  agreement("a1", {"libraries/city/contacts/x", "libraries/city/contacts/y"});
  agreement("a2", {"libraries/city/contacts/x"});
  Tx([&](Session& s) -> absl::Status {
    auto keys = agreements.Replace(s, std::nullopt, "signatories", "libraries/city/contacts/x",
                                   "libraries/city/contacts/y");
    if (!keys.ok()) return keys.status();
    EXPECT_EQ(keys->size(), 2u);
    return absl::OkStatus();
  });
  const auto a1 = Get<v1::Agreement>(agreements, {"city", "a1"});
  EXPECT_EQ(std::vector<std::string>(a1.signatories().begin(), a1.signatories().end()),
            std::vector<std::string>{"libraries/city/contacts/y"});
  const auto a2 = Get<v1::Agreement>(agreements, {"city", "a2"});
  EXPECT_EQ(std::vector<std::string>(a2.signatories().begin(), a2.signatories().end()),
            std::vector<std::string>{"libraries/city/contacts/y"});
}

TEST_F(ResourceTableTest, ChildrenStatesSoftDeletesAndUniqueLookups) {
  const ResourceTable& books = allies::testing::BooksTable();
  MakeShelf("city", "s");
  MakeShelf("city", "t");
  for (const char* id : {"b1", "b2", "b3"}) MakeBook({"city", id, {"s"}});
  MakeBook({"city", "b1", {"t"}});
  Tx([&](Session& s) -> absl::Status {
    auto children = books.LiveChildren(s, {"city", "s"}, 0);
    if (!children.ok()) return children.status();
    EXPECT_EQ(children->size(), 3u);
    auto deleted = books.SoftDelete(s, {"city", "b2", {"s"}}, absl::Now());
    EXPECT_TRUE(deleted.ok() && *deleted);
    deleted = books.SoftDelete(s, {"city", "b2", {"s"}}, absl::Now());
    EXPECT_TRUE(deleted.ok() && !*deleted) << "already deleted";
    children = books.LiveChildren(s, {"city", "s"}, 1);
    if (!children.ok()) return children.status();
    EXPECT_EQ(*children, (std::vector<ResourceKey>{{"city", "b1", {"s"}}}));
    auto state = books.State(s, {"city", "b2", {"s"}}, Lock::kShare);
    EXPECT_EQ(*state, ResourceTable::RowState::kDeleted);
    state = books.State(s, {"city", "b9", {"s"}}, Lock::kNone);
    EXPECT_EQ(*state, ResourceTable::RowState::kMissing);
    // Another row with the same title, not the one asked about.
    auto holder = books.FindByField(s, "city", "title", "Книга", {"city", "b1", {"s"}});
    if (!holder.ok()) return holder.status();
    EXPECT_TRUE(holder->has_value());
    EXPECT_FALSE(**holder == ResourceKey("city", "b1", {"s"}));
    return absl::OkStatus();
  });
  ResourceTable::Row row;
  const Book deleted = Get<Book>(books, {"city", "b2", {"s"}}, &row);
  EXPECT_TRUE(deleted.has_delete_time());
  EXPECT_EQ(row.revision, 2);
}

TEST_F(ResourceTableTest, ExtraColumnsAreWrittenAndReadButNotShown) {
  v1::ApiKey key;
  key.set_display_name("Ключ");
  key.set_role(v1::ApiKey::METHODIST);
  key.set_library("libraries/city");
  ASSERT_TRUE(RunInTransaction(*pool_, [&](Session& s) {
                ResourceTable::Row row;
                row.key = {"", "k1"};
                row.extra = {std::string(32, '\x7f')};
                return ApiKeysTable().Insert(s, row, Stamped(key));
              }).ok());
  ResourceTable::Row row;
  const auto got = Get<v1::ApiKey>(ApiKeysTable(), {"", "k1"}, &row);
  EXPECT_EQ(got.library(), "libraries/city");
  ASSERT_EQ(row.extra.size(), 1u);
  EXPECT_EQ(std::get<std::string>(row.extra[0]), std::string(32, '\x7f'));
  EXPECT_EQ(TestDatabase::Shared().Sql("SELECT library_id FROM api_keys", db_.database), "city\n")
      << "a name kept as its id";
}

TEST(ResourceTableRegistryTest, EveryTableIsRegisteredOnce) {
  allies::testing::NotesTable();
  EXPECT_EQ(TableOfCollection("partners"), &PartnersTable());
  EXPECT_EQ(TableOfCollection("shelves/books"), &allies::testing::BooksTable());
  EXPECT_EQ(TableOfName("libraries/x/shelves/s/books/b/notes/n"), &allies::testing::NotesTable());
  EXPECT_EQ(TableOfName("libraries/x"), &LibrariesTable());
  EXPECT_EQ(TableOfName("apiKeys/k"), &ApiKeysTable());
  EXPECT_EQ(TableOfName("libraries/x/nothing/y"), nullptr);
  EXPECT_EQ(ChildrenOf(allies::testing::ShelvesTable()),
            std::vector<const ResourceTable*>{&allies::testing::BooksTable()});
  EXPECT_TRUE(ChildrenOf(PartnersTable()).empty());
  std::set<std::string> paths;
  for (const ResourceTable* t : Tables()) {
    EXPECT_TRUE(paths.insert(t->collection_path()).second) << t->collection_path();
  }
  EXPECT_GE(paths.size(), 9u);
}

TEST(ResourceTableDeathTest, DeclarationsThatCannotWorkFailAtStartUp) {
  Tables();  // the built-in tables are declared
  EXPECT_DEATH(ResourceTable("t", "partners", v1::Agreement::descriptor(), {Field("title")}),
               "two tables declare the collection partners");
  EXPECT_DEATH(ResourceTable("t", "things", v1::Agreement::descriptor(), {Field("colour")}),
               "no such field");
  EXPECT_DEATH(ResourceTable("t", "things", v1::Agreement::descriptor(),
                             {Field("renewal_months").References("partners")}),
               "References needs a string field");
  TableOptions nested;
  nested.parent = &PartnersTable();  // declares no child_column
  EXPECT_DEATH(ResourceTable("t", "things", v1::Agreement::descriptor(), {Field("title")}, nested),
               "declares no child_column");
}

}  // namespace
}  // namespace allies::storage
