#include "storage/resource_table.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <type_traits>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/errors.h"
#include "api/etag.h"
#include "api/proto_time.h"
#include "google/type/date.pb.h"
#include "storage/scope.h"

namespace allies::storage {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Separates the values of a repeated field read back as one column (text fields reject
// control characters, so it never occurs in a value).
constexpr char kValueSeparator = '\x1f';
// Separates a field's name from its value where the values of every repeated field of a row are
// read as one column (one subquery per row instead of one per field: each costs the database
// about 40 us per Get, most of it spent before it reads a row).
constexpr char kFieldSeparator = '\x1e';
// Where unset dates and times sort (before every real one).
constexpr char kNoDateSortValue[] = "1000-01-01";
constexpr char kNoTimeSortValue[] = "1000-01-01 00:00:00";

enum class Codec { kString, kEnum, kBool, kInt32, kInt64, kTimestamp, kDate, kJson, kValues };

Codec CodecOf(const FieldDescriptor* f) {
  if (f->is_repeated() && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return Codec::kValues;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return Codec::kString;
    case FieldDescriptor::CPPTYPE_ENUM:
      return Codec::kEnum;
    case FieldDescriptor::CPPTYPE_BOOL:
      return Codec::kBool;
    case FieldDescriptor::CPPTYPE_INT32:
      return Codec::kInt32;
    case FieldDescriptor::CPPTYPE_INT64:
      return Codec::kInt64;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (f->is_repeated()) return Codec::kJson;
      if (f->message_type()->full_name() == "google.protobuf.Timestamp") return Codec::kTimestamp;
      if (f->message_type()->full_name() == "google.type.Date") return Codec::kDate;
      return Codec::kJson;
    default:
      return Codec::kString;  // not used by our messages; rejected in the constructor
  }
}

bool Supported(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
    case FieldDescriptor::CPPTYPE_ENUM:
      return true;
    case FieldDescriptor::CPPTYPE_BOOL:
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return !f->is_repeated() || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    default:
      return false;
  }
}

std::vector<std::pair<std::string, int>> EnumValues(const FieldDescriptor* f) {
  std::vector<std::pair<std::string, int>> values;
  const auto* e = f->enum_type();
  for (int i = 0; i < e->value_count(); ++i) {
    if (e->value(i)->number() == 0) continue;
    values.emplace_back(e->value(i)->name(), e->value(i)->number());
  }
  return values;
}

const FieldDescriptor* Standard(const Message& m, const char* name) {
  return m.GetDescriptor()->FindFieldByName(name);
}

void SetTime(Message* m, const char* field, std::optional<absl::Time> t) {
  const FieldDescriptor* f = Standard(*m, field);
  if (f == nullptr) return;
  if (!t) {
    m->GetReflection()->ClearField(m, f);
    return;
  }
  auto* ts = dynamic_cast<google::protobuf::Timestamp*>(m->GetReflection()->MutableMessage(m, f));
  if (ts != nullptr) api::ToTimestamp(*t, ts);
}

std::optional<absl::Time> GetTimeField(const Message& m, const FieldDescriptor* f) {
  if (f == nullptr || !m.GetReflection()->HasField(m, f)) return std::nullopt;
  const auto* ts =
      dynamic_cast<const google::protobuf::Timestamp*>(&m.GetReflection()->GetMessage(m, f));
  if (ts == nullptr) return std::nullopt;
  return api::FromTimestamp(*ts);
}

std::optional<absl::Time> GetTimeField(const Message& m, const char* field) {
  return GetTimeField(m, Standard(m, field));
}

std::string ToJson(const Message& m, const FieldDescriptor* f) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  const Reflection* r = m.GetReflection();
  if (!f->is_repeated()) {
    if (!r->HasField(m, f)) return "";
    std::string out;
    (void)google::protobuf::util::MessageToJsonString(r->GetMessage(m, f), &out, options);
    return out;
  }
  if (r->FieldSize(m, f) == 0) return "";
  std::vector<std::string> parts;
  for (int i = 0; i < r->FieldSize(m, f); ++i) {
    std::string part;
    (void)google::protobuf::util::MessageToJsonString(r->GetRepeatedMessage(m, f, i), &part,
                                                      options);
    parts.push_back(std::move(part));
  }
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

void FromJson(const std::string& text, const FieldDescriptor* f, Message* m) {
  if (text.empty()) return;
  // Parsed as {"field": text} into a fresh message, then swapped in: one path for singular and
  // repeated fields.
  std::unique_ptr<Message> wrapper(m->New());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(
      absl::StrCat("{\"", f->name(), "\":", text, "}"), wrapper.get(), options);
  if (!status.ok()) return;
  m->GetReflection()->SwapFields(wrapper.get(), m, {f});
}

std::string EscapeSqlLiteral(absl::string_view text) {
  // Only our own identifiers (collection and field names) go through here.
  std::string out;
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

ResourceTable::ResourceTable(std::string table, std::string collection, const Descriptor* message,
                             std::vector<FieldColumn> fields)
    : table_(std::move(table)),
      collection_(std::move(collection)),
      message_(message),
      fields_(std::move(fields)),
      pattern_(absl::StrCat("libraries/{library}/", collection_, "/{id}")) {
  const std::string name_sql =
      absl::StrCat("CONCAT('libraries/', t.library_id, '/", collection_, "/', t.id)");
  schema_.push_back({"name", api::FieldKind::kName, false, true, {}});
  columns_.push_back({"name", name_sql, "", "", ""});

  std::vector<std::string> select = {"t.library_id",  "t.id",          "t.revision",
                                     "t.create_time", "t.update_time", "t.delete_time"};
  std::vector<std::string> stored = {"library_id",  "id",          "revision",
                                     "create_time", "update_time", "delete_time"};
  std::vector<std::string> assignments;
  for (const FieldColumn& fc : fields_) {
    const FieldDescriptor* f = message_->FindFieldByName(fc.field);
    if (f == nullptr || !Supported(f)) {
      // A programming error in a table declaration: fail loudly at start-up.
      std::fprintf(stderr, "resource table %s: unsupported field %s\n", table_.c_str(),
                   fc.field.c_str());
      std::abort();
    }
    descriptors_.push_back(f);
    const Codec codec = CodecOf(f);
    std::string read;
    if (codec == Codec::kValues) {
      read = absl::StrFormat(
          "(SELECT GROUP_CONCAT(v.value ORDER BY v.position SEPARATOR '%c') FROM resource_values "
          "v WHERE v.collection = '%s' AND v.library_id = t.library_id AND v.owner_id = t.id AND "
          "v.field = '%s')",
          kValueSeparator, EscapeSqlLiteral(collection_), EscapeSqlLiteral(fc.field));
    } else {
      read = fc.read_sql.empty() ? absl::StrCat("t.", fc.column) : fc.read_sql;
      has_computed_ = has_computed_ || !fc.read_sql.empty();
    }
    if (codec == Codec::kValues) {
      value_fields_.push_back(f);
    } else {
      select.push_back(read);
    }
    if (!fc.column.empty() && codec != Codec::kValues) {
      stored.push_back(fc.column);
      assignments.push_back(absl::StrCat(fc.column, " = ?"));
    }

    // Filter and order.
    api::FilterField filter_field;
    filter_field.name = fc.field;
    filter_field.repeated = codec == Codec::kValues;
    filter_field.sortable = fc.sortable && codec != Codec::kValues;
    ColumnSpec spec{fc.field, read, "", "", ""};
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        filter_field.kind = fc.name_valued ? api::FieldKind::kName : api::FieldKind::kString;
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        filter_field.kind = api::FieldKind::kEnum;
        filter_field.enum_values = EnumValues(f);
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        filter_field.kind = api::FieldKind::kBool;
        break;
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
        filter_field.kind = api::FieldKind::kInt;
        break;
      default:
        break;
    }
    if (codec == Codec::kString && (fc.null_if_empty || fc.name_valued)) {
      // NULL sorts as the empty string it stands for, so keyset pages stay exact.
      spec.sort_column = absl::StrCat("COALESCE(", read, ", '')");
    }
    if (codec == Codec::kTimestamp) filter_field.kind = api::FieldKind::kTimestamp;
    if (codec == Codec::kDate) {
      filter_field.kind = api::FieldKind::kDate;
      spec.sort_column = absl::StrCat("COALESCE(", read, ", DATE '", kNoDateSortValue, "')");
    }
    if (codec == Codec::kTimestamp && filter_field.sortable) {
      // Typed, so that the keyset compares times, not text.
      spec.sort_column = absl::StrCat("COALESCE(", read, ", TIMESTAMP '", kNoTimeSortValue, "')");
    }
    if (codec == Codec::kValues) {
      const std::string compare = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                                      ? "CAST(v.value AS SIGNED) = ?"
                                      : "v.value = ?";
      spec.has_sql = absl::StrFormat(
          "EXISTS (SELECT 1 FROM resource_values v WHERE v.collection = '%s' AND v.library_id = "
          "t.library_id AND v.owner_id = t.id AND v.field = '%s' AND %s)",
          EscapeSqlLiteral(collection_), EscapeSqlLiteral(fc.field), compare);
    }
    if (codec == Codec::kJson) continue;  // not filterable
    schema_.push_back(std::move(filter_field));
    columns_.push_back(std::move(spec));
  }
  for (const char* t : {"create_time", "update_time"}) {
    schema_.push_back({t, api::FieldKind::kTimestamp, false, true, {}});
    columns_.push_back({t, absl::StrCat("t.", t), "", "", ""});
  }
  schema_.push_back({"delete_time", api::FieldKind::kTimestamp, false, false, {}});
  columns_.push_back({"delete_time", "t.delete_time", "", "", ""});

  if (!value_fields_.empty()) {
    select.push_back(absl::StrFormat(
        "(SELECT GROUP_CONCAT(v.field, '%c', v.value ORDER BY v.field, v.position SEPARATOR '%c') "
        "FROM resource_values v WHERE v.collection = '%s' AND v.library_id = t.library_id AND "
        "v.owner_id = t.id)",
        kFieldSeparator, kValueSeparator, EscapeSqlLiteral(collection_)));
  }
  anchors_column_ = static_cast<unsigned>(select.size()) + 1;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i].column.empty() && !fields_[i].read_sql.empty() &&
        CodecOf(descriptors_[i]) != Codec::kValues) {
      anchored_.push_back(i);
      select.push_back(absl::StrCat("t.", fields_[i].column));
    }
  }
  select_ = absl::StrCat("SELECT ", absl::StrJoin(select, ", "), " FROM ", table_, " t");
  for (Lock lock : {Lock::kNone, Lock::kShare, Lock::kUpdate}) {
    get_sql_[static_cast<int>(lock)] =
        absl::StrCat(select_, " WHERE t.library_id = ? AND t.id = ?", LockSuffix(lock));
    state_sql_[static_cast<int>(lock)] =
        absl::StrCat("SELECT delete_time IS NULL FROM ", table_, " WHERE library_id = ? AND id = ?",
                     LockSuffix(lock));
  }
  insert_sql_ =
      absl::StrCat("INSERT INTO ", table_, " (", absl::StrJoin(stored, ", "), ") VALUES (",
                   absl::StrJoin(std::vector<std::string>(stored.size(), "?"), ", "), ")");
  touch_sql_ = absl::StrCat("UPDATE ", table_,
                            " SET revision = revision + 1, update_time = GREATEST(update_time, ?) "
                            "WHERE library_id = ? AND id = ?");
  update_sql_ = absl::StrCat("UPDATE ", table_,
                             " SET revision = ?, create_time = ?, update_time = ?, delete_time = ?",
                             assignments.empty() ? "" : ", ", absl::StrJoin(assignments, ", "),
                             " WHERE library_id = ? AND id = ?");
}

