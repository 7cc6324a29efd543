#include "clients/alliesctl/describe.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/alliesctl/output.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "google/type/money.pb.h"

namespace allies::ctl {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Messages shown as one value, as the tables show them.
bool IsValueType(const Descriptor& type) {
  return &type == google::protobuf::Timestamp::descriptor() ||
         &type == google::type::Date::descriptor() || &type == google::type::Money::descriptor() ||
         &type == google::protobuf::Duration::descriptor() ||
         &type == google::protobuf::FieldMask::descriptor();
}

std::string ValueTypeText(const Message& message) {
  const Descriptor* type = message.GetDescriptor();
  if (type == google::protobuf::Timestamp::descriptor()) {
    google::protobuf::Timestamp time;
    time.CopyFrom(message);
    return FormatTimestamp(time);
  }
  if (type == google::type::Date::descriptor()) {
    google::type::Date date;
    date.CopyFrom(message);
    return FormatDate(date);
  }
  if (type == google::type::Money::descriptor()) {
    google::type::Money money;
    money.CopyFrom(message);
    return FormatMoney(money);
  }
  if (type == google::protobuf::Duration::descriptor()) {
    google::protobuf::Duration duration;
    duration.CopyFrom(message);
    if (duration.seconds() == 0 && duration.nanos() == 0) return "";
    return duration.nanos() == 0 ? absl::StrCat(duration.seconds(), "s")
                                 : absl::StrCat(duration.seconds() + duration.nanos() / 1e9, "s");
  }
  google::protobuf::FieldMask mask;
  mask.CopyFrom(message);
  return absl::StrJoin(mask.paths(), ", ");
}

// The text of a scalar field (index -1: a singular one) or of a value-type message.
std::string ScalarText(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  const bool one = index < 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(one ? r.GetInt32(message, &field)
                              : r.GetRepeatedInt32(message, &field, index));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(one ? r.GetInt64(message, &field)
                              : r.GetRepeatedInt64(message, &field, index));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(one ? r.GetUInt32(message, &field)
                              : r.GetRepeatedUInt32(message, &field, index));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(one ? r.GetUInt64(message, &field)
                              : r.GetRepeatedUInt64(message, &field, index));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(one ? r.GetDouble(message, &field)
                              : r.GetRepeatedDouble(message, &field, index));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(one ? r.GetFloat(message, &field)
                              : r.GetRepeatedFloat(message, &field, index));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (one ? r.GetBool(message, &field) : r.GetRepeatedBool(message, &field, index))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumName(*field.enum_type(), one ? r.GetEnumValue(message, &field)
                                              : r.GetRepeatedEnumValue(message, &field, index));
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text =
          one ? r.GetString(message, &field) : r.GetRepeatedString(message, &field, index);
      if (field.type() == FieldDescriptor::TYPE_BYTES && !text.empty()) {
        return absl::StrCat("(", text.size(), " bytes)");
      }
      return text;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return ValueTypeText(one ? r.GetMessage(message, &field)
                               : r.GetRepeatedMessage(message, &field, index));
  }
  return "";
}

std::string Spaces(size_t n) { return std::string(n, ' '); }

// `text` after a label ending at column `column`: kEmptyCell when empty; each line break
// continues at that column.
std::string ValueText(const std::string& text, size_t column) {
  if (text.empty()) return kEmptyCell;
  std::string out = absl::StrReplaceAll(text, {{"\r\n", "\n"}});
  return absl::StrReplaceAll(out, {{"\n", absl::StrCat("\n", Spaces(column))}});
}

bool IsBlockMessage(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         !IsValueType(*field.message_type());
}

void DescribeFields(const Message& message, size_t indent, std::string* out);

// The lines of one list item or map value that is a message, its first field after `prefix`
// ("- ") at `indent`.
void DescribeItem(const Message& item, size_t indent, absl::string_view prefix, std::string* out) {
  std::string body;
  DescribeFields(item, indent + prefix.size(), &body);
  if (body.empty()) {
    absl::StrAppend(out, Spaces(indent), prefix, "{}\n");
    return;
  }
  body.replace(indent, prefix.size(), prefix.data(), prefix.size());
  absl::StrAppend(out, body);
}

void DescribeMap(const Message& message, const FieldDescriptor& field, size_t indent,
                 std::string* out) {
  const Reflection& r = *message.GetReflection();
  const FieldDescriptor& key = *field.message_type()->map_key();
  const FieldDescriptor& value = *field.message_type()->map_value();
  std::vector<std::pair<std::string, const Message*>> entries;
  for (int i = 0; i < r.FieldSize(message, &field); ++i) {
    const Message& entry = r.GetRepeatedMessage(message, &field, i);
    entries.emplace_back(ScalarText(entry, key, -1), &entry);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t width = 0;
  for (const auto& [text, entry] : entries) width = std::max(width, DisplayWidth(text) + 1);
  for (const auto& [text, entry] : entries) {
    if (IsBlockMessage(value)) {
      absl::StrAppend(out, Spaces(indent), text, ":\n");
      DescribeFields(entry->GetReflection()->GetMessage(*entry, &value), indent + 2, out);
      continue;
    }
    const size_t column = indent + width + 1;
    absl::StrAppend(out, Spaces(indent), text, ":", Spaces(width - DisplayWidth(text)),
                    ValueText(ScalarText(*entry, value, -1), column), "\n");
  }
}

void DescribeFields(const Message& message, size_t indent, std::string* out) {
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  size_t width = 0;  // The labels of one level line up their values.
  for (int i = 0; i < type.field_count(); ++i)
    width = std::max(width, type.field(i)->name().size());
  width += 1;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    const std::string label = absl::StrCat(Spaces(indent), field.name(), ":");
    const std::string pad = Spaces(width - field.name().size());
    const size_t column = indent + width + 1;
    if (field.is_repeated()) {
      const int size = r.FieldSize(message, &field);
      if (size == 0) {
        absl::StrAppend(out, label, pad, kEmptyCell, "\n");
      } else if (field.is_map()) {
        absl::StrAppend(out, label, "\n");
        DescribeMap(message, field, indent + 2, out);
      } else {
        absl::StrAppend(out, label, "\n");
        for (int j = 0; j < size; ++j) {
          if (IsBlockMessage(field)) {
            DescribeItem(r.GetRepeatedMessage(message, &field, j), indent + 2, "- ", out);
          } else {
            absl::StrAppend(out, Spaces(indent + 2), "- ",
                            ValueText(ScalarText(message, field, j), indent + 4), "\n");
          }
        }
      }
      continue;
    }
    if (IsBlockMessage(field)) {
      if (!r.HasField(message, &field)) {
        absl::StrAppend(out, label, pad, kEmptyCell, "\n");
      } else {
        absl::StrAppend(out, label, "\n");
        DescribeFields(r.GetMessage(message, &field), indent + 2, out);
      }
      continue;
    }
    const bool unset = (field.has_presence() && !r.HasField(message, &field));
    absl::StrAppend(
        out, label, pad,
        unset ? std::string(kEmptyCell) : ValueText(ScalarText(message, field, -1), column), "\n");
  }
}

}  // namespace

std::string DescribeMessage(const google::protobuf::Message& message) {
  std::string out;
  DescribeFields(message, 0, &out);
  return out;
}

}  // namespace allies::ctl
