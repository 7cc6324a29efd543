// Generic storage of resources: a ResourceTable maps the fields of a resource's proto message to
// the columns of one table, by reflection, so a new resource declares its table once and gets
// Get, List (filter, order, keyset pages, scope), Insert, Update, uniqueness lookups, reference
// walks and child lookups without writing SQL.
//
// Where a collection lives is declared:
//   - under a library (the default): "libraries/{library}/partners/{partner}", keyed by
//     (library_id, id);
//   - under another collection, at any depth (`parent`):
//     "libraries/{library}/projects/{project}/shifts/{shift}", keyed by
//     (library_id, project_id, id): library_id first, then each ancestor's id column;
//   - at the root of the API (`root`): "libraries/{library}", "apiKeys/{api_key}", keyed by id.
// How each field is stored is declared on it (Field(...) below):
//   - scalars: one column each (strings, enums, bools, integers); google.protobuf.Timestamp as
//     DATETIME(6), google.type.Date as DATE (NULL when unset); other messages (and repeated
//     messages) as JSON text;
//   - repeated strings and enums: rows of `resource_values` (owner: the row's key), in order,
//     filterable with ":"; or one column, joined (Joined);
//   - computed fields: SQL that derives the value when read, which filters and sorting see too.
// Fields also declare what they mean to the rest of the system: the collection a name-valued
// field references (checked on write, walked by "who refers to X", re-pointed by merges) and
// whether it holds personal data, of whom (walked by export and erasure).
// Every table has revision, create_time, update_time (and delete_time when soft-deleted); the
// message has name, etag and those times, which the table fills on read.
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
#include "allies/v1/options.pb.h"
#include "api/filter.h"
#include "api/names.h"
#include "storage/list_query.h"
#include "storage/session.h"

namespace allies::storage {

class ResourceTable;

// What a reference may name.
enum class Reach {
  kSameLibrary,  // a resource of the same library that exists and is live
  kAnyLibrary,   // a resource within the caller's reach that exists and is live
  kMention,      // any resource within the caller's reach (not checked for existence)
};

// What kind of personal data a field holds (152-FZ); see storage/people.h.
enum class Personal {
  kNone,
  kName,          // a part of the person's name: erased from free text in any declined form
  kContactPoint,  // an e-mail or phone: erased from free text however written
  kData,          // anything else about the person (position, notes, birth date)
};

// One field of the resource message and how it is stored. Declared with Field("name") and the
// modifiers below, e.g. Field("inn").Sortable().NullIfEmpty().
struct FieldColumn {
  explicit FieldColumn(std::string field_name);

  // Stored in a column of another name.
  FieldColumn Column(std::string name) const;
  // Lists may order by it.
  FieldColumn Sortable() const;
  // An empty string is stored as NULL (so a unique key ignores it).
  FieldColumn NullIfEmpty() const;
  // Holds resource names (filters take names; never checked).
  FieldColumn Names() const;
  // Holds names of resources of `collection` (its path under a library: "partners",
  // "projects/shifts"; "libraries" for a library; "*" for any resource: with kSameLibrary, one
  // of a known collection, live, of the row's library). Checked when written
  // (as `reach` says; kSameLibrary also stores NULL for an empty name), walked by
  // storage::references. A missing one is INVALID_ARGUMENT `<reason>_NOT_FOUND`, a deleted one
  // FAILED_PRECONDITION `<reason>_DELETED`.
  FieldColumn References(std::string collection, Reach reach = Reach::kSameLibrary,
                         std::string reason = "REFERENCE") const;
  // A time kept by the activity log: the latest live staff-recorded interaction relating the
  // resource (storage/activity_log.h); read, never written here.
  FieldColumn LatestInteraction() const;
  // While a live row refers through this (single, referencing) field to a resource and `sql`
  // (over the row "t") holds, that resource is deleted only with force: FAILED_PRECONDITION
  // `reason` (a partner with agreements in force).
  FieldColumn PreventsDeleteWhile(std::string sql, std::string reason) const;
  // A name kept as its id: the column holds what follows `prefix` ("libraries/").
  FieldColumn StoredAsId(std::string prefix) const;
  // Read (and filtered and sorted) from `sql` over the row "t" instead of the column. With a
  // column, the stored value is kept while a change leaves the computed one as read
  // (ResourceTable::Row::anchors).
  FieldColumn Computed(std::string sql) const;

  // A repeated string kept in one column, its values joined by `separator`.
  FieldColumn Joined(char separator) const;
  // Personal data of the person the row is (`of` empty) or of the person a reference field of
  // the row names (`of`: that field).
  FieldColumn PersonalData(Personal kind, std::string of = "") const;
  // Free text that may mention people (meeting notes): when a person the row refers to is
  // erased, their names and contact points in it become "[erased]" (cut to `max_chars`).
  FieldColumn FreeText(size_t max_chars) const;

