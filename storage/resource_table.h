// Generic storage for the resources that live under a library (partners, contacts, agreements,
// ...). A ResourceTable maps the fields of the resource's proto message to the columns of one
// table, by reflection, so a new resource declares its columns once and gets Get, List (filter,
// order, keyset pages, scope), Insert, Update and uniqueness lookups without writing SQL:
//   - scalar fields: one column each (strings, enums, bools, integers); google.protobuf.Timestamp
//     as DATETIME(6) and google.type.Date as DATE (NULL when unset); other messages (and
//     repeated messages) as JSON text;
//   - repeated strings and enums: rows of `resource_values`, in order, filterable with ":";
//   - computed fields: SQL that derives the value when read (an agreement's effective state, a
//     partner's last interaction), which filters and sorting see too.
// Every table has library_id, id, revision, create_time, update_time and delete_time; the message
// has name, etag, create_time, update_time and delete_time, which the table fills on read.
#ifndef ALLIES_STORAGE_RESOURCE_TABLE_H_
#define ALLIES_STORAGE_RESOURCE_TABLE_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/filter.h"
#include "api/names.h"
#include "storage/list_query.h"
#include "storage/session.h"

namespace allies::storage {

// A resource under a library: "libraries/{library_id}/{collection}/{id}".
struct ResourceKey {
  std::string library_id;
  std::string id;
};

// One field of the resource message and where it lives.
struct FieldColumn {
  FieldColumn(std::string field, std::string column, bool sortable = false,
              bool name_valued = false, bool null_if_empty = false, std::string read_sql = "")
      : field(std::move(field)),
        column(std::move(column)),
        sortable(sortable),
        name_valued(name_valued),
        null_if_empty(null_if_empty),
        read_sql(std::move(read_sql)) {}

  std::string field;  // the message's field
  // Its column. Empty for repeated scalars (kept in resource_values) and for computed fields.
  std::string column;
  bool sortable = false;
  // Holds resource names: filter values must be names, and an empty one is stored as NULL.
  bool name_valued = false;
  // An empty string is stored as NULL (so a unique key ignores it).
  bool null_if_empty = false;
  // SQL that is read (and filtered and sorted) instead of the column; "t" is the row. Alone, a
  // computed field that is never written.
  std::string read_sql;
};

struct ResourceListQuery {
  std::optional<std::string> library_id;  // none: every library (the window's scope applies)
  bool show_deleted = false;
  SqlClause condition;  // anything else the method adds (in terms of "t")
  ListWindow window;
};

class ResourceTable {
 public:
  // The row metadata that is not in the message.
  struct Row {
    ResourceKey key;
    int64_t revision = 1;
    // Fields computed over a column of their own (an auto-renewing agreement's end date, an
    // expired one's state), as Get read them: the value shown and the value stored. Update
    // writes the stored value back while the message still shows what was read and the row
    // still computes that value from it, so that saving a row does not move the anchor its
    // computed value derives from; otherwise it writes what the message shows.
    std::map<std::string, std::pair<SqlValue, SqlValue>> anchors;
  };

  ResourceTable(std::string table, std::string collection,
                const google::protobuf::Descriptor* message, std::vector<FieldColumn> fields);

  std::string Name(const ResourceKey& key) const;
  // The key of "libraries/{library}/{collection}/{id}", or INVALID_ARGUMENT on `field`.
  absl::StatusOr<ResourceKey> ParseName(absl::string_view name, absl::string_view field) const;
  // Every filterable field, for api::ParseList (messages stored as JSON are not filterable).
  const api::FilterSchema& schema() const { return schema_; }
  // Whether some field is computed when read (so what was written is not all a read shows).
  bool has_computed_fields() const { return has_computed_; }