const FieldColumn* ResourceTable::Find(absl::string_view field) const {
  for (const auto& fc : fields_) {
    if (fc.field == field) return &fc;
  }
  return nullptr;
}

std::string ResourceTable::Name(const ResourceKey& key) const {
  return pattern_.Format({key.library_id, key.id});
}

absl::StatusOr<ResourceKey> ResourceTable::ParseName(absl::string_view name,
                                                     absl::string_view field) const {
  auto ids = pattern_.Parse(name, field);
  if (!ids.ok()) return ids.status();
  return ResourceKey{(*ids)[0], (*ids)[1]};
}

namespace {

// The values of one row, in the order of the table's select list.
struct RowReader {
  const ResourceTable& table;
  const std::vector<const FieldDescriptor*>& descriptors;
  // The repeated fields: their values follow the other fields, all in one column.
  const std::vector<const FieldDescriptor*>& value_fields;

  void Read(sql::ResultSet& rs, ResourceTable::Row* row, Message* m) const {
    row->key.library_id = GetString(rs, 1);
    row->key.id = GetString(rs, 2);
    row->revision = rs.getInt64(3);
    const absl::Time create_time = GetTime(rs, 4);
    const absl::Time update_time = GetTime(rs, 5);
    const Reflection* r = m->GetReflection();
    if (const FieldDescriptor* f = Standard(*m, "name")) r->SetString(m, f, table.Name(row->key));
    if (const FieldDescriptor* f = Standard(*m, "etag")) {
      r->SetString(m, f, api::ComputeEtag(row->revision, update_time));
    }
    SetTime(m, "create_time", create_time);
    SetTime(m, "update_time", update_time);
    SetTime(m, "delete_time", GetOptionalTime(rs, 6));
    unsigned column = 7;
    for (const FieldDescriptor* f : descriptors) {
      if (CodecOf(f) == Codec::kValues) {
        r->ClearField(m, f);
      } else {
        ReadField(rs, column++, f, m);
      }
    }
    if (!value_fields.empty()) ReadValues(rs, column, m);
  }