  std::string field;   // the message's field
  std::string column;  // empty: repeated (resource_values) or computed only
  bool sortable = false;
  bool names = false;
  bool null_if_empty = false;
  bool maintained = false;  // a column kept by other writes: read, never written here
  std::string references;   // collection path, "*", or empty
  Reach reach = Reach::kSameLibrary;
  std::string reason;  // of reference errors
  bool latest_interaction = false;
  std::string prevents_delete_sql;  // PreventsDeleteWhile
  std::string prevents_delete_reason;
  std::string id_prefix;
  std::string read_sql;
  char joined = 0;
  Personal personal = Personal::kNone;
  std::string person_field;
  size_t free_text = 0;  // FreeText's limit; 0: not free text
};

inline FieldColumn Field(std::string name) { return FieldColumn(std::move(name)); }

// A resource's key: its library (a library's own id; "" for other root collections), the ids
// of the collections between the library and it, and its id.
struct ResourceKey {
  ResourceKey() = default;
  ResourceKey(std::string library, std::string own_id, std::vector<std::string> parent_ids = {})
      : library_id(std::move(library)), id(std::move(own_id)), parents(std::move(parent_ids)) {}

  std::string library_id;
  std::string id;
  std::vector<std::string> parents;
  bool operator==(const ResourceKey& o) const {
    return library_id == o.library_id && id == o.id && parents == o.parents;
  }
  // Its ids below the library joined by '/' ("p/s"): how rows about it name it within its
  // library (resource_values, person_aliases).
  std::string OwnerId() const;
};

// Where a collection lives and what its table holds besides the message.
struct TableOptions {
  // The collection it nests in (nullptr: directly under a library).
  const ResourceTable* parent = nullptr;
  // Named "<collection>/{id}" at the root of the API (libraries, API keys).
  bool root = false;
  // The column in which the collections nested in this one keep its id ("project_id").
  std::string child_column;
  // Rows are soft-deleted (delete_time); otherwise the table has no delete_time.
  bool soft_delete = true;
  // Root tables: the name-valued field that holds the library a row belongs to (API keys:
  // "library"); libraries belong to themselves.
  std::string scope_field;
  // Root tables: the reference field that names the resource containing a row (a library's
  // "parent"): created and brought back only while that one is live.
  std::string container_field;
  // Columns written on insert from Row::extra, never read into the message (a key's hash).
  std::vector<std::string> extra_columns;
  // Changes of its rows get a SYSTEM entry in the activity log (the log's own rows do not).
  bool logged = true;
  // The permission a caller's role must grant to read the rows at all (what its Get and List
  // rpcs declare): READ, MANAGE_KEYS for API keys. The change stream leaves out the changes of
  // rows a caller may not read.
  v1::Permission read_permission = v1::READ;
  // Need to know: the permission a caller's role must grant to see (and filter on) the row's
  // personal fields, and those of rows holding personal data of its people (a volunteer's
  // consents, qualifications). PERMISSION_UNSPECIFIED: whoever reads the row.
  v1::Permission need_to_know = v1::PERMISSION_UNSPECIFIED;
  // A column of the table that keeps a copy of the row's repeated values (resource_values), so
  // that reads need no subquery; written with them. Without it, reads use a subquery.
  std::string values_column;
};

// Which rows a List reads, from its parent ("libraries/-/projects/-/shifts": nullopt for "-").
struct ParentFilter {
  std::optional<std::string> library_id;
  std::vector<std::optional<std::string>> parents;  // one per ancestor collection
};

struct ResourceListQuery {
  ParentFilter parent;
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
    // Values of the table's extra columns (TableOptions::extra_columns): written by Insert,
    // read by Get.
    std::vector<SqlValue> extra;
  };

  // Declares (and registers) a table: `collection` is the last segment of its names.
  ResourceTable(std::string table, std::string collection,
                const google::protobuf::Descriptor* message, std::vector<FieldColumn> fields,
                TableOptions options = {});
  ~ResourceTable();
  ResourceTable(const ResourceTable&) = delete;
  ResourceTable& operator=(const ResourceTable&) = delete;

