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

std::vector<std::string> ChangedFields(const Message& before, const Message& after,
                                       const std::vector<std::string>& fields) {
  std::vector<std::string> changed;
  google::protobuf::util::MessageDifferencer differencer;
  for (const FieldDescriptor* f : Descriptors(before, fields)) {
    if (!differencer.CompareWithFields(before, after, {f}, {f})) changed.push_back(f->name());
  }
  return changed;
}

}  // namespace allies::api