  // The repeated fields' values: "field<kFieldSeparator>value" entries, by field and position.
  void ReadValues(sql::ResultSet& rs, unsigned column, Message* m) const {
    if (rs.isNull(column)) return;
    const Reflection* r = m->GetReflection();
    const std::string all = GetString(rs, column);
    for (absl::string_view entry : absl::StrSplit(all, kValueSeparator)) {
      const size_t split = entry.find(kFieldSeparator);
      if (split == absl::string_view::npos) continue;
      const FieldDescriptor* f = nullptr;
      for (const FieldDescriptor* candidate : value_fields) {
        if (candidate->name() == entry.substr(0, split)) {
          f = candidate;
          break;
        }
      }
      if (f == nullptr) continue;  // a field this table no longer declares
      const absl::string_view value = entry.substr(split + 1);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        int n = 0;
        if (absl::SimpleAtoi(value, &n)) r->AddEnumValue(m, f, n);
      } else {
        r->AddString(m, f, std::string(value));
      }
    }
  }

  static void ReadField(sql::ResultSet& rs, unsigned column, const FieldDescriptor* f, Message* m) {
    const Reflection* r = m->GetReflection();
    r->ClearField(m, f);
    if (rs.isNull(column)) return;
    switch (CodecOf(f)) {
      case Codec::kString:
        r->SetString(m, f, GetString(rs, column));
        return;
      case Codec::kEnum:
        r->SetEnumValue(m, f, rs.getInt(column));
        return;
      case Codec::kBool:
        r->SetBool(m, f, rs.getBoolean(column));
        return;
      case Codec::kInt32:
        r->SetInt32(m, f, rs.getInt(column));
        return;
      case Codec::kInt64:
        r->SetInt64(m, f, rs.getInt64(column));
        return;
      case Codec::kTimestamp: {
        auto* ts = dynamic_cast<google::protobuf::Timestamp*>(r->MutableMessage(m, f));
        if (ts != nullptr) api::ToTimestamp(GetTime(rs, column), ts);
        return;
      }
      case Codec::kDate: {
        auto* d = dynamic_cast<google::type::Date*>(r->MutableMessage(m, f));
        std::optional<api::Date> date = api::ParseDate(GetString(rs, column));
        if (d != nullptr && date) api::ToProtoDate(*date, d);
        return;
      }
      case Codec::kJson:
        FromJson(GetString(rs, column), f, m);
        return;
      case Codec::kValues:
        return;  // read by ReadValues
    }
  }
};