  const std::string& table() const { return table_; }
  // The collection's path under a library ("partners", "projects/shifts"), or its name for a
  // root collection ("libraries").
  const std::string& collection_path() const { return path_; }
  const ResourceTable* parent() const { return options_.parent; }
  bool root() const { return options_.root; }
  bool soft_delete() const { return options_.soft_delete; }
  const TableOptions& options() const { return options_; }
  const google::protobuf::Descriptor* message() const { return message_; }
  const std::vector<FieldColumn>& fields() const { return fields_; }
  const FieldColumn* Find(absl::string_view field) const;
  // Every filterable field, for api::ParseList (messages stored as JSON are not filterable).
  const api::FilterSchema& schema() const { return schema_; }
  // Whether some field is computed when read (so what was written is not all a read shows).
  bool has_computed_fields() const { return has_computed_; }

  std::string Name(const ResourceKey& key) const;
  // The key of one of this table's names, or INVALID_ARGUMENT on `field`.
  absl::StatusOr<ResourceKey> ParseName(absl::string_view name, absl::string_view field) const;
  // The name of what holds `key` directly: its library, or its parent resource ("" for a root).
  std::string ParentName(const ResourceKey& key) const;
  // The key of the parent resource of `key` (nested collections only).
  ResourceKey ParentKey(const ResourceKey& key) const;
  // A collection parent for Create ("libraries/{l}" or the parent resource's name): the key of
  // a new child, without its id.
  absl::StatusOr<ResourceKey> ParseCreateParent(absl::string_view parent,
                                                absl::string_view field) const;
  // A collection parent for List, where any id may be "-" (AIP-159).
  absl::StatusOr<ParentFilter> ParseListParent(absl::string_view parent,
                                               absl::string_view field) const;

  // The SQL of Get (arguments: the key's values), also for the benchmark's raw-database path.
  const std::string& GetSql(Lock lock) const;
  // The key's values in the order of the table's key columns.
  std::vector<SqlValue> KeyValues(const ResourceKey& key) const;
  // "library_id = ? AND ... AND id = ?" over the key columns, with `alias` ("t.") before each
  // (arguments: KeyValues).
  std::string KeyCondition(absl::string_view alias) const;
  // NOT_FOUND (reason RESOURCE_NOT_FOUND) when there is no such row, deleted or not.
  absl::Status Get(Session& session, const ResourceKey& key, Lock lock, Row* row,
                   google::protobuf::Message* out) const;
  // The rows found, in order; `add` gives the message each one is read into.
  absl::StatusOr<std::vector<Row>> List(
      Session& session, const ResourceListQuery& query,
      const std::function<google::protobuf::Message*()>& add) const;
  // The keyset of a row under `order`: one value per term, then the key's values.
  std::vector<std::string> SortKey(const Row& row, const google::protobuf::Message& message,
                                   const std::vector<api::OrderTerm>& order) const;
  // ALREADY_EXISTS: reason RESOURCE_ALREADY_EXISTS when the key is taken (even by a deleted
  // row), reason DUPLICATE_VALUE when another unique key of the table is.
  absl::Status Insert(Session& session, const Row& row,
                      const google::protobuf::Message& message) const;
  // Inserts many new rows (an import) with multi-row statements: the rows, then their repeated
  // values. Errors as Insert (naming the first row of the statement that failed).
  absl::Status InsertMany(Session& session, const std::vector<Row>& rows,
                          const std::vector<const google::protobuf::Message*>& messages) const;
  // Writes every stored field, revision, the times and delete_time (errors as Insert).
  absl::Status Update(Session& session, const Row& row,
                      const google::protobuf::Message& message) const;
  // A new revision and update time for a row changed from outside its message (a reference in
  // a repeated field moved).
  absl::Status Touch(Session& session, const ResourceKey& key, absl::Time when) const;
  // Soft-deletes a live row at `when` (a new revision) without reading it; false when it was
  // not live.
  absl::StatusOr<bool> SoftDelete(Session& session, const ResourceKey& key, absl::Time when) const;

  enum class RowState { kMissing, kLive, kDeleted };
  // Whether the row exists and is live (locked as asked).
  absl::StatusOr<RowState> State(Session& session, const ResourceKey& key, Lock lock) const;
  // A row of the library other than `except` whose stored `field` equals `value` (deleted or
  // not); its key, or nullopt.
  absl::StatusOr<std::optional<ResourceKey>> FindByField(Session& session,
                                                         absl::string_view library_id,
                                                         absl::string_view field,
                                                         absl::string_view value,
                                                         const ResourceKey& except) const;
  // The rows whose `field` (a column or a repeated field) holds `value`: in `library_id`, or in
  // every library when it is nullopt; deleted rows too; locked as asked. `where` (over the row
  // "t", columns only) narrows them.
  absl::StatusOr<std::vector<ResourceKey>> Holding(Session& session,
                                                   const std::optional<std::string>& library_id,
                                                   absl::string_view field, absl::string_view value,
                                                   Lock lock, const std::string& where = "") const;
  // The field the activity log keeps the latest interaction in (LatestInteraction), or nullptr.
  const FieldColumn* latest_interaction() const { return latest_interaction_; }
  // In every row of `library_id` (every library: nullopt) whose `field` holds `from`, `from`
  // becomes `to` (a repeated field already holding `to` just loses `from`). Returns the rows
  // changed (not yet touched).
  absl::StatusOr<std::vector<ResourceKey>> Replace(Session& session,
                                                   const std::optional<std::string>& library_id,
                                                   absl::string_view field, absl::string_view from,
                                                   absl::string_view to) const;
  // The live rows directly under the resource `parent` of the parent table (nested collections
  // only), locked FOR UPDATE; at most `limit` (0: all).
  absl::StatusOr<std::vector<ResourceKey>> LiveChildren(Session& session, const ResourceKey& parent,
                                                        int limit) const;

