#include "tests/support/shelves.h"

#include "services/common/resource_methods.h"

namespace allies::testing {

using test::v1::Book;
using test::v1::Note;
using test::v1::Shelf;
namespace tv1 = test::v1;

const storage::ResourceTable& ShelvesTable() {
  static const auto* table = [] {
    storage::TableOptions options;
    options.child_column = "shelf_id";
    return new storage::ResourceTable("test_shelves", "shelves", Shelf::descriptor(),
                                      {
                                          storage::Field("display_name").Sortable(),
                                          storage::Field("kind").Sortable(),
                                          storage::Field("tags"),
                                      },
                                      options);
  }();
  return *table;
}

const storage::ResourceTable& BooksTable() {
  static const auto* table = [] {
    storage::TableOptions options;
    options.parent = &ShelvesTable();
    options.child_column = "book_id";
    return new storage::ResourceTable("test_books", "books", Book::descriptor(),
                                      {
                                          storage::Field("title").Sortable(),
                                          storage::Field("author").References("contacts"),
                                          storage::Field("pages").Sortable(),
                                          storage::Field("rating").Sortable(),
                                          storage::Field("published").Sortable(),
                                          storage::Field("keywords"),
                                          storage::Field("annotation").FreeText(1000),
                                      },
                                      options);
  }();
  return *table;
}

const storage::ResourceTable& NotesTable() {
  static const auto* table = [] {
    storage::TableOptions options;
    options.parent = &BooksTable();
    return new storage::ResourceTable("test_notes", "notes", Note::descriptor(),
                                      {
                                          storage::Field("text"),
                                          storage::Field("page").Sortable(),
                                          storage::Field("written_time").Sortable(),
                                      },
                                      options);
  }();
  return *table;
}

namespace {

template <typename M>
services::ResourceRules<M> Rules(const storage::ResourceTable& table, std::string field,
                                 std::vector<std::string> mutable_fields) {
  services::ResourceRules<M> rules;
  rules.table = &table;
  rules.field = std::move(field);
  rules.mutable_fields = std::move(mutable_fields);
  return rules;
}

class ShelfService final : public api::AsyncServiceHost<tv1::ShelfService::AsyncService> {
 public:
  explicit ShelfService(const server::ServiceDeps& deps)
      : AsyncServiceHost(deps.authenticator),
        shelves_(deps.pool,
                 Rules<Shelf>(ShelvesTable(), "shelf", {"display_name", "kind", "tags"})),
        books_(deps.pool, Rules<Book>(BooksTable(), "book",
                                      {"title", "author", "pages", "rating", "published",
                                       "keywords", "annotation"})),
        notes_(deps.pool, Rules<Note>(NotesTable(), "note", {"text", "page", "written_time"})) {
    using Async = tv1::ShelfService::AsyncService;
    using services::ListArgs;
    Unary(&Async::RequestGetShelf, [this](const api::Call& c, const auto& r, auto* o) {
      return shelves_.Get(c, r.name(), o);
    });
    Unary(&Async::RequestListShelves, [this](const api::Call& c, const auto& r, auto* o) {
      return shelves_.List(c, ListArgs::Of("ListShelves", r), o->mutable_shelves(),
                           o->mutable_next_page_token());
    });
    Unary(&Async::RequestCreateShelf, [this](const api::Call& c, const auto& r, auto* o) {
      return shelves_.Create(c, r.parent(), r.shelf(), r.shelf_id(), r.request_id(), r, o);
    });
    Unary(&Async::RequestUpdateShelf, [this](const api::Call& c, const auto& r, auto* o) {
      return shelves_.Update(c, r.shelf(), r.update_mask(), o);
    });
    Unary(&Async::RequestDeleteShelf, [this](const api::Call& c, const auto& r, auto* o) {
      return shelves_.Delete(c, r.name(), r.etag(), r.force(), o);
    });
    Unary(&Async::RequestUndeleteShelf, [this](const api::Call& c, const auto& r, auto* o) {
      return shelves_.Undelete(c, r.name(), r.etag(), r.request_id(), r, o);
    });
    Unary(&Async::RequestGetBook, [this](const api::Call& c, const auto& r, auto* o) {
      return books_.Get(c, r.name(), o);
    });
    Unary(&Async::RequestListBooks, [this](const api::Call& c, const auto& r, auto* o) {
      return books_.List(c, ListArgs::Of("ListBooks", r), o->mutable_books(),
                         o->mutable_next_page_token());
    });
    Unary(&Async::RequestCreateBook, [this](const api::Call& c, const auto& r, auto* o) {
      return books_.Create(c, r.parent(), r.book(), r.book_id(), r.request_id(), r, o);
    });
    Unary(&Async::RequestUpdateBook, [this](const api::Call& c, const auto& r, auto* o) {
      return books_.Update(c, r.book(), r.update_mask(), o);
    });
    Unary(&Async::RequestDeleteBook, [this](const api::Call& c, const auto& r, auto* o) {
      return books_.Delete(c, r.name(), r.etag(), r.force(), o);
    });
    Unary(&Async::RequestUndeleteBook, [this](const api::Call& c, const auto& r, auto* o) {
      return books_.Undelete(c, r.name(), r.etag(), r.request_id(), r, o);
    });
    Unary(&Async::RequestGetNote, [this](const api::Call& c, const auto& r, auto* o) {
      return notes_.Get(c, r.name(), o);
    });
    Unary(&Async::RequestListNotes, [this](const api::Call& c, const auto& r, auto* o) {
      return notes_.List(c, ListArgs::Of("ListNotes", r), o->mutable_notes(),
                         o->mutable_next_page_token());
    });
    Unary(&Async::RequestCreateNote, [this](const api::Call& c, const auto& r, auto* o) {
      return notes_.Create(c, r.parent(), r.note(), r.note_id(), r.request_id(), r, o);
    });
    Unary(&Async::RequestUpdateNote, [this](const api::Call& c, const auto& r, auto* o) {
      return notes_.Update(c, r.note(), r.update_mask(), o);
    });
    Unary(&Async::RequestDeleteNote, [this](const api::Call& c, const auto& r, auto* o) {
      return notes_.Delete(c, r.name(), r.etag(), r.force(), o);
    });
    Unary(&Async::RequestUndeleteNote, [this](const api::Call& c, const auto& r, auto* o) {
      return notes_.Undelete(c, r.name(), r.etag(), r.request_id(), r, o);
    });
  }

