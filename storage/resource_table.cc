#include "storage/resource_table.h"

#include <google/protobuf/reflection.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <type_traits>
#include <variant>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "api/errors.h"
#include "api/etag.h"
#include "api/proto_time.h"
#include "google/type/date.pb.h"
#include "storage/scope.h"

namespace allies::storage {

// The built-in tables (core_tables.cc): declared the first time Tables() is asked for.
void DeclareBuiltInTables();

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Separates the values of a repeated field read back as one column (text fields reject
// control characters, so it never occurs in a value): X'1F' in SQL.
constexpr char kValueSeparator = '\x1f';
// Separates a field's name from its value where the values of every repeated field of a row are
// read as one column (one subquery per row instead of one per field: each costs the database
// about 40 us per Get, most of it spent before it reads a row).
constexpr char kFieldSeparator = '\x1e';  // CHAR(30) in SQL
// Where unset dates and times sort (before every real one).
constexpr char kNoDateSortValue[] = "1000-01-01";
constexpr char kNoTimeSortValue[] = "1000-01-01 00:00:00";

enum class Codec {
  kString,
  kEnum,
  kBool,
  kInt32,
  kInt64,
  kDouble,
  kTimestamp,
  kDate,
  kJson,
  kValues,  // repeated scalars in resource_values
  kJoined,  // repeated strings joined in one column
};

Codec CodecOf(const FieldDescriptor* f, const FieldColumn& fc) {
  if (f->is_repeated() && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return fc.joined != 0 ? Codec::kJoined : Codec::kValues;
  }
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
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return Codec::kDouble;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (f->is_repeated()) return Codec::kJson;
      if (f->message_type()->full_name() == "google.protobuf.Timestamp") return Codec::kTimestamp;
      if (f->message_type()->full_name() == "google.type.Date") return Codec::kDate;
      return Codec::kJson;
    default:
      return Codec::kString;  // rejected by Supported()
  }
}

// Why a field cannot be stored as declared ("" when it can).
std::string Unsupported(const FieldDescriptor* f, const FieldColumn& fc) {
  if (f == nullptr) return "no such field in the message";
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "unsigned integers are not supported (use int32 or int64)";
    default:
      break;
  }
  if (f->is_repeated() && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE &&
      f->cpp_type() != FieldDescriptor::CPPTYPE_STRING &&
      f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
    return "repeated numbers and bools are not supported";
  }
  if (fc.joined != 0 && (!f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING)) {
    return "Joined needs a repeated string";
  }
  if (!fc.references.empty() && f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return "References needs a string field";
  }
  if (!fc.prevents_delete_sql.empty() &&
      (fc.references.empty() || fc.references == "*" || f->is_repeated())) {
    return "PreventsDeleteWhile needs a single field referencing one collection";
  }
  return "";
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

void SetTime(Message* m, const FieldDescriptor* f, std::optional<absl::Time> t) {
  if (f == nullptr) return;
  if (!t) {
    m->GetReflection()->ClearField(m, f);
    return;
  }
  auto* ts = static_cast<google::protobuf::Timestamp*>(m->GetReflection()->MutableMessage(m, f));
  api::ToTimestamp(*t, ts);
}

std::optional<absl::Time> GetTimeField(const Message& m, const FieldDescriptor* f) {
  if (f == nullptr || !m.GetReflection()->HasField(m, f)) return std::nullopt;
  const auto& ts =
      static_cast<const google::protobuf::Timestamp&>(m.GetReflection()->GetMessage(m, f));
  return api::FromTimestamp(ts);
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
      absl::StrCat("{\"", f->json_name(), "\":", text, "}"), wrapper.get(), options);
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

// A value as a page token keeps it, in the order the sort column gives (unset dates and times
// where they sort, empty text for NULL).
std::string SortText(const SqlValue& v, Codec codec) {
  if (const auto* text = std::get_if<std::string>(&v)) return *text;
  if (const auto* n = std::get_if<int64_t>(&v)) return absl::StrCat(*n);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "1" : "0";
  if (const auto* t = std::get_if<absl::Time>(&v)) return ToSqlDatetime(*t);
  if (const auto* x = std::get_if<double>(&v)) return absl::StrFormat("%.17g", *x);
  if (codec == Codec::kDate) return kNoDateSortValue;
  if (codec == Codec::kTimestamp) return kNoTimeSortValue;
  if (codec == Codec::kDouble) return "0";
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

absl::Status DuplicateError(const sql::SQLException& e, const std::string& name) {
  if (absl::StrContains(e.what(), "PRIMARY")) {
    return api::Error(absl::StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS",
                      absl::StrCat(name, " already exists"), {{"resource", name}});
  }
  return api::Error(absl::StatusCode::kAlreadyExists, "DUPLICATE_VALUE",
                    absl::StrCat("a value of ", name, " must be unique and is taken"),
                    {{"resource", name}});
}

// The registry of declared tables.
struct Registry {
  std::mutex mu;
  std::vector<const ResourceTable*> tables;
};

Registry& TheRegistry() {
  static auto* registry = new Registry;
  return *registry;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Field declarations.

FieldColumn::FieldColumn(std::string field_name) : field(field_name), column(field_name) {}

FieldColumn FieldColumn::Column(std::string name) const {
  FieldColumn c = *this;
  c.column = std::move(name);
  return c;
}
FieldColumn FieldColumn::Sortable() const {
  FieldColumn c = *this;
  c.sortable = true;
  return c;
}
FieldColumn FieldColumn::NullIfEmpty() const {
  FieldColumn c = *this;
  c.null_if_empty = true;
  return c;
}
FieldColumn FieldColumn::Names() const {
  FieldColumn c = *this;
  c.names = true;
  return c;
}
FieldColumn FieldColumn::References(std::string collection, Reach how,
                                    std::string reason_prefix) const {
  FieldColumn c = *this;
  c.names = true;
  c.references = std::move(collection);
  c.reach = how;
  c.reason = std::move(reason_prefix);
  if (how == Reach::kSameLibrary) c.null_if_empty = true;
  return c;
}
FieldColumn FieldColumn::StoredAsId(std::string prefix) const {
  FieldColumn c = *this;
  c.names = true;
  c.null_if_empty = true;
  c.id_prefix = std::move(prefix);
  return c;
}
FieldColumn FieldColumn::Computed(std::string sql) const {
  FieldColumn c = *this;
  c.read_sql = std::move(sql);
  return c;
}

FieldColumn FieldColumn::FreeText(size_t max_chars) const {
  FieldColumn c = *this;
  c.free_text = max_chars;
  return c;
}
FieldColumn FieldColumn::LatestInteraction() const {
  FieldColumn c = *this;
  c.maintained = true;
  c.latest_interaction = true;
  return c;
}
FieldColumn FieldColumn::PreventsDeleteWhile(std::string sql, std::string reason_code) const {
  FieldColumn c = *this;
  c.prevents_delete_sql = std::move(sql);
  c.prevents_delete_reason = std::move(reason_code);
  return c;
}
FieldColumn FieldColumn::Joined(char separator) const {
  FieldColumn c = *this;
  c.joined = separator;
  return c;
}
FieldColumn FieldColumn::PersonalData(Personal kind, std::string of) const {
  FieldColumn c = *this;
  c.personal = kind;
  c.person_field = std::move(of);
  return c;
}

// ---------------------------------------------------------------------------------------------
// How each field is read and written, computed once per table.

struct ResourceTable::Plan {
  const FieldDescriptor* descriptor = nullptr;
  Codec codec = Codec::kString;
  unsigned select_column = 0;  // its column in the select list (0: read with the values)
  bool written = false;        // Insert and Update write its column
  bool computed = false;       // read through read_sql
};

namespace {

// A field's value as the column stores it.
SqlValue StoredValue(const Message& m, const FieldDescriptor* f, Codec codec,
                     const FieldColumn& fc) {
  const Reflection* r = m.GetReflection();
  switch (codec) {
    case Codec::kString: {
      std::string value = r->GetString(m, f);
      if (value.empty() && fc.null_if_empty) return Null{};
      if (!fc.id_prefix.empty()) {
        absl::string_view id = value;
        absl::ConsumePrefix(&id, fc.id_prefix);
        return std::string(id);
      }
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
    case Codec::kDouble:
      return f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT
                 ? static_cast<double>(r->GetFloat(m, f))
                 : r->GetDouble(m, f);
    case Codec::kTimestamp: {
      auto t = GetTimeField(m, f);
      if (!t) return Null{};
      return *t;
    }
    case Codec::kDate: {
      if (!r->HasField(m, f)) return Null{};
      return api::FormatDate(static_cast<const google::type::Date&>(r->GetMessage(m, f)));
    }
    case Codec::kJson:
      return ToJson(m, f);
    case Codec::kJoined: {
      std::vector<std::string> values;
      for (const std::string& v : r->GetRepeatedFieldRef<std::string>(m, f)) values.push_back(v);
      return absl::StrJoin(values, std::string(1, fc.joined));
    }
    case Codec::kValues:
      break;
  }
  return Null{};
}

// The text of the j-th value of a repeated string or enum field, as resource_values keeps it.
std::string RepeatedText(const Message& m, const FieldDescriptor* f, int j) {
  const Reflection* r = m.GetReflection();
  return f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
             ? absl::StrCat(r->GetRepeatedEnumValue(m, f, j))
             : r->GetRepeatedString(m, f, j);
}

// A stored column's value as StoredValue would have written it.
SqlValue ReadStored(sql::ResultSet& rs, unsigned column, Codec codec) {
  if (rs.isNull(column)) return Null{};
  switch (codec) {
    case Codec::kEnum:
    case Codec::kInt32:
    case Codec::kInt64:
      return static_cast<int64_t>(rs.getInt64(column));
    case Codec::kBool:
      return static_cast<bool>(rs.getBoolean(column));
    case Codec::kDouble:
      return static_cast<double>(rs.getDouble(column));
    case Codec::kTimestamp:
      return GetTime(rs, column);
    default:
      break;
  }
  return GetString(rs, column);
}

void ReadField(sql::ResultSet& rs, unsigned column, const FieldDescriptor* f, Codec codec,
               const FieldColumn& fc, Message* m) {
  const Reflection* r = m->GetReflection();
  r->ClearField(m, f);
  if (rs.isNull(column)) return;
  switch (codec) {
    case Codec::kString:
      r->SetString(m, f, absl::StrCat(fc.id_prefix, GetString(rs, column)));
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
    case Codec::kDouble:
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        r->SetFloat(m, f, static_cast<float>(rs.getDouble(column)));
      } else {
        r->SetDouble(m, f, static_cast<double>(rs.getDouble(column)));
      }
      return;
    case Codec::kTimestamp:
      api::ToTimestamp(GetTime(rs, column),
                       static_cast<google::protobuf::Timestamp*>(r->MutableMessage(m, f)));
      return;
    case Codec::kDate: {
      std::optional<api::Date> date = api::ParseDate(GetString(rs, column));
      if (date) api::ToProtoDate(*date, static_cast<google::type::Date*>(r->MutableMessage(m, f)));
      return;
    }
    case Codec::kJson:
      FromJson(GetString(rs, column), f, m);
      return;
    case Codec::kJoined:
      for (absl::string_view part :
           absl::StrSplit(GetString(rs, column), fc.joined, absl::SkipEmpty())) {
        r->AddString(m, f, std::string(part));
      }
      return;
    case Codec::kValues:
      return;  // read with the other repeated fields
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The table.

ResourceTable::ResourceTable(std::string table, std::string collection, const Descriptor* message,
                             std::vector<FieldColumn> fields, TableOptions options)
    : table_(std::move(table)),
      collection_(std::move(collection)),
      message_(message),
      fields_(std::move(fields)),
      options_(std::move(options)),
      pattern_("") {
  auto fail = [&](const std::string& why) {
    // A programming error in a table declaration: fail loudly at start-up.
    std::fprintf(stderr, "resource table %s: %s\n", table_.c_str(), why.c_str());
    std::abort();
  };
  // Names and keys.
  std::string name_pattern;
  if (options_.root) {
    if (options_.parent != nullptr) fail("a root collection has no parent");
    path_ = collection_;
    name_pattern = absl::StrCat(collection_, "/{id}");
    key_columns_ = {"id"};
  } else {
    std::vector<std::string> segments = {collection_};
    key_columns_ = {"id"};
    for (const ResourceTable* p = options_.parent; p != nullptr; p = p->parent()) {
      if (p->root()) fail("collections nest in a library or in a collection under one");
      if (p->options().child_column.empty()) {
        fail(absl::StrCat("its parent ", p->table(), " declares no child_column"));
      }
      segments.insert(segments.begin(), p->collection_);
      key_columns_.insert(key_columns_.begin(), p->options().child_column);
    }
    key_columns_.insert(key_columns_.begin(), "library_id");
    path_ = absl::StrJoin(segments, "/");
    std::string parent_pattern = "libraries/{library}";
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      absl::StrAppend(&parent_pattern, "/", segments[i], "/{", segments[i], "}");
    }
    name_pattern = absl::StrCat(parent_pattern, "/", collection_, "/{id}");
    if (options_.parent != nullptr) parent_pattern_.emplace(parent_pattern);
  }
  pattern_ = api::NamePattern(name_pattern);

  // Standard fields.
  name_field_ = message_->FindFieldByName("name");
  etag_field_ = message_->FindFieldByName("etag");
  create_time_field_ = message_->FindFieldByName("create_time");
  update_time_field_ = message_->FindFieldByName("update_time");
  delete_time_field_ = options_.soft_delete ? message_->FindFieldByName("delete_time") : nullptr;

  std::string name_sql;
  {
    std::vector<std::string> parts;
    const std::vector<std::string> names = absl::StrSplit(name_pattern, '/');
    size_t key = 0;
    for (size_t i = 0; i < names.size(); i += 2) {
      parts.push_back(absl::StrCat("'", i == 0 ? "" : "/", names[i], "/'"));
      parts.push_back(absl::StrCat("t.", key_columns_[key++]));
    }
    name_sql = absl::StrCat("CONCAT(", absl::StrJoin(parts, ", "), ")");
  }
  schema_.push_back({"name", api::FieldKind::kName, false, true, {}});
  columns_.push_back({"name", name_sql, "", "", ""});

  std::vector<std::string> select;
  for (const auto& k : key_columns_) select.push_back(absl::StrCat("t.", k));
  key_order_ = select;
  key_select_ = absl::StrJoin(select, ", ");
  for (const char* c : {"revision", "create_time", "update_time"}) {
    select.push_back(absl::StrCat("t.", c));
  }
  if (options_.soft_delete) select.push_back("t.delete_time");

  std::vector<std::string> stored = key_columns_;
  for (const char* c : {"revision", "create_time", "update_time"}) stored.push_back(c);
  std::vector<std::string> assignments = {"revision = ?", "create_time = ?", "update_time = ?"};
  if (options_.soft_delete) {
    stored.push_back("delete_time");
    assignments.push_back("delete_time = ?");
  }

  std::string scope_field_column;
  for (size_t i = 0; i < fields_.size(); ++i) {
    FieldColumn& fc = fields_[i];
    const FieldDescriptor* f = message_->FindFieldByName(fc.field);
    const std::string why = Unsupported(f, fc);
    if (!why.empty()) fail(absl::StrCat("field ", fc.field, ": ", why));
    Plan plan;
    plan.descriptor = f;
    plan.codec = CodecOf(f, fc);
    if (plan.codec == Codec::kValues) fc.column.clear();
    if (fc.field == options_.scope_field) scope_field_column = absl::StrCat("t.", fc.column);
    if (fc.latest_interaction) latest_interaction_ = &fc;
    std::string read;  // (none for repeated values: filters use has_sql, nothing sorts by them)
    if (plan.codec == Codec::kValues) {
      value_fields_.push_back(i);
    } else {
      read = fc.read_sql.empty() ? absl::StrCat("t.", fc.column) : fc.read_sql;
      plan.computed = !fc.read_sql.empty();
      has_computed_ = has_computed_ || plan.computed;
      select.push_back(read);
      plan.select_column = static_cast<unsigned>(select.size());
    }
    if (!fc.column.empty() && plan.codec != Codec::kValues && !fc.maintained) {
      plan.written = true;
      stored.push_back(fc.column);
      assignments.push_back(absl::StrCat(fc.column, " = ?"));
    }
    plans_.push_back(plan);

    // Filter and order.
    api::FilterField filter_field;
    filter_field.name = fc.field;
    filter_field.repeated = plan.codec == Codec::kValues;
    filter_field.sortable =
        fc.sortable && plan.codec != Codec::kValues && plan.codec != Codec::kJoined;
    ColumnSpec spec{fc.field, read, fc.id_prefix, "", ""};
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        filter_field.kind = fc.names ? api::FieldKind::kName : api::FieldKind::kString;
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
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        filter_field.kind = api::FieldKind::kDouble;
        break;
      default:
        break;
    }
    if (plan.codec == Codec::kString && fc.null_if_empty) {
      // NULL sorts as the empty string it stands for, so keyset pages stay exact.
      spec.sort_column = absl::StrCat("COALESCE(", read, ", '')");
    }
    if (plan.codec == Codec::kDouble) spec.sort_column = absl::StrCat("COALESCE(", read, ", 0)");
    if (plan.codec == Codec::kTimestamp) filter_field.kind = api::FieldKind::kTimestamp;
    if (plan.codec == Codec::kDate) {
      filter_field.kind = api::FieldKind::kDate;
      spec.sort_column = absl::StrCat("COALESCE(", read, ", DATE '", kNoDateSortValue, "')");
    }
    if (plan.codec == Codec::kTimestamp && filter_field.sortable) {
      // Typed, so that the keyset compares times, not text.
      spec.sort_column = absl::StrCat("COALESCE(", read, ", TIMESTAMP '", kNoTimeSortValue, "')");
    }
    if (plan.codec == Codec::kValues) {
      const std::string compare = f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM
                                      ? "CAST(v.value AS SIGNED) = ?"
                                      : "v.value = ?";
      spec.has_sql = absl::StrFormat(
          "EXISTS (SELECT 1 FROM resource_values v WHERE v.library_id = t.library_id AND "
          "v.collection = '%s' AND v.owner_id = %s AND v.field = '%s' AND %s)",
          EscapeSqlLiteral(path_), OwnerSql(), EscapeSqlLiteral(fc.field), compare);
    }
    if (plan.codec == Codec::kJson || plan.codec == Codec::kJoined) continue;  // not filterable
    schema_.push_back(std::move(filter_field));
    columns_.push_back(std::move(spec));
  }
  if (!options_.scope_field.empty() && scope_field_column.empty()) {
    fail(absl::StrCat("scope_field ", options_.scope_field, " is not a field of the table"));
  }
  for (const char* t : {"create_time", "update_time"}) {
    schema_.push_back({t, api::FieldKind::kTimestamp, false, true, {}});
    columns_.push_back({t, absl::StrCat("t.", t), "", "", ""});
  }
  if (options_.soft_delete) {
    schema_.push_back({"delete_time", api::FieldKind::kTimestamp, false, false, {}});
    columns_.push_back({"delete_time", "t.delete_time", "", "", ""});
  }

  if (!value_fields_.empty()) {
    values_sql_ = absl::StrFormat(
        "(SELECT GROUP_CONCAT(v.field, CHAR(30 USING utf8mb4), v.value ORDER BY v.field, "
        "v.position SEPARATOR X'1F') FROM resource_values v WHERE v.library_id = t.library_id AND "
        "v.collection = '%s' AND v.owner_id = %s)",
        EscapeSqlLiteral(path_), OwnerSql());
    if (options_.values_column.empty()) {
      select.push_back(values_sql_);
    } else {
      select.push_back(absl::StrCat("t.", options_.values_column));
      stored.push_back(options_.values_column);
      assignments.push_back(absl::StrCat(options_.values_column, " = ?"));
    }
    values_column_ = static_cast<unsigned>(select.size());
  }
  for (const auto& extra : options_.extra_columns) stored.push_back(extra);
  anchors_column_ = static_cast<unsigned>(select.size()) + 1;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i].column.empty() && plans_[i].computed && plans_[i].written) {
      anchored_.push_back(i);
      select.push_back(absl::StrCat("t.", fields_[i].column));
    }
  }
  extra_column_ = static_cast<unsigned>(select.size()) + 1;
  for (const auto& extra : options_.extra_columns) select.push_back(absl::StrCat("t.", extra));
  select_ = absl::StrCat("SELECT ", absl::StrJoin(select, ", "), " FROM ", table_, " t");
  const std::string where = KeyCondition("t.");
  for (Lock lock : {Lock::kNone, Lock::kShare, Lock::kUpdate}) {
    get_sql_[static_cast<int>(lock)] = absl::StrCat(select_, " WHERE ", where, LockSuffix(lock));
    state_sql_[static_cast<int>(lock)] =
        absl::StrCat("SELECT ", options_.soft_delete ? "t.delete_time IS NULL" : "TRUE", " FROM ",
                     table_, " t WHERE ", where, LockSuffix(lock));
  }
  insert_prefix_ =
      absl::StrCat("INSERT INTO ", table_, " (", absl::StrJoin(stored, ", "), ") VALUES ");
  insert_row_ =
      absl::StrCat("(", absl::StrJoin(std::vector<std::string>(stored.size(), "?"), ", "), ")");
  insert_sql_ = insert_prefix_ + insert_row_;
  touch_sql_ =
      absl::StrCat("UPDATE ", table_,
                   " t SET revision = revision + 1, update_time = GREATEST(update_time, ?) "
                   "WHERE ",
                   where);
  soft_delete_sql_ = absl::StrCat(
      "UPDATE ", table_,
      " t SET delete_time = ?, update_time = GREATEST(update_time, ?), revision = revision + 1 "
      "WHERE ",
      where, " AND delete_time IS NULL");
  if (!values_sql_.empty() && !options_.values_column.empty()) {
    refresh_values_sql_ = absl::StrCat("UPDATE ", table_, " t SET t.", options_.values_column,
                                       " = ", values_sql_, " WHERE ", where);
  }
  update_sql_ = absl::StrCat("UPDATE ", table_, " t SET ", absl::StrJoin(assignments, ", "),
                             " WHERE ", where);
  // The scope of a List: the library each row belongs to.
  scope_column_ = !options_.root                 ? "t.library_id"
                  : options_.scope_field.empty() ? "t.id"
                                                 : scope_field_column;

  std::lock_guard<std::mutex> lock(TheRegistry().mu);
  for (const ResourceTable* other : TheRegistry().tables) {
    if (other->collection_path() == path_) fail("two tables declare the collection " + path_);
  }
  TheRegistry().tables.push_back(this);
}

ResourceTable::~ResourceTable() {
  std::lock_guard<std::mutex> lock(TheRegistry().mu);
  auto& tables = TheRegistry().tables;
  tables.erase(std::remove(tables.begin(), tables.end(), this), tables.end());
}

const FieldColumn* ResourceTable::Find(absl::string_view field) const {
  for (const auto& fc : fields_) {
    if (fc.field == field) return &fc;
  }
  return nullptr;
}

std::string ResourceTable::KeyCondition(absl::string_view alias) const {
  std::vector<std::string> parts;
  for (const auto& k : key_columns_) parts.push_back(absl::StrCat(alias, k, " = ?"));
  return absl::StrJoin(parts, " AND ");
}

std::string ResourceKey::OwnerId() const {
  if (parents.empty()) return id;
  return absl::StrCat(absl::StrJoin(parents, "/"), "/", id);
}

std::string ResourceTable::OwnerSql() const {
  if (key_columns_.size() <= 2) return "t.id";
  std::vector<std::string> parts;
  for (size_t i = 1; i < key_columns_.size(); ++i)
    parts.push_back(absl::StrCat("t.", key_columns_[i]));
  return absl::StrCat("CONCAT(", absl::StrJoin(parts, ", '/', "), ")");
}

std::vector<SqlValue> ResourceTable::KeyValues(const ResourceKey& key) const {
  std::vector<SqlValue> values;
  if (!options_.root) {
    values.push_back(key.library_id);
    for (const auto& p : key.parents) values.push_back(p);
  }
  values.push_back(key.id);
  return values;
}

ResourceKey ResourceTable::KeyFromRow(sql::ResultSet& rs, unsigned first) const {
  ResourceKey key;
  unsigned column = first;
  if (!options_.root) {
    key.library_id = GetString(rs, column++);
    for (size_t i = 2; i < key_columns_.size(); ++i) key.parents.push_back(GetString(rs, column++));
  }
  key.id = GetString(rs, column);
  if (options_.root && options_.scope_field.empty()) key.library_id = key.id;
  return key;
}

std::string ResourceTable::Name(const ResourceKey& key) const {
  std::vector<std::string> ids;
  if (!options_.root) {
    ids.push_back(key.library_id);
    for (const auto& p : key.parents) ids.push_back(p);
  }
  ids.push_back(key.id);
  return pattern_.Format(ids);
}

absl::StatusOr<ResourceKey> ResourceTable::ParseName(absl::string_view name,
                                                     absl::string_view field) const {
  auto ids = pattern_.Parse(name, field);
  if (!ids.ok()) return ids.status();
  ResourceKey key;
  key.id = ids->back();
  if (options_.root) {
    if (options_.scope_field.empty()) key.library_id = key.id;
    return key;
  }
  key.library_id = ids->front();
  key.parents.assign(ids->begin() + 1, ids->end() - 1);
  return key;
}

std::string ResourceTable::ParentName(const ResourceKey& key) const {
  if (options_.root) return "";
  if (options_.parent == nullptr) return api::LibraryName(key.library_id);
  return options_.parent->Name(ParentKey(key));
}

ResourceKey ResourceTable::ParentKey(const ResourceKey& key) const {
  ResourceKey parent;
  parent.library_id = key.library_id;
  if (!key.parents.empty()) {
    parent.parents.assign(key.parents.begin(), key.parents.end() - 1);
    parent.id = key.parents.back();
  }
  return parent;
}

absl::StatusOr<ResourceKey> ResourceTable::ParseCreateParent(absl::string_view parent,
                                                             absl::string_view field) const {
  ResourceKey key;
  if (options_.root) {
    if (!parent.empty()) {
      return api::InvalidField(
          std::string(field),
          absl::StrCat(collection_, " have no parent; got ", api::Quote(parent)));
    }
    return key;
  }
  if (!parent_pattern_) {
    auto library = api::ParseLibraryName(parent, field);
    if (!library.ok()) return library.status();
    key.library_id = *library;
    return key;
  }
  auto ids = parent_pattern_->Parse(parent, field);
  if (!ids.ok()) return ids.status();
  key.library_id = ids->front();
  key.parents.assign(ids->begin() + 1, ids->end());
  return key;
}

absl::StatusOr<ParentFilter> ResourceTable::ParseListParent(absl::string_view parent,
                                                            absl::string_view field) const {
  ParentFilter filter;
  if (options_.root) {
    if (!parent.empty()) {
      return api::InvalidField(
          std::string(field),
          absl::StrCat(collection_, " have no parent; got ", api::Quote(parent)));
    }
    return filter;
  }
  const api::NamePattern& pattern = parent_pattern_ ? *parent_pattern_ : api::LibraryNamePattern();
  auto ids = pattern.ParseWithWildcards(parent, field);
  if (!ids.ok()) return ids.status();
  filter.library_id = ids->front();
  filter.parents.assign(ids->begin() + 1, ids->end());
  return filter;
}

void ResourceTable::ReadAnchors(sql::ResultSet& rs, const Message& m, Row* row) const {
  row->anchors.clear();
  unsigned column = anchors_column_;
  for (size_t i : anchored_) {
    row->anchors[fields_[i].field] = {
        StoredValue(m, plans_[i].descriptor, plans_[i].codec, fields_[i]),
        ReadStored(rs, column++, plans_[i].codec)};
  }
}

void ResourceTable::ReadRow(sql::ResultSet& rs, Row* row, Message* m) const {
  row->key = KeyFromRow(rs, 1);
  unsigned column = static_cast<unsigned>(key_columns_.size()) + 1;
  row->revision = rs.getInt64(column++);
  const absl::Time create_time = GetTime(rs, column++);
  const absl::Time update_time = GetTime(rs, column++);
  const Reflection* r = m->GetReflection();
  if (name_field_ != nullptr) r->SetString(m, name_field_, Name(row->key));
  if (etag_field_ != nullptr) {
    r->SetString(m, etag_field_, api::ComputeEtag(row->revision, update_time));
  }
  SetTime(m, create_time_field_, create_time);
  SetTime(m, update_time_field_, update_time);
  if (options_.soft_delete) SetTime(m, delete_time_field_, GetOptionalTime(rs, column++));
  for (size_t i = 0; i < fields_.size(); ++i) {
    const Plan& plan = plans_[i];
    if (plan.codec == Codec::kValues) {
      r->ClearField(m, plan.descriptor);
    } else {
      ReadField(rs, plan.select_column, plan.descriptor, plan.codec, fields_[i], m);
    }
  }
  if (values_column_ == 0 || rs.isNull(values_column_)) return;
  // The repeated fields' values: "field<kFieldSeparator>value" entries, by field and position.
  const std::string all = GetString(rs, values_column_);
  for (absl::string_view entry : absl::StrSplit(all, kValueSeparator)) {
    const size_t split = entry.find(kFieldSeparator);
    if (split == absl::string_view::npos) continue;
    const FieldDescriptor* f = nullptr;
    for (size_t i : value_fields_) {
      if (fields_[i].field == entry.substr(0, split)) {
        f = plans_[i].descriptor;
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

const std::string& ResourceTable::GetSql(Lock lock) const {
  return get_sql_[static_cast<int>(lock)];
}

absl::Status ResourceTable::Get(Session& session, const ResourceKey& key, Lock lock, Row* row,
                                Message* out) const {
  const std::string& sql = GetSql(lock);
  return session.Run([&]() -> absl::Status {
    auto rs = session.QueryValues(sql, KeyValues(key));
    if (!rs->next()) {
      const std::string name = Name(key);
      return api::Error(absl::StatusCode::kNotFound, "RESOURCE_NOT_FOUND",
                        absl::StrCat(name, " does not exist"), {{"resource", name}});
    }
    ReadRow(*rs, row, out);
    ReadAnchors(*rs, *out, row);
    row->extra.clear();
    for (size_t i = 0; i < options_.extra_columns.size(); ++i) {
      const unsigned column = extra_column_ + static_cast<unsigned>(i);
      row->extra.push_back(rs->isNull(column) ? SqlValue(Null{})
                                              : SqlValue(GetString(*rs, column)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ResourceTable::Row>> ResourceTable::List(
    Session& session, const ResourceListQuery& query, const std::function<Message*()>& add) const {
  std::vector<SqlClause> conditions;
  if (query.parent.library_id)
    conditions.push_back({"t.library_id = ?", {*query.parent.library_id}});
  for (size_t i = 0; i < query.parent.parents.size(); ++i) {
    if (!query.parent.parents[i]) continue;
    conditions.push_back(
        {absl::StrCat("t.", key_columns_[i + 1], " = ?"), {*query.parent.parents[i]}});
  }
  if (!query.show_deleted && options_.soft_delete)
    conditions.push_back({"t.delete_time IS NULL", {}});
  conditions.push_back(query.condition);
  auto statement = scope::ListStatement(select_, columns_, key_order_, scope_column_,
                                        std::move(conditions), query.window);
  if (!statement.ok()) return statement.status();
  return session.Run([&]() -> absl::StatusOr<std::vector<Row>> {
    auto rs = session.QueryValues(statement->sql, statement->params);
    std::vector<Row> rows;
    while (rs->next()) {
      rows.emplace_back();
      ReadRow(*rs, &rows.back(), add());
    }
    return rows;
  });
}

std::vector<std::string> ResourceTable::SortKey(const Row& row, const Message& m,
                                                const std::vector<api::OrderTerm>& order) const {
  std::vector<std::string> key;
  for (const auto& term : order) {
    const std::string& field = term.field->name;
    if (field == "create_time" || field == "update_time") {
      const FieldDescriptor* f = field == "create_time" ? create_time_field_ : update_time_field_;
      auto t = GetTimeField(m, f);
      key.push_back(t ? ToSqlDatetime(*t) : kNoTimeSortValue);
      continue;
    }
    if (field == "name") {
      key.push_back(Name(row.key));
      continue;
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].field != field) continue;
      key.push_back(SortText(StoredValue(m, plans_[i].descriptor, plans_[i].codec, fields_[i]),
                             plans_[i].codec));
      break;
    }
  }
  for (const SqlValue& v : KeyValues(row.key)) key.push_back(std::get<std::string>(v));
  return key;
}

std::vector<SqlValue> ResourceTable::StoredValues(const Row& row, const Message& m,
                                                  std::vector<size_t>* kept) const {
  std::vector<SqlValue> values = {row.revision,
                                  GetTimeField(m, create_time_field_).value_or(absl::UnixEpoch()),
                                  GetTimeField(m, update_time_field_).value_or(absl::UnixEpoch())};
  if (options_.soft_delete) {
    values.push_back(Null{});
    if (auto t = GetTimeField(m, delete_time_field_)) values.back() = *t;
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!plans_[i].written) continue;
    SqlValue value = StoredValue(m, plans_[i].descriptor, plans_[i].codec, fields_[i]);
    auto anchor = row.anchors.find(fields_[i].field);
    // Only an anchor the shown value differs from needs keeping (and checking).
    if (kept != nullptr && anchor != row.anchors.end() && SameValue(value, anchor->second.first) &&
        !SameValue(anchor->second.first, anchor->second.second)) {
      value = anchor->second.second;  // unchanged since read: keep what is stored
      kept->push_back(i);
    }
    values.push_back(std::move(value));
  }
  if (!value_fields_.empty() && !options_.values_column.empty()) {
    std::string encoded = EncodeValues(m);
    values.push_back(encoded.empty() ? SqlValue(Null{}) : SqlValue(std::move(encoded)));
  }
  return values;
}

std::string ResourceTable::EncodeValues(const Message& m) const {
  std::string out;
  const Reflection* r = m.GetReflection();
  for (size_t i : value_fields_) {
    const FieldDescriptor* f = plans_[i].descriptor;
    for (int j = 0; j < r->FieldSize(m, f); ++j) {
      if (!out.empty()) out += kValueSeparator;
      absl::StrAppend(&out, fields_[i].field, std::string(1, kFieldSeparator),
                      RepeatedText(m, f, j));
    }
  }
  return out;
}

absl::Status ResourceTable::RefreshValuesColumn(Session& session, const ResourceKey& key) const {
  if (refresh_values_sql_.empty()) return absl::OkStatus();
  return session.Run([&]() -> absl::Status {
    session.ExecuteValues(refresh_values_sql_, KeyValues(key));
    return absl::OkStatus();
  });
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
    if (!value_fields_.empty()) WriteValues(session, row, m, replace_values);
    return absl::OkStatus();
  });
}

absl::Status ResourceTable::Insert(Session& session, const Row& row, const Message& m) const {
  std::vector<SqlValue> values = KeyValues(row.key);
  for (SqlValue& v : StoredValues(row, m, nullptr)) values.push_back(std::move(v));
  for (size_t i = 0; i < options_.extra_columns.size(); ++i) {
    values.push_back(i < row.extra.size() ? row.extra[i] : SqlValue(Null{}));
  }
  return Write(session, insert_sql_, values, row, m, /*replace_values=*/false);
}

absl::Status ResourceTable::InsertMany(Session& session, const std::vector<Row>& rows,
                                       const std::vector<const Message*>& messages) const {
  // Statements of at most this many rows, or repeated values (placeholders stay well under the
  // protocol's 65535; a few sizes recur, so the statement cache holds them).
  constexpr size_t kRowsPerStatement = 250;
  constexpr size_t kValuesPerStatement = 1000;
  static const std::string kValuesPrefix =
      "INSERT INTO resource_values (library_id, collection, owner_id, field, position, value) "
      "VALUES ";
  return session.Run([&]() -> absl::Status {
    for (size_t start = 0; start < rows.size(); start += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, rows.size() - start);
      std::vector<SqlValue> values;
      values.reserve(n * (key_columns_.size() + fields_.size() + 8));
      for (size_t i = start; i < start + n; ++i) {
        for (SqlValue& v : KeyValues(rows[i].key)) values.push_back(std::move(v));
        for (SqlValue& v : StoredValues(rows[i], *messages[i], nullptr)) {
          values.push_back(std::move(v));
        }
        for (size_t e = 0; e < options_.extra_columns.size(); ++e) {
          values.push_back(e < rows[i].extra.size() ? rows[i].extra[e] : SqlValue(Null{}));
        }
      }
      std::string sql = insert_prefix_;
      for (size_t i = 0; i < n; ++i) absl::StrAppend(&sql, i == 0 ? "" : ", ", insert_row_);
      try {
        session.ExecuteValues(sql, values);
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != kErDupEntry) throw;
        return DuplicateError(e, Name(rows[start].key));
      }
    }
    if (value_fields_.empty()) return absl::OkStatus();
    std::vector<SqlValue> values;
    size_t pending = 0;
    auto flush = [&]() {
      if (pending == 0) return;
      std::string sql = kValuesPrefix;
      for (size_t i = 0; i < pending; ++i) {
        absl::StrAppend(&sql, i == 0 ? "" : ", ", "(?, ?, ?, ?, ?, ?)");
      }
      session.ExecuteValues(sql, values);
      values.clear();
      pending = 0;
    };
    for (size_t i = 0; i < rows.size(); ++i) {
      const Message& m = *messages[i];
      const Reflection* r = m.GetReflection();
      const std::string owner = rows[i].key.OwnerId();
      for (size_t v : value_fields_) {
        const FieldDescriptor* f = plans_[v].descriptor;
        for (int j = 0; j < r->FieldSize(m, f); ++j) {
          values.insert(values.end(),
                        {SqlValue(rows[i].key.library_id), SqlValue(path_), SqlValue(owner),
                         SqlValue(fields_[v].field), SqlValue(static_cast<int64_t>(j)),
                         SqlValue(RepeatedText(m, f, j))});
          if (++pending == kValuesPerStatement) flush();
        }
      }
    }
    flush();
    return absl::OkStatus();
  });
}

absl::Status ResourceTable::Update(Session& session, const Row& row, const Message& m) const {
  std::vector<size_t> kept;
  std::vector<SqlValue> values = StoredValues(row, m, &kept);
  for (SqlValue& v : KeyValues(row.key)) values.push_back(std::move(v));
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
    shown.push_back(StoredValue(m, plans_[i].descriptor, plans_[i].codec, fields_[i]));
  }
  return session.Run([&]() -> absl::Status {
    auto rs = session.QueryValues(absl::StrCat("SELECT ", absl::StrJoin(computed, ", "), " FROM ",
                                               table_, " t WHERE ", KeyCondition("t.")),
                                  KeyValues(row.key));
    bool same = rs->next();
    for (size_t k = 0; same && k < kept.size(); ++k) {
      same =
          SameValue(ReadStored(*rs, static_cast<unsigned>(k + 1), plans_[kept[k]].codec), shown[k]);
    }
    if (same) return absl::OkStatus();
    for (SqlValue& v : KeyValues(row.key)) shown.push_back(std::move(v));
    session.ExecuteValues(
        absl::StrCat("UPDATE ", table_, " t SET ", absl::StrJoin(assignments, ", "), " WHERE ",
                     KeyCondition("t.")),
        shown);
    return absl::OkStatus();
  });
}

// Inside Session::Run.
void ResourceTable::WriteValues(Session& session, const Row& row, const Message& m,
                                bool replace) const {
  static const std::string kClear =
      "DELETE FROM resource_values WHERE library_id = ? AND collection = ? AND owner_id = ?";
  static const std::string kInsert =
      "INSERT INTO resource_values (library_id, collection, owner_id, field, position, value) "
      "VALUES (?, ?, ?, ?, ?, ?)";
  const std::string owner = row.key.OwnerId();
  if (replace) session.Execute(kClear, row.key.library_id, path_, owner);
  const Reflection* r = m.GetReflection();
  for (size_t i : value_fields_) {
    const FieldDescriptor* f = plans_[i].descriptor;
    for (int j = 0; j < r->FieldSize(m, f); ++j) {
      session.Execute(kInsert, row.key.library_id, path_, owner, fields_[i].field, j,
                      RepeatedText(m, f, j));
    }
  }
}

absl::Status ResourceTable::Touch(Session& session, const ResourceKey& key, absl::Time when) const {
  std::vector<SqlValue> values = {when};
  for (SqlValue& v : KeyValues(key)) values.push_back(std::move(v));
  return session.Run([&]() -> absl::Status {
    session.ExecuteValues(touch_sql_, values);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> ResourceTable::SoftDelete(Session& session, const ResourceKey& key,
                                               absl::Time when) const {
  std::vector<SqlValue> values = {when, when};
  for (SqlValue& v : KeyValues(key)) values.push_back(std::move(v));
  return session.Run([&]() -> absl::StatusOr<bool> {
    return session.ExecuteValues(soft_delete_sql_, values) > 0;
  });
}

absl::StatusOr<ResourceTable::RowState> ResourceTable::State(Session& session,
                                                             const ResourceKey& key,
                                                             Lock lock) const {
  return session.Run([&]() -> absl::StatusOr<RowState> {
    auto rs = session.QueryValues(state_sql_[static_cast<int>(lock)], KeyValues(key));
    if (!rs->next()) return RowState::kMissing;
    return rs->getBoolean(1) ? RowState::kLive : RowState::kDeleted;
  });
}

absl::StatusOr<std::optional<ResourceKey>> ResourceTable::FindByField(
    Session& session, absl::string_view library_id, absl::string_view field,
    absl::string_view value, const ResourceKey& except) const {
  const FieldColumn* fc = Find(field);
  if (fc == nullptr || fc->column.empty()) {
    return absl::InternalError(absl::StrCat("no stored column for ", field));
  }
  const std::string sql =
      absl::StrCat("SELECT ", key_select_, " FROM ", table_, " t WHERE ",
                   options_.root ? "" : "t.library_id = ? AND ", "t.", fc->column, " = ? AND NOT (",
                   KeyCondition("t."), ") LIMIT 1");
  std::vector<SqlValue> values;
  if (!options_.root) values.push_back(std::string(library_id));
  values.push_back(std::string(value));
  for (SqlValue& v : KeyValues(except)) values.push_back(std::move(v));
  return session.Run([&]() -> absl::StatusOr<std::optional<ResourceKey>> {
    auto rs = session.QueryValues(sql, values);
    if (!rs->next()) return std::optional<ResourceKey>();
    return std::optional<ResourceKey>(KeyFromRow(*rs, 1));
  });
}

namespace {

// A resource_values owner id back to a key of `table` ("p/s" -> parents {p}, id s).
ResourceKey OwnerKey(const std::string& library_id, absl::string_view owner) {
  ResourceKey key;
  key.library_id = library_id;
  std::vector<std::string> ids = absl::StrSplit(owner, '/');
  key.id = ids.back();
  ids.pop_back();
  key.parents = std::move(ids);
  return key;
}

}  // namespace

absl::StatusOr<std::vector<ResourceKey>> ResourceTable::Holding(
    Session& session, const std::optional<std::string>& library_id, absl::string_view field,
    absl::string_view value, Lock lock, const std::string& where) const {
  const FieldColumn* fc = Find(field);
  if (fc == nullptr) return absl::InternalError(absl::StrCat("no field ", field, " in ", table_));
  std::vector<SqlValue> values;
  std::string sql;
  const bool repeated = fc->column.empty();
  if (repeated) {
    sql = absl::StrCat("SELECT DISTINCT library_id, owner_id FROM resource_values WHERE ",
                       library_id ? "library_id = ? AND " : "",
                       "collection = ? AND field = ? AND value = ? ORDER BY library_id, owner_id",
                       LockSuffix(lock));
    if (library_id) values.push_back(*library_id);
    values.push_back(path_);
    values.push_back(std::string(field));
  } else {
    sql = absl::StrCat("SELECT ", key_select_, " FROM ", table_, " t WHERE ",
                       library_id && !options_.root ? "t.library_id = ? AND " : "", "t.",
                       fc->column, " = ?", where.empty() ? "" : absl::StrCat(" AND (", where, ")"),
                       " ORDER BY ", key_select_, LockSuffix(lock));
    if (library_id && !options_.root) values.push_back(*library_id);
  }
  absl::string_view stored = value;
  if (!fc->id_prefix.empty()) absl::ConsumePrefix(&stored, fc->id_prefix);
  values.push_back(std::string(stored));
  return session.Run([&]() -> absl::StatusOr<std::vector<ResourceKey>> {
    auto rs = session.QueryValues(sql, values);
    std::vector<ResourceKey> keys;
    while (rs->next()) {
      keys.push_back(repeated ? OwnerKey(GetString(*rs, 1), GetString(*rs, 2))
                              : KeyFromRow(*rs, 1));
    }
    return keys;
  });
}

absl::StatusOr<std::vector<ResourceKey>> ResourceTable::Replace(
    Session& session, const std::optional<std::string>& library_id, absl::string_view field,
    absl::string_view from, absl::string_view to) const {
  auto holders = Holding(session, library_id, field, from, Lock::kUpdate);
  if (!holders.ok() || holders->empty()) return holders;
  const FieldColumn* fc = Find(field);
  const std::string in_library = library_id ? "library_id = ? AND " : "";
  absl::Status moved = session.Run([&]() -> absl::Status {
    if (fc->column.empty()) {
      // Both statements take (to, [library], collection, field, from): an owner already holding
      // `to` loses `from`, then the others' `from` becomes `to`.
      std::vector<SqlValue> args = {std::string(to)};
      if (library_id) args.push_back(*library_id);
      for (absl::string_view v : {absl::string_view(path_), field, from}) {
        args.push_back(std::string(v));
      }
      session.ExecuteValues(
          absl::StrCat("DELETE v FROM resource_values v JOIN resource_values w ON "
                       "w.library_id = v.library_id AND w.collection = v.collection AND "
                       "w.owner_id = v.owner_id AND w.field = v.field AND w.value = ? WHERE ",
                       library_id ? "v.library_id = ? AND " : "",
                       "v.collection = ? AND v.field = ? AND v.value = ?"),
          args);
      session.ExecuteValues(absl::StrCat("UPDATE resource_values SET value = ? WHERE ", in_library,
                                         "collection = ? AND field = ? AND value = ?"),
                            args);
      for (const ResourceKey& key : *holders) {
        absl::Status refreshed = RefreshValuesColumn(session, key);
        if (!refreshed.ok()) return refreshed;
      }
      return absl::OkStatus();
    }
    absl::string_view stored_from = from, stored_to = to;
    if (!fc->id_prefix.empty()) {
      absl::ConsumePrefix(&stored_from, fc->id_prefix);
      absl::ConsumePrefix(&stored_to, fc->id_prefix);
    }
    std::vector<SqlValue> values = {std::string(stored_to)};
    if (library_id && !options_.root) values.push_back(*library_id);
    values.push_back(std::string(stored_from));
    session.ExecuteValues(
        absl::StrCat("UPDATE ", table_, " SET ", fc->column, " = ? WHERE ",
                     library_id && !options_.root ? "library_id = ? AND " : "", fc->column, " = ?"),
        values);
    return absl::OkStatus();
  });
  if (!moved.ok()) return moved;
  return holders;
}

absl::StatusOr<std::vector<ResourceKey>> ResourceTable::LiveChildren(Session& session,
                                                                     const ResourceKey& parent,
                                                                     int limit) const {
  if (options_.parent == nullptr) return std::vector<ResourceKey>();
  std::vector<std::string> where;
  for (size_t i = 0; i + 1 < key_columns_.size(); ++i) {
    where.push_back(absl::StrCat("t.", key_columns_[i], " = ?"));
  }
  const std::string sql = absl::StrCat(
      "SELECT ", key_select_, " FROM ", table_, " t WHERE ", absl::StrJoin(where, " AND "),
      options_.soft_delete ? " AND t.delete_time IS NULL" : "", " ORDER BY t.id",
      limit > 0 ? absl::StrCat(" LIMIT ", limit) : "", " FOR UPDATE");
  std::vector<SqlValue> values = options_.parent->KeyValues(parent);
  return session.Run([&]() -> absl::StatusOr<std::vector<ResourceKey>> {
    auto rs = session.QueryValues(sql, values);
    std::vector<ResourceKey> out;
    while (rs->next()) out.push_back(KeyFromRow(*rs, 1));
    return out;
  });
}

// ---------------------------------------------------------------------------------------------
// The registry.

std::vector<const ResourceTable*> Tables() {
  static const bool declared = [] {
    DeclareBuiltInTables();
    return true;
  }();
  (void)declared;
  std::lock_guard<std::mutex> lock(TheRegistry().mu);
  return TheRegistry().tables;
}

const ResourceTable* TableOfCollection(absl::string_view path) {
  for (const ResourceTable* t : Tables()) {
    if (t->collection_path() == path) return t;
  }
  return nullptr;
}

const ResourceTable* TableOfName(absl::string_view name) {
  // The collection path a name has the form of: "libraries/{l}/a/{x}/b/{y}" -> "a/b",
  // "libraries/{l}" -> "libraries", "apiKeys/{k}" -> "apiKeys".
  std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  if (segments.size() < 2 || segments.size() % 2 != 0) return nullptr;
  std::vector<absl::string_view> collections;
  const size_t first = segments.size() > 2 && segments[0] == "libraries" ? 2 : 0;
  for (size_t i = first; i < segments.size(); i += 2) collections.push_back(segments[i]);
  const ResourceTable* table = TableOfCollection(absl::StrJoin(collections, "/"));
  if (table == nullptr || !table->ParseName(name, "").ok()) return nullptr;
  return table;
}

std::vector<const ResourceTable*> ChildrenOf(const ResourceTable& parent) {
  std::vector<const ResourceTable*> out;
  for (const ResourceTable* t : Tables()) {
    if (t->parent() == &parent) out.push_back(t);
  }
  return out;
}

}  // namespace allies::storage