SqlValue StoredValue(const Message& m, const FieldDescriptor* f, const FieldColumn& fc) {
  const Reflection* r = m.GetReflection();
  switch (CodecOf(f)) {
    case Codec::kString: {
      std::string value = r->GetString(m, f);
      if (value.empty() && (fc.null_if_empty || fc.name_valued)) return Null{};
      return value;
    }
    case Codec::kEnum:
      return static_cast<int64_t>(r->GetEnumValue(m, f));
    case Codec::kBool:
      return r->GetBool(m, f);
    case Codec::kInt32:
      return static_cast<int64_t>(r->GetInt32(m, f));
    case Codec::kInt64:
      return r->GetInt64(m, f);
    case Codec::kTimestamp: {
      auto t = GetTimeField(m, f);
      if (!t) return Null{};
      return *t;
    }
    case Codec::kDate: {
      if (!r->HasField(m, f)) return Null{};
      const auto* d = dynamic_cast<const google::type::Date*>(&r->GetMessage(m, f));
      if (d == nullptr) return Null{};
      return api::FormatDate(*d);
    }
    case Codec::kJson:
      return ToJson(m, f);
    case Codec::kValues:
      break;
  }
  return Null{};
}

// A stored column's value as StoredValue would have written it.
SqlValue ReadStored(sql::ResultSet& rs, unsigned column, const FieldDescriptor* f) {
  if (rs.isNull(column)) return Null{};
  switch (CodecOf(f)) {
    case Codec::kEnum:
    case Codec::kInt32:
    case Codec::kInt64:
      return static_cast<int64_t>(rs.getInt64(column));
    case Codec::kBool:
      return static_cast<bool>(rs.getBoolean(column));
    case Codec::kTimestamp:
      return GetTime(rs, column);
    case Codec::kString:
    case Codec::kDate:
    case Codec::kJson:
    case Codec::kValues:
      break;
  }
  return GetString(rs, column);
}