 private:
  struct Plan;  // how one field is read and written (computed once)
  // Fills row->anchors from the stored columns after the select list's fields (inside
  // Session::Run).
  void ReadAnchors(sql::ResultSet& rs, const google::protobuf::Message& m, Row* row) const;
  void ReadRow(sql::ResultSet& rs, Row* row, google::protobuf::Message* m) const;
  ResourceKey KeyFromRow(sql::ResultSet& rs, unsigned first) const;
  // revision, create_time, update_time[, delete_time], then every stored field: the values of
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
  void WriteValues(Session& session, const Row& row, const google::protobuf::Message& message,
                   bool replace) const;
  // The row's repeated values as the values column keeps them.
  std::string EncodeValues(const google::protobuf::Message& message) const;
  // The values column of `key` rebuilt from resource_values (after they moved).
  absl::Status RefreshValuesColumn(Session& session, const ResourceKey& key) const;
  // The SQL (over "t") of a row's ResourceKey::OwnerId.
  std::string OwnerSql() const;

  std::string table_;
  std::string collection_;
  std::string path_;
  const google::protobuf::Descriptor* message_;
  std::vector<FieldColumn> fields_;
  TableOptions options_;
  std::vector<Plan> plans_;  // parallel to fields_
  std::vector<std::string> key_columns_;
  api::NamePattern pattern_;
  std::optional<api::NamePattern> parent_pattern_;  // nested collections: the parent's names
  api::FilterSchema schema_;
  std::vector<ColumnSpec> columns_;
  std::string select_;                  // "SELECT ... FROM <table> t"
  std::string scope_column_;            // the library each row belongs to, for a List's scope
  std::string values_sql_;              // the subquery of a row's repeated values
  std::string key_select_;              // "t.library_id, ..., t.id": a row's key columns
  std::vector<std::string> key_order_;  // the same, one by one (a List's order ends with them)
  const FieldColumn* latest_interaction_ = nullptr;

  // Indexes (in fields_) of the fields computed over their own column; Get reads those columns
  // after the rest.
  std::vector<size_t> anchored_;
  // Indexes of the repeated fields kept in resource_values (one select column reads them all).
  std::vector<size_t> value_fields_;
  unsigned values_column_ = 0;
  unsigned anchors_column_ = 0;
  unsigned extra_column_ = 0;
  bool has_computed_ = false;
  const google::protobuf::FieldDescriptor* name_field_ = nullptr;
  const google::protobuf::FieldDescriptor* etag_field_ = nullptr;
  const google::protobuf::FieldDescriptor* create_time_field_ = nullptr;
  const google::protobuf::FieldDescriptor* update_time_field_ = nullptr;
  const google::protobuf::FieldDescriptor* delete_time_field_ = nullptr;
  std::string get_sql_[3];    // select_ for one row, by Lock
  std::string state_sql_[3];  // whether a row is live, by Lock
  std::string touch_sql_;
  std::string soft_delete_sql_;
  std::string refresh_values_sql_;  // the values column rebuilt from resource_values
  std::string insert_sql_;
  std::string insert_prefix_;  // "INSERT INTO t (columns) VALUES "
  std::string insert_row_;     // "(?, ..., ?)"
  std::string update_sql_;
};

// Every declared table (the built-in ones are declared on the first call; a table declared
// later, e.g. by a test, joins when it is constructed).
std::vector<const ResourceTable*> Tables();
// The table whose names `name` has the form of, or nullptr.
const ResourceTable* TableOfName(absl::string_view name);
// The table of a collection path ("partners", "projects/shifts", "libraries"), or nullptr.
const ResourceTable* TableOfCollection(absl::string_view path);
// The tables nested directly in `parent`.
std::vector<const ResourceTable*> ChildrenOf(const ResourceTable& parent);

}  // namespace allies::storage

#endif  // ALLIES_STORAGE_RESOURCE_TABLE_H_