 private:
  services::ResourceMethods<Shelf> shelves_;
  services::ResourceMethods<Book> books_;
  services::ResourceMethods<Note> notes_;
};

}  // namespace

const char kShelfTablesSql[] = R"(
  CREATE TABLE test_shelves (
    library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    display_name VARCHAR(300) NOT NULL DEFAULT '',
    kind TINYINT UNSIGNED NOT NULL DEFAULT 0,
    revision BIGINT NOT NULL, create_time DATETIME(6) NOT NULL,
    update_time DATETIME(6) NOT NULL, delete_time DATETIME(6) NULL,
    PRIMARY KEY (library_id, id),
    CONSTRAINT test_shelves_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
  ) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
  CREATE TABLE test_books (
    library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    shelf_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title VARCHAR(300) NOT NULL DEFAULT '',
    author VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
    pages INT NOT NULL DEFAULT 0,
    rating DECIMAL(6, 2) NOT NULL DEFAULT 0,
    published DATE NULL,
    annotation VARCHAR(1000) NOT NULL DEFAULT '',
    revision BIGINT NOT NULL, create_time DATETIME(6) NOT NULL,
    update_time DATETIME(6) NOT NULL, delete_time DATETIME(6) NULL,
    PRIMARY KEY (library_id, shelf_id, id),
    KEY test_books_by_author (library_id, author),
    CONSTRAINT test_books_shelf_fk FOREIGN KEY (library_id, shelf_id)
      REFERENCES test_shelves (library_id, id)
  ) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
  CREATE TABLE test_notes (
    library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    shelf_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    book_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    text TEXT NOT NULL,
    page INT NOT NULL DEFAULT 0,
    written_time DATETIME(6) NULL,
    revision BIGINT NOT NULL, create_time DATETIME(6) NOT NULL,
    update_time DATETIME(6) NOT NULL, delete_time DATETIME(6) NULL,
    PRIMARY KEY (library_id, shelf_id, book_id, id),
    CONSTRAINT test_notes_book_fk FOREIGN KEY (library_id, shelf_id, book_id)
      REFERENCES test_books (library_id, shelf_id, id)
  ) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
)";

server::ServiceRegistration ShelfServiceRegistration() {
  return {tv1::ShelfService::service_full_name(),
          [](const server::ServiceDeps& deps) { return std::make_unique<ShelfService>(deps); }};
}

}  // namespace allies::testing