// A value as a page token keeps it, in the order the sort column gives (unset dates and times
// where they sort, empty text for NULL).
std::string SortText(const SqlValue& v, Codec codec) {
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  if (const auto* n = std::get_if<int64_t>(&v)) return absl::StrCat(*n);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "1" : "0";
  if (const auto* t = std::get_if<absl::Time>(&v)) return ToSqlDatetime(*t);
  if (codec == Codec::kDate) return kNoDateSortValue;
  if (codec == Codec::kTimestamp) return kNoTimeSortValue;
  return "";
}

// Whether two values are the same value of the same type.
bool SameValue(const SqlValue& a, const SqlValue& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Null>) {
          return true;
        } else {
          return x == std::get<T>(b);
        }
      },
      a);
}

}  // namespace

void ResourceTable::ReadAnchors(sql::ResultSet& rs, const Message& m, Row* row) const {
  row->anchors.clear();
  unsigned column = anchors_column_;
  for (size_t i : anchored_) {
    row->anchors[fields_[i].field] = {StoredValue(m, descriptors_[i], fields_[i]),
                                      ReadStored(rs, column++, descriptors_[i])};
  }
}

const std::string& ResourceTable::GetSql(Lock lock) const {
  return get_sql_[static_cast<int>(lock)];
}

absl::Status ResourceTable::Get(Session& session, const ResourceKey& key, Lock lock, Row* row,
                                Message* out) const {
  const std::string& sql = GetSql(lock);
  return session.Run([&]() -> absl::Status {
    auto rs = session.Query(sql, key.library_id, key.id);
    if (!rs->next()) {
      const std::string name = Name(key);
      return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                        absl::StrCat(name, " does not exist"), {{"resource", name}});
    }
    RowReader{*this, descriptors_, value_fields_}.Read(*rs, row, out);
    ReadAnchors(*rs, *out, row);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ResourceTable::Row>> ResourceTable::List(
    Session& session, const ResourceListQuery& query, const std::function<Message*()>& add) const {
  SqlClause library, live;
  if (query.library_id) library = {"t.library_id = ?", {*query.library_id}};
  if (!query.show_deleted) live = {"t.delete_time IS NULL", {}};
  auto statement = scope::ListStatement(select_, columns_, {"t.library_id", "t.id"}, "t.library_id",
                                        {library, live, query.condition}, query.window);
  if (!statement.ok()) return statement.status();
  return session.Run([&]() -> absl::StatusOr<std::vector<Row>> {
    auto rs = session.QueryValues(statement->sql, statement->params);
    RowReader reader{*this, descriptors_, value_fields_};
    std::vector<Row> rows;
    while (rs->next()) {
      rows.emplace_back();
      reader.Read(*rs, &rows.back(), add());
    }
    return rows;
  });
}

std::vector<std::string> ResourceTable::SortKey(const Row& row, const Message& m,
                                                const std::vector<api::OrderTerm>& order) const {
  static const FieldColumn kPlain("", "");  // the standard fields (create_time, ...)
  std::vector<std::string> key;
  for (const auto& term : order) {
    const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(term.field->name);
    const FieldColumn* fc = Find(term.field->name);
    key.push_back(f == nullptr ? "" : SortText(StoredValue(m, f, fc ? *fc : kPlain), CodecOf(f)));
  }
  key.push_back(row.key.library_id);
  key.push_back(row.key.id);
  return key;
}

namespace {

absl::Status DuplicateError(const sql::SQLException& e, const std::string& name) {
  if (absl::StrContains(e.what(), "PRIMARY")) {
    return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS",
                      absl::StrCat(name, " already exists"), {{"resource", name}});
  }
  return api::Error(absl::StatusCode::kAlreadyExists, "DUPLICATE_VALUE",
                    absl::StrCat("a value of ", name, " must be unique and is taken"),
                    {{"resource", name}});
}

}  // namespace

std::vector<SqlValue> ResourceTable::StoredValues(const Row& row, const Message& m,
                                                  std::vector<size_t>* kept) const {
  std::vector<SqlValue> values = {
      row.revision, GetTimeField(m, "create_time").value_or(absl::UnixEpoch()),
      GetTimeField(m, "update_time").value_or(absl::UnixEpoch()), Null{}};
  if (auto t = GetTimeField(m, "delete_time")) values.back() = *t;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].column.empty() || CodecOf(descriptors_[i]) == Codec::kValues) continue;
    SqlValue value = StoredValue(m, descriptors_[i], fields_[i]);
    auto anchor = row.anchors.find(fields_[i].field);
    // Only an anchor the shown value differs from needs keeping (and checking).
    if (kept != nullptr && anchor != row.anchors.end() && SameValue(value, anchor->second.first) &&
        !SameValue(anchor->second.first, anchor->second.second)) {
      value = anchor->second.second;  // unchanged since read: keep what is stored
      kept->push_back(i);
    }
    values.push_back(std::move(value));
  }
  return values;
}

