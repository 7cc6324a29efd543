// The shared machinery at every depth, through a test-only API of three nested collections
// (tests/proto/allies/test/v1/shelves.proto):
//   libraries/{library}/shelves/{shelf}/books/{book}/notes/{note}
// Its service (tests/support/shelves.cc) is what a new nested resource writes: three table
// declarations, three ResourceRules with nothing but the mutable fields, and one line per
// method. Everything else
// (names at depth, "-" in parents, filters, ordering, keyset pages, etags, request ids, scope,
// activity entries, live parents, deletes with children, declared references, merge and
// erasure) comes from the machinery.
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "allies/test/v1/shelves.grpc.pb.h"
#include "allies/v1/api_key.grpc.pb.h"
#include "allies/v1/contact.grpc.pb.h"
#include "tests/support/fixtures.h"
#include "tests/support/rpc_errors.h"
#include "tests/support/shelves.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace allies {
namespace {

using allies::testing::CallByName;
using allies::testing::Reason;
using allies::testing::TestDatabase;
using allies::testing::TestServer;
using test::v1::Book;
using test::v1::Note;
using test::v1::Shelf;
namespace tv1 = test::v1;
using Stub = tv1::ShelfService::Stub;

// --- The tests ----------------------------------------------------------------------------------

class NestedResourcesTest : public allies::testing::ServiceTest {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Shared().FreshSchema();
    TestDatabase::Shared().Sql(allies::testing::kShelfTablesSql, db_.database);
    allies::testing::NotesTable();  // declared (and registered) before the server serves them
    server_ = std::make_unique<TestServer>(
        db_, std::vector<server::ServiceRegistration>{allies::testing::ShelfServiceRegistration()});
    auto channel = server_->channel();
    libraries_ = v1::LibraryService::NewStub(channel);
    contacts_ = v1::ContactService::NewStub(channel);
    activities_ = v1::ActivityLogService::NewStub(channel);
    shelves_ = tv1::ShelfService::NewStub(channel);
    // The network: oblast -> city, oblast -> village.
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "oblast").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "city", "libraries/oblast").ok());
    ASSERT_TRUE(allies::testing::CreateLibrary(*libraries_, "village", "libraries/oblast").ok());
  }

  grpc::Status CreateShelf(const std::string& library, const std::string& id, Shelf* out,
                           const std::string& display_name = "Полка ёлочных игрушек") {
    tv1::CreateShelfRequest r;
    r.set_parent("libraries/" + library);
    r.set_shelf_id(id);
    r.mutable_shelf()->set_display_name(display_name);
    r.mutable_shelf()->set_kind(Shelf::OPEN);
    r.mutable_shelf()->add_tags("детская");
    grpc::ClientContext c;
    return shelves_->CreateShelf(&c, r, out);
  }
  grpc::Status CreateBook(const std::string& shelf, const std::string& id, const Book& book,
                          Book* out, const std::string& request_id = "") {
    tv1::CreateBookRequest r;
    r.set_parent(shelf);
    r.set_book_id(id);
    *r.mutable_book() = book;
    r.set_request_id(request_id);
    grpc::ClientContext c;
    return shelves_->CreateBook(&c, r, out);
  }
  static Book ABook(const std::string& title, int pages, double rating) {
    Book b;
    b.set_title(title);
    b.set_pages(pages);
    b.set_rating(rating);
    b.mutable_published()->set_year(2020 + pages % 5);
    b.mutable_published()->set_month(1 + pages % 12);
    b.mutable_published()->set_day(1 + pages % 28);
    b.add_keywords("сказки");
    if (pages % 2 == 0) b.add_keywords("ёлка");
    return b;
  }
  grpc::Status CreateNote(const std::string& book, const std::string& id, const std::string& text,
                          int page, Note* out, const std::string& request_id = "") {
    tv1::CreateNoteRequest r;
    r.set_parent(book);
    r.set_note_id(id);
    r.mutable_note()->set_text(text);
    r.mutable_note()->set_page(page);
    r.mutable_note()->mutable_written_time()->set_seconds(1790000000 + page);
    r.set_request_id(request_id);
    grpc::ClientContext c;
    return shelves_->CreateNote(&c, r, out);
  }
  // Every name a List returns, following pages of two.
  template <typename Request, typename Response, typename Items>
  std::vector<std::string> AllNames(grpc::Status (Stub::*list)(grpc::ClientContext*, const Request&,
                                                               Response*),
                                    Items (Response::*items)() const, Request request,
                                    grpc::Status* error = nullptr) {
    request.set_page_size(2);
    std::vector<std::string> names;
    do {
      Response page;
      grpc::ClientContext c;
      grpc::Status status = ((*shelves_).*list)(&c, request, &page);
      if (error != nullptr) *error = status;
      if (!status.ok()) {
        if (error == nullptr) ADD_FAILURE() << status.error_message();
        break;
      }
      for (const auto& item : (page.*items)()) names.push_back(item.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }
  std::vector<std::string> Books(const std::string& parent, const std::string& filter = "",
                                 const std::string& order_by = "", bool show_deleted = false) {
    tv1::ListBooksRequest r;
    r.set_parent(parent);
    r.set_filter(filter);
    r.set_order_by(order_by);
    r.set_show_deleted(show_deleted);
    return AllNames(&Stub::ListBooks, &tv1::ListBooksResponse::books, r);
  }
  std::vector<std::string> Notes(const std::string& parent, const std::string& filter = "",
                                 const std::string& order_by = "", bool show_deleted = false) {
    tv1::ListNotesRequest r;
    r.set_parent(parent);
    r.set_filter(filter);
    r.set_order_by(order_by);
    r.set_show_deleted(show_deleted);
    return AllNames(&Stub::ListNotes, &tv1::ListNotesResponse::notes, r);
  }

  std::unique_ptr<tv1::ShelfService::Stub> shelves_;
};

TEST_F(NestedResourcesTest, CreateAndGetAtEveryDepth) {
  Shelf shelf;
  ASSERT_TRUE(CreateShelf("city", "s1", &shelf).ok());
  EXPECT_EQ(shelf.name(), "libraries/city/shelves/s1");
  Book book;
  Book in = ABook("Сказки о ёлке «Зимние»", 120, 4.25);
  in.set_annotation(std::string(999, 'x') + "ё");
  ASSERT_TRUE(CreateBook(shelf.name(), "b1", in, &book).ok());
  EXPECT_EQ(book.name(), "libraries/city/shelves/s1/books/b1");
  Note note;
  ASSERT_TRUE(CreateNote(book.name(), "", "Заметка на полях", 7, &note).ok());
  EXPECT_EQ(note.name().rfind("libraries/city/shelves/s1/books/b1/notes/", 0), 0u) << note.name();
  EXPECT_FALSE(note.etag().empty());

  Book got;
  ASSERT_TRUE(CallByName(*shelves_, &Stub::GetBook, book.name(), &got).ok());
  EXPECT_EQ(got.title(), "Сказки о ёлке «Зимние»");
  EXPECT_DOUBLE_EQ(got.rating(), 4.25);
  EXPECT_EQ(got.published().year(), 2020);
  EXPECT_EQ(std::vector<std::string>(got.keywords().begin(), got.keywords().end()),
            (std::vector<std::string>{"сказки", "ёлка"}));
  EXPECT_EQ(got.annotation(), in.annotation());
  EXPECT_EQ(got.etag(), book.etag());
  Note got_note;
  ASSERT_TRUE(CallByName(*shelves_, &Stub::GetNote, note.name(), &got_note).ok());
  EXPECT_EQ(got_note.text(), "Заметка на полях");
  EXPECT_EQ(got_note.written_time().seconds(), 1790000007);

  // Ids are unique within their parent: the same ids under another shelf and book.
  Shelf s2;
  Book b2;
  Note n2;
  ASSERT_TRUE(CreateShelf("city", "s2", &s2).ok());
  ASSERT_TRUE(CreateBook(s2.name(), "b1", ABook("Другая", 10, 1), &b2).ok());
  ASSERT_TRUE(
      CreateNote(b2.name(), note.name().substr(note.name().rfind('/') + 1), "Другая", 1, &n2).ok());
  ASSERT_TRUE(CallByName(*shelves_, &Stub::GetBook, book.name(), &got).ok());
  EXPECT_EQ(got.title(), "Сказки о ёлке «Зимние»") << "the other shelf's b1 is its own";
  // But not twice under one parent.
  Book dup;
  EXPECT_EQ(CreateBook(shelf.name(), "b1", ABook("Дубль", 1, 1), &dup).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // Malformed names at every depth.
  for (const char* bad :
       {"libraries/city/shelves/s1/books", "libraries/city/books/b1",
        "libraries/city/shelves/S1/books/b1", "libraries/city/shelves/s1/books/b1/notes/n1/x"}) {
    EXPECT_EQ(CallByName(*shelves_, &Stub::GetBook, bad, &got).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT)
        << bad;
  }
  EXPECT_EQ(CallByName(*shelves_, &Stub::GetNote, "libraries/city/shelves/s1/books/b1/notes/zz",
                       &got_note)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(NestedResourcesTest, ListsTakeAParentAtAnyLevelAndDashAtAnyLevel) {
  Shelf a, b, v;
  ASSERT_TRUE(CreateShelf("city", "a", &a).ok());
  ASSERT_TRUE(CreateShelf("city", "b", &b).ok());
  ASSERT_TRUE(CreateShelf("village", "a", &v).ok());
  std::map<std::string, std::vector<std::string>> books;
  int pages = 0;
  for (const Shelf* s : {&a, &b, &v}) {
    for (const char* id : {"x", "y", "z"}) {
      Book out;
      ++pages;
      // pages: 11, 20, 31, 40, ... (every other one even); rating 0.5, 1.0, ...
      ASSERT_TRUE(
          CreateBook(s->name(), id,
                     ABook(absl::StrCat("Книга ", pages), pages * 10 + pages % 2, pages * 0.5),
                     &out)
              .ok());
      books[s->name()].push_back(out.name());
      Note note;
      ASSERT_TRUE(CreateNote(out.name(), "n", "Заметка", pages, &note).ok());
    }
  }
  EXPECT_EQ(Books(a.name()), books[a.name()]);
  EXPECT_EQ(Books("libraries/city/shelves/-").size(), 6u);
  EXPECT_EQ(Books("libraries/-/shelves/-").size(), 9u);
  // "-" for the library, a shelf id given: both libraries' shelf "a".
  std::vector<std::string> both_a = Books("libraries/-/shelves/a");
  EXPECT_EQ(std::set<std::string>(both_a.begin(), both_a.end()),
            (std::set<std::string>{books[a.name()][0], books[a.name()][1], books[a.name()][2],
                                   books[v.name()][0], books[v.name()][1], books[v.name()][2]}));
  EXPECT_EQ(Notes("libraries/-/shelves/-/books/-").size(), 9u);
  EXPECT_EQ(Notes("libraries/city/shelves/-/books/y").size(), 2u);
  EXPECT_EQ(Notes(books[b.name()][2]).size(), 1u);

  // Filters and ordering on every kind of field, paged exactly.
  EXPECT_EQ(Books("libraries/-/shelves/-", "rating >= 2.5 AND pages < 90", "rating desc"),
            (std::vector<std::string>{books[v.name()][1], books[v.name()][0], books[b.name()][2],
                                      books[b.name()][1]}));
  EXPECT_EQ(Books("libraries/city/shelves/-", "keywords: \"ёлка\"", "pages").size(), 3u);
  EXPECT_EQ(Books("libraries/-/shelves/-", "published >= \"2023-01-01\"", "published desc").size(),
            Books("libraries/-/shelves/-", "published > \"2022-12-31\"").size());
  const std::vector<std::string> by_page = Notes("libraries/-/shelves/-/books/-", "", "page desc");
  ASSERT_EQ(by_page.size(), 9u);
  EXPECT_EQ(by_page.front(), books[v.name()][2] + "/notes/n");
  // Written at 2026-09-21T14:13:20Z plus the page in seconds.
  EXPECT_EQ(
      Notes("libraries/-/shelves/-/books/-", "written_time < \"2026-09-21T14:13:24Z\"").size(), 3u);

  // A bad parent is INVALID_ARGUMENT, a page token is bound to its parent.
  tv1::ListBooksRequest bad;
  bad.set_parent("libraries/city/shelves");
  grpc::Status error;
  AllNames(&Stub::ListBooks, &tv1::ListBooksResponse::books, bad, &error);
  EXPECT_EQ(error.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  tv1::ListBooksRequest first;
  first.set_parent("libraries/-/shelves/-");
  first.set_page_size(2);
  tv1::ListBooksResponse page;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(shelves_->ListBooks(&c, first, &page).ok());
  }
  first.set_parent("libraries/city/shelves/-");
  first.set_page_token(page.next_page_token());
  grpc::ClientContext c;
  EXPECT_EQ(shelves_->ListBooks(&c, first, &page).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(NestedResourcesTest, ParentsMustExistAndLive) {
  Book out;
  EXPECT_EQ(
      CreateBook("libraries/city/shelves/missing", "", ABook("Нет полки", 1, 1), &out).error_code(),
      grpc::StatusCode::NOT_FOUND);
  Note note;
  EXPECT_EQ(CreateNote("libraries/city/shelves/missing/books/x", "", "Нет", 1, &note).error_code(),
            grpc::StatusCode::NOT_FOUND);
  Shelf shelf;
  ASSERT_TRUE(CreateShelf("city", "s", &shelf).ok());
  Book book;
  ASSERT_TRUE(CreateBook(shelf.name(), "b", ABook("Книга", 1, 1), &book).ok());
  ASSERT_TRUE(CallByName(*shelves_, &Stub::DeleteBook, book.name(), &book).ok());
  grpc::Status under_deleted = CreateNote(book.name(), "", "Поздно", 1, &note);
  EXPECT_EQ(under_deleted.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(under_deleted), "PARENT_DELETED");
  // A deleted library refuses them too, at any depth.
  Shelf village;
  Book village_book;
  ASSERT_TRUE(CreateShelf("village", "s", &village).ok());
  ASSERT_TRUE(CreateBook(village.name(), "b", ABook("Книга", 1, 1), &village_book).ok());
  v1::Library deleted;
  ASSERT_TRUE(CallByName(*libraries_, &v1::LibraryService::Stub::DeleteLibrary, "libraries/village",
                         &deleted)
                  .ok());
  EXPECT_EQ(Reason(CreateNote(village_book.name(), "", "Поздно", 1, &note)), "PARENT_DELETED");
  // Undelete needs a live parent as well.
  ASSERT_TRUE(CreateBook(shelf.name(), "b2", ABook("Вторая", 2, 2), &book).ok());
  ASSERT_TRUE(CreateNote(book.name(), "n", "Заметка", 1, &note).ok());
  ASSERT_TRUE(CallByName(*shelves_, &Stub::DeleteNote, note.name(), &note).ok());
  ASSERT_TRUE(CallByName(*shelves_, &Stub::DeleteBook, book.name(), &book).ok());
  EXPECT_EQ(Reason(CallByName(*shelves_, &Stub::UndeleteNote, note.name(), &note)),
            "PARENT_DELETED");
  ASSERT_TRUE(CallByName(*shelves_, &Stub::UndeleteBook, book.name(), &book).ok());
  EXPECT_TRUE(CallByName(*shelves_, &Stub::UndeleteNote, note.name(), &note).ok());
}

TEST_F(NestedResourcesTest, DeleteWithLiveChildrenNeedsForceWhichDeletesTheSubtree) {
  Shelf shelf;
  ASSERT_TRUE(CreateShelf("city", "s", &shelf).ok());
  std::vector<std::string> books, notes;
  for (const char* id : {"b1", "b2"}) {
    Book book;
    ASSERT_TRUE(CreateBook(shelf.name(), id, ABook(id, 1, 1), &book).ok());
    books.push_back(book.name());
    for (const char* n : {"n1", "n2"}) {
      Note note;
      ASSERT_TRUE(CreateNote(book.name(), n, "Заметка", 1, &note).ok());
      notes.push_back(note.name());
    }
  }
  // An already deleted note stays as it was.
  Note gone;
  ASSERT_TRUE(CallByName(*shelves_, &Stub::DeleteNote, notes[3], &gone).ok());

  Shelf out;
  grpc::Status refused = CallByName(*shelves_, &Stub::DeleteShelf, shelf.name(), &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Reason(refused), "RESOURCE_HAS_CHILDREN");
  Book book_out;
  EXPECT_EQ(Reason(CallByName(*shelves_, &Stub::DeleteBook, books[0], &book_out)),
            "RESOURCE_HAS_CHILDREN");

  tv1::DeleteShelfRequest force;
  force.set_name(shelf.name());
  force.set_force(true);
  {
    grpc::ClientContext c;
    ASSERT_TRUE(shelves_->DeleteShelf(&c, force, &out).ok());
  }
  EXPECT_TRUE(out.has_delete_time());
  EXPECT_TRUE(Books("libraries/city/shelves/-").empty());
  EXPECT_TRUE(Notes("libraries/city/shelves/-/books/-").empty());
  EXPECT_EQ(Notes("libraries/city/shelves/-/books/-", "", "", true).size(), 4u);
  for (const auto& name : books) EXPECT_EQ(SystemVerbs(name).back(), "DELETE") << name;
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(SystemVerbs(notes[i]).back(), "DELETE") << notes[i];
  EXPECT_EQ(SystemVerbs(notes[3]), (std::vector<std::string>{"CREATE", "DELETE"}))
      << "deleted once, before";

  // Undelete brings back the shelf alone; its children come back one by one.
  ASSERT_TRUE(CallByName(*shelves_, &Stub::UndeleteShelf, shelf.name(), &out).ok());
  EXPECT_TRUE(Books(shelf.name()).empty());
  ASSERT_TRUE(CallByName(*shelves_, &Stub::UndeleteBook, books[0], &book_out).ok());
  EXPECT_EQ(Books(shelf.name()), std::vector<std::string>{books[0]});
}

TEST_F(NestedResourcesTest, EtagsRequestIdsAndEntriesAtDepth) {
  Shelf shelf;
  ASSERT_TRUE(CreateShelf("city", "s", &shelf).ok());
  Book book;
  ASSERT_TRUE(CreateBook(shelf.name(), "b", ABook("Книга", 1, 1), &book).ok());
  Note first, again;
  ASSERT_TRUE(CreateNote(book.name(), "", "Раз", 1, &first, "note-req-1").ok());
  ASSERT_TRUE(CreateNote(book.name(), "", "Раз", 1, &again, "note-req-1").ok());
  EXPECT_EQ(again.name(), first.name()) << "a retry creates nothing";
  EXPECT_EQ(Reason(CreateNote(book.name(), "", "Два", 2, &again, "note-req-1")),
            "REQUEST_ID_REUSED");
  EXPECT_EQ(Notes(book.name()), std::vector<std::string>{first.name()});

  tv1::UpdateNoteRequest update;
  *update.mutable_note() = first;
  update.mutable_note()->set_text("Исправлено");
  update.mutable_update_mask()->add_paths("text");
  Note updated;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(shelves_->UpdateNote(&c, update, &updated).ok());
  }
  EXPECT_NE(updated.etag(), first.etag());
  {
    grpc::ClientContext c;  // the etag it sent is stale now
    EXPECT_EQ(shelves_->UpdateNote(&c, update, &updated).error_code(), grpc::StatusCode::ABORTED);
  }
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("name");
  {
    grpc::ClientContext c;
    EXPECT_EQ(shelves_->UpdateNote(&c, update, &updated).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  const auto entries = SystemEntries(first.name());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].verb(), "CREATE");
  EXPECT_EQ(entries[0].request_id(), "note-req-1");
  EXPECT_EQ(entries[1].verb(), "UPDATE");
  EXPECT_EQ(std::vector<std::string>(entries[1].changed_fields().begin(),
                                     entries[1].changed_fields().end()),
            std::vector<std::string>{"text"});
  EXPECT_EQ(entries[1].name().rfind("libraries/city/activities/", 0), 0u) << "the library's log";
}

TEST_F(NestedResourcesTest, ScopeAtEveryDepth) {
  Shelf mine, theirs;
  ASSERT_TRUE(CreateShelf("city", "s", &mine).ok());
  ASSERT_TRUE(CreateShelf("village", "s", &theirs).ok());
  Book my_book, their_book;
  ASSERT_TRUE(CreateBook(mine.name(), "b", ABook("Моя", 1, 1), &my_book).ok());
  ASSERT_TRUE(CreateBook(theirs.name(), "b", ABook("Чужая", 1, 1), &their_book).ok());
  Note my_note, their_note;
  ASSERT_TRUE(CreateNote(my_book.name(), "n", "Моя", 1, &my_note).ok());
  ASSERT_TRUE(CreateNote(their_book.name(), "n", "Чужая", 1, &their_note).ok());

  auto keys = v1::ApiKeyService::NewStub(server_->channel());
  v1::CreateApiKeyRequest key;
  key.mutable_api_key()->set_display_name("Библиотекарь города");
  key.mutable_api_key()->set_role(v1::ApiKey::LIBRARIAN);
  key.mutable_api_key()->set_library("libraries/city");
  v1::CreateApiKeyResponse created;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(keys->CreateApiKey(&c, key, &created).ok());
  }
  auto scoped = tv1::ShelfService::NewStub(server_->ChannelWithKey(created.key()));
  Note got;
  EXPECT_TRUE(CallByName(*scoped, &Stub::GetNote, my_note.name(), &got).ok());
  for (const std::string& name :
       {their_note.name(), std::string("libraries/village/shelves/s/books/b/notes/none")}) {
    EXPECT_EQ(CallByName(*scoped, &Stub::GetNote, name, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << name;
    EXPECT_EQ(CallByName(*scoped, &Stub::DeleteNote, name, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << name;
  }
  tv1::CreateNoteRequest create;
  create.set_parent(their_book.name());
  create.mutable_note()->set_text("Чужое");
  {
    grpc::ClientContext c;
    EXPECT_EQ(scoped->CreateNote(&c, create, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  tv1::ListNotesRequest all;
  all.set_parent("libraries/-/shelves/-/books/-");
  tv1::ListNotesResponse page;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(scoped->ListNotes(&c, all, &page).ok());
  }
  ASSERT_EQ(page.notes_size(), 1);
  EXPECT_EQ(page.notes(0).name(), my_note.name());
  all.set_parent("libraries/village/shelves/-/books/-");
  grpc::ClientContext c;
  EXPECT_EQ(scoped->ListNotes(&c, all, &page).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(NestedResourcesTest, DeclaredReferencesAreCheckedMergedAndErased) {
  auto contact = [&](const std::string& library, const std::string& id,
                     const std::string& family_name) {
    v1::CreateContactRequest r;
    r.set_parent("libraries/" + library);
    r.set_contact_id(id);
    r.mutable_contact()->set_family_name(family_name);
    r.mutable_contact()->set_given_name("Агния");
    v1::Contact out;
    grpc::ClientContext c;
    EXPECT_TRUE(contacts_->CreateContact(&c, r, &out).ok());
    return out.name();
  };
  const std::string author = contact("city", "barto", "Барто");
  const std::string twin = contact("city", "barto-2", "Бартова");
  const std::string far = contact("village", "far", "Далёкая");
  Shelf shelf;
  ASSERT_TRUE(CreateShelf("city", "s", &shelf).ok());
  Book book = ABook("Игрушки", 20, 5);
  Book out;
  book.set_author("libraries/city/contacts/nobody");
  EXPECT_EQ(Reason(CreateBook(shelf.name(), "", book, &out)), "REFERENCE_NOT_FOUND");
  book.set_author(far);
  EXPECT_EQ(Reason(CreateBook(shelf.name(), "", book, &out)), "CROSS_LIBRARY_REFERENCE");
  book.set_author("libraries/city/partners/x");
  EXPECT_EQ(CreateBook(shelf.name(), "", book, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  book.set_author(twin);
  book.set_annotation("Стихи Бартовой Агнии, читала Бартова");
  ASSERT_TRUE(CreateBook(shelf.name(), "toys", book, &out).ok());

  // A merge re-points the nested reference (a new revision and an UPDATE entry)...
  v1::MergeContactsRequest merge;
  merge.set_target(author);
  merge.add_sources(twin);
  v1::Contact merged;
  {
    grpc::ClientContext c;
    ASSERT_TRUE(contacts_->MergeContacts(&c, merge, &merged).ok());
  }
  Book got;
  ASSERT_TRUE(CallByName(*shelves_, &Stub::GetBook, out.name(), &got).ok());
  EXPECT_EQ(got.author(), author);
  EXPECT_NE(got.etag(), out.etag());
  EXPECT_EQ(SystemVerbs(out.name()), (std::vector<std::string>{"CREATE", "UPDATE"}));
  // ...and erasing the person scrubs the book's free text of every name she was known by,
  // the merged twin's too.
  v1::EraseContactRequest erase;
  erase.set_name(author);
  {
    grpc::ClientContext c;
    ASSERT_TRUE(contacts_->EraseContact(&c, erase, &merged).ok());
  }
  ASSERT_TRUE(CallByName(*shelves_, &Stub::GetBook, out.name(), &got).ok());
  EXPECT_EQ(got.annotation(), "Стихи [erased] [erased], читала [erased]");
  EXPECT_EQ(got.author(), author) << "the link stays";
}

}  // namespace
}  // namespace allies
