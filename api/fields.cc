#include "api/fields.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/errors.h"

namespace allies::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::vector<const FieldDescriptor*> Descriptors(const Message& m,
                                                const std::vector<std::string>& fields) {
  std::vector<const FieldDescriptor*> out;
  for (const std::string& name : fields) {
    if (const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name)) out.push_back(f);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask, const std::vector<std::string>& mutable_fields,
    const google::protobuf::Descriptor* message) {
  if (mask.paths_size() == 0) {
    return InvalidField("update_mask",
                        absl::StrCat("is required: name the fields to change (",
                                     absl::StrJoin(mutable_fields, ", "), ") or \"*\""));
  }
  FieldViolations v;
  std::vector<std::string> fields;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      fields = mutable_fields;
      continue;
    }
    if (std::find(mutable_fields.begin(), mutable_fields.end(), path) != mutable_fields.end()) {
      if (std::find(fields.begin(), fields.end(), path) == fields.end()) fields.push_back(path);
    } else if (message != nullptr && message->FindFieldByName(path) != nullptr) {
      v.Add("update_mask",
            absl::StrCat(Quote(path), " cannot be changed (output only or immutable)"));
    } else {
      v.Add("update_mask", absl::StrCat("unknown field ", Quote(path), "; updatable fields are ",
                                        absl::StrJoin(mutable_fields, ", ")));
    }
  }
  if (!v.empty()) return v.ToStatus();
  return fields;
}

bool HasPath(const std::vector<std::string>& fields, absl::string_view field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

void CopyFields(const Message& from, const std::vector<std::string>& fields, Message* to) {
  std::unique_ptr<Message> copy(from.New());
  copy->CopyFrom(from);
  to->GetReflection()->SwapFields(copy.get(), to, Descriptors(from, fields));
}

std::string StringField(const Message& message, absl::string_view field) {
  const FieldDescriptor* f = message.GetDescriptor()->FindFieldByName(std::string(field));
  if (f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  return message.GetReflection()->GetString(message, f);
}

std::vector<std::string> StringValues(const Message& message, absl::string_view field) {
  std::vector<std::string> out;
  const FieldDescriptor* f = message.GetDescriptor()->FindFieldByName(std::string(field));
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) return out;
  const auto* r = message.GetReflection();
  if (!f->is_repeated()) {
    out.push_back(r->GetString(message, f));
  } else {
    for (int i = 0; i < r->FieldSize(message, f); ++i) {
      out.push_back(r->GetRepeatedString(message, f, i));
    }
  }
  out.erase(std::remove(out.begin(), out.end(), ""), out.end());
  return out;
}

namespace {

// Whether field `f` holds the same in `a` and `b` (messages of one type), as MessageDifferencer
// says, without building one per field (an import compares every field of every row).
bool SameField(const Message& a, const Message& b, const FieldDescriptor* f) {
  using google::protobuf::util::MessageDifferencer;
  const google::protobuf::Reflection* r = a.GetReflection();
  if (!f->is_repeated()) {
    if (f->has_presence() && r->HasField(a, f) != r->HasField(b, f)) return false;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string sa, sb;
        return r->GetStringReference(a, f, &sa) == r->GetStringReference(b, f, &sb);
      }
      case FieldDescriptor::CPPTYPE_ENUM:
        return r->GetEnumValue(a, f) == r->GetEnumValue(b, f);
      case FieldDescriptor::CPPTYPE_BOOL:
        return r->GetBool(a, f) == r->GetBool(b, f);
      case FieldDescriptor::CPPTYPE_INT32:
        return r->GetInt32(a, f) == r->GetInt32(b, f);
      case FieldDescriptor::CPPTYPE_INT64:
        return r->GetInt64(a, f) == r->GetInt64(b, f);
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return !r->HasField(a, f) ||
               MessageDifferencer::Equals(r->GetMessage(a, f), r->GetMessage(b, f));
      default: {  // doubles and the rest: as MessageDifferencer compares them
        MessageDifferencer d;
        return d.CompareWithFields(a, b, {f}, {f});
      }
    }
  }
  const int n = r->FieldSize(a, f);
  if (n != r->FieldSize(b, f)) return false;
  for (int i = 0; i < n; ++i) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string sa, sb;
        if (r->GetRepeatedStringReference(a, f, i, &sa) !=
            r->GetRepeatedStringReference(b, f, i, &sb)) {
          return false;
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM:
        if (r->GetRepeatedEnumValue(a, f, i) != r->GetRepeatedEnumValue(b, f, i)) return false;
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (!MessageDifferencer::Equals(r->GetRepeatedMessage(a, f, i),
                                        r->GetRepeatedMessage(b, f, i))) {
          return false;
        }
        break;
      default: {
        MessageDifferencer d;
        return d.CompareWithFields(a, b, {f}, {f});
      }
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> ChangedFields(const Message& before, const Message& after,
                                       const std::vector<std::string>& fields) {
  std::vector<std::string> changed;
  for (const FieldDescriptor* f : Descriptors(before, fields)) {
    if (!SameField(before, after, f)) changed.push_back(f->name());
  }
  return changed;
}

}  // namespace allies::api