absl::Status ResourceTable::Write(Session& session, const std::string& sql,
                                  const std::vector<SqlValue>& values, const Row& row,
                                  const Message& m, bool replace_values) const {
  return session.Run([&]() -> absl::Status {
    try {
      session.ExecuteValues(sql, values);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErDupEntry) throw;
      return DuplicateError(e, Name(row.key));
    }
    return WriteValues(session, row, m, replace_values);
  });
}

absl::Status ResourceTable::Insert(Session& session, const Row& row, const Message& m) const {
  std::vector<SqlValue> values = {row.key.library_id, row.key.id};
  for (SqlValue& v : StoredValues(row, m, nullptr)) values.push_back(std::move(v));
  return Write(session, insert_sql_, values, row, m, /*replace_values=*/false);
}

absl::Status ResourceTable::Update(Session& session, const Row& row, const Message& m) const {
  std::vector<size_t> kept;
  std::vector<SqlValue> values = StoredValues(row, m, &kept);
  values.push_back(row.key.library_id);
  values.push_back(row.key.id);
  absl::Status written = Write(session, update_sql_, values, row, m, /*replace_values=*/true);
  if (!written.ok() || kept.empty()) return written;
  // A kept anchor is right only while the row computes from it what the message shows: other
  // fields it depends on may have changed (auto-renewal turned off, a termination). If any
  // does not, every kept field is written as shown, as if there were no anchors.
  std::vector<std::string> computed, assignments;
  std::vector<SqlValue> shown;
  for (size_t i : kept) {
    computed.push_back(fields_[i].read_sql);
    assignments.push_back(absl::StrCat(fields_[i].column, " = ?"));
    shown.push_back(StoredValue(m, descriptors_[i], fields_[i]));
  }
  return session.Run([&]() -> absl::Status {
    auto rs = session.Query(absl::StrCat("SELECT ", absl::StrJoin(computed, ", "), " FROM ", table_,
                                         " t WHERE t.library_id = ? AND t.id = ?"),
                            row.key.library_id, row.key.id);
    bool same = rs->next();
    for (size_t k = 0; same && k < kept.size(); ++k) {
      same =
          SameValue(ReadStored(*rs, static_cast<unsigned>(k + 1), descriptors_[kept[k]]), shown[k]);
    }
    if (same) return absl::OkStatus();
    shown.push_back(row.key.library_id);
    shown.push_back(row.key.id);
    session.ExecuteValues(absl::StrCat("UPDATE ", table_, " SET ", absl::StrJoin(assignments, ", "),
                                       " WHERE library_id = ? AND id = ?"),
                          shown);
    return absl::OkStatus();
  });
}