  // The SQL of Get (arguments: library_id, id), also for the benchmark's raw-database path.
  const std::string& GetSql(Lock lock) const;
  // NOT_FOUND (reason RESOURCE_NOT_FOUND) when there is no such row, deleted or not.
  absl::Status Get(Session& session, const ResourceKey& key, Lock lock, Row* row,
                   google::protobuf::Message* out) const;
  // The rows found, in order; `add` gives the message each one is read into.
  absl::StatusOr<std::vector<Row>> List(
      Session& session, const ResourceListQuery& query,
      const std::function<google::protobuf::Message*()>& add) const;
  // The keyset of a row under `order`: one value per term, then library_id and id.
  std::vector<std::string> SortKey(const Row& row, const google::protobuf::Message& message,
                                   const std::vector<api::OrderTerm>& order) const;
  // ALREADY_EXISTS: reason RESOURCE_ALREADY_EXISTS when the key is taken (even by a deleted
  // row), reason DUPLICATE_VALUE when another unique key of the table is.
  absl::Status Insert(Session& session, const Row& row,
                      const google::protobuf::Message& message) const;
  // Writes every stored field, revision, the times and delete_time (errors as Insert).
  absl::Status Update(Session& session, const Row& row,
                      const google::protobuf::Message& message) const;
  // A new revision and update time for a row changed from outside its message (a reference in
  // a repeated field moved).
  absl::Status Touch(Session& session, const ResourceKey& key, absl::Time when) const;
  // The rows of this table whose repeated `field` holds `value`.
  absl::StatusOr<std::vector<ResourceKey>> HoldingValue(Session& session, absl::string_view field,
                                                        absl::string_view value) const;
  // In every row's repeated `field`, `from` becomes `to` (a row already holding `to` just loses
  // `from`). Returns the rows changed (not yet touched).
  absl::StatusOr<std::vector<ResourceKey>> ReplaceValue(Session& session, absl::string_view field,
                                                        absl::string_view from,
                                                        absl::string_view to) const;

  enum class RowState { kMissing, kLive, kDeleted };
  // Whether the row exists and is live (locked as asked).
  absl::StatusOr<RowState> State(Session& session, const ResourceKey& key, Lock lock) const;
  // A row of the library other than `except` whose stored `field` equals `value` (deleted or
  // not); its id, or nullopt.
  absl::StatusOr<std::optional<std::string>> FindByField(Session& session,
                                                         absl::string_view library_id,
                                                         absl::string_view field,
                                                         absl::string_view value,
                                                         absl::string_view except) const;

 private:
  const FieldColumn* Find(absl::string_view field) const;
  // Fills row->anchors from the stored columns after the select list's fields (inside
  // Session::Run).
  void ReadAnchors(sql::ResultSet& rs, const google::protobuf::Message& m, Row* row) const;
  // revision, create_time, update_time, delete_time, then every stored field: the values of
  // an Insert after the key, and of an Update before it.
  // With `kept`, a field computed over its own column that the message shows as read keeps
  // its stored value (Row::anchors), and its index is added to `kept`.
  std::vector<SqlValue> StoredValues(const Row& row, const google::protobuf::Message& m,
                                     std::vector<size_t>* kept) const;
  // Runs an INSERT or UPDATE of the row (a taken unique key is ALREADY_EXISTS) and its
  // resource_values.
  absl::Status Write(Session& session, const std::string& sql, const std::vector<SqlValue>& values,
                     const Row& row, const google::protobuf::Message& m, bool replace_values) const;
  // Rewrites the resource_values rows of the row's repeated scalar fields (inside Session::Run).
  absl::Status WriteValues(Session& session, const Row& row,
                           const google::protobuf::Message& message, bool replace) const;

  std::string table_;
  std::string collection_;
  const google::protobuf::Descriptor* message_;
  std::vector<FieldColumn> fields_;
  std::vector<const google::protobuf::FieldDescriptor*> descriptors_;  // parallel to fields_
  api::NamePattern pattern_;
  api::FilterSchema schema_;
  std::vector<ColumnSpec> columns_;
  std::string select_;  // "SELECT ... FROM <table> t"
  // Indexes (in fields_) of the fields computed over their own column; Get reads those columns
  // after the rest.
  std::vector<size_t> anchored_;
  // The repeated scalar fields, in declaration order (one select column reads them all).
  std::vector<const google::protobuf::FieldDescriptor*> value_fields_;
  bool has_computed_ = false;
  unsigned anchors_column_ = 0;  // the first of the anchored columns in the select list
  std::string get_sql_[3];       // select_ for one row, by Lock
  std::string state_sql_[3];     // whether a row is live, by Lock
  std::string touch_sql_;
  std::string insert_sql_;
  std::string update_sql_;
};

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_RESOURCE_TABLE_H_