// Inside Session::Run.
absl::Status ResourceTable::WriteValues(Session& session, const Row& row, const Message& m,
                                        bool replace) const {
  static const std::string kClear =
      "DELETE FROM resource_values WHERE collection = ? AND library_id = ? AND owner_id = ?";
  static const std::string kInsert =
      "INSERT INTO resource_values (collection, library_id, owner_id, field, position, value) "
      "VALUES (?, ?, ?, ?, ?, ?)";
  if (replace) session.Execute(kClear, collection_, row.key.library_id, row.key.id);
  const Reflection* r = m.GetReflection();
  for (size_t i = 0; i < fields_.size(); ++i) {
    const FieldDescriptor* f = descriptors_[i];
    if (CodecOf(f) != Codec::kValues) continue;
    for (int j = 0; j < r->FieldSize(m, f); ++j) {
      const std::string value = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                                    ? absl::StrCat(r->GetRepeatedEnumValue(m, f, j))
                                    : r->GetRepeatedString(m, f, j);
      session.Execute(kInsert, collection_, row.key.library_id, row.key.id, fields_[i].field, j,
                      value);
    }
  }
  return absl::OkStatus();
}

absl::Status ResourceTable::Touch(Session& session, const ResourceKey& key, absl::Time when) const {
  return session.Run([&]() -> absl::Status {
    session.Execute(touch_sql_, when, key.library_id, key.id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ResourceKey>> ResourceTable::HoldingValue(
    Session& session, absl::string_view field, absl::string_view value) const {
  static const std::string kSql =
      "SELECT DISTINCT library_id, owner_id FROM resource_values WHERE collection = ? AND "
      "field = ? AND value = ? ORDER BY library_id, owner_id";
  return session.Run([&]() -> absl::StatusOr<std::vector<ResourceKey>> {
    auto rs = session.Query(kSql, collection_, field, value);
    std::vector<ResourceKey> keys;
    while (rs->next()) keys.push_back({GetString(*rs, 1), GetString(*rs, 2)});
    return keys;
  });
}

absl::StatusOr<std::vector<ResourceKey>> ResourceTable::ReplaceValue(Session& session,
                                                                     absl::string_view field,
                                                                     absl::string_view from,
                                                                     absl::string_view to) const {
  static const std::string kDropDuplicate =
      "DELETE v FROM resource_values v JOIN resource_values w ON w.collection = v.collection AND "
      "w.library_id = v.library_id AND w.owner_id = v.owner_id AND w.field = v.field AND "
      "w.value = ? WHERE v.collection = ? AND v.field = ? AND v.value = ?";
  static const std::string kMove =
      "UPDATE resource_values SET value = ? WHERE collection = ? AND field = ? AND value = ?";
  auto holders = HoldingValue(session, field, from);
  if (!holders.ok()) return holders.status();
  absl::Status moved = session.Run([&]() -> absl::Status {
    session.Execute(kDropDuplicate, to, collection_, field, from);
    session.Execute(kMove, to, collection_, field, from);
    return absl::OkStatus();
  });
  if (!moved.ok()) return moved;
  return holders;
}

absl::StatusOr<ResourceTable::RowState> ResourceTable::State(Session& session,
                                                             const ResourceKey& key,
                                                             Lock lock) const {
  return session.Run([&]() -> absl::StatusOr<RowState> {
    auto rs = session.Query(state_sql_[static_cast<int>(lock)], key.library_id, key.id);
    if (!rs->next()) return RowState::kMissing;
    return rs->getBoolean(1) ? RowState::kLive : RowState::kDeleted;
  });
}

absl::StatusOr<std::optional<std::string>> ResourceTable::FindByField(
    Session& session, absl::string_view library_id, absl::string_view field,
    absl::string_view value, absl::string_view except) const {
  const FieldColumn* fc = Find(field);
  if (fc == nullptr || fc->column.empty()) {
    return absl::InternalError(absl::StrCat("no stored column for ", field));
  }
  const std::string sql = absl::StrCat("SELECT id FROM ", table_, " WHERE library_id = ? AND ",
                                       fc->column, " = ? AND id <> ? LIMIT 1");
  return session.Run([&]() -> absl::StatusOr<std::optional<std::string>> {
    auto rs = session.Query(sql, library_id, value, except);
    if (!rs->next()) return std::optional<std::string>();
    return std::optional<std::string>(GetString(*rs, 1));
  });
}

}  // namespace allies::storage
