#include "api/errors.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "api/utf8.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace allies::api {
namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/";

template <typename Message>
std::string TypeUrl() {
  return std::string(kTypePrefix) + Message::descriptor()->full_name();
}

template <typename Message>
void AttachPayload(absl::Status& status, const Message& message) {
  status.SetPayload(TypeUrl<Message>(), absl::Cord(message.SerializeAsString()));
}

}  // namespace

absl::Status Error(absl::StatusCode code, absl::string_view reason, absl::string_view message,
                   const std::vector<std::pair<std::string, std::string>>& metadata) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  AttachPayload(status, info);
  return status;
}

absl::Status Precondition(absl::string_view reason, absl::string_view message,
                          const std::vector<std::pair<std::string, std::string>>& metadata) {
  return Error(absl::StatusCode::kFailedPrecondition, reason, message, metadata);
}

void FieldViolations::Merge(const FieldViolations& other, absl::string_view from,
                            absl::string_view to) {
  for (const auto& [field, description] : other.violations_) {
    if (from != to && absl::StartsWith(field, from) &&
        (field.size() == from.size() || field[from.size()] == '.' || field[from.size()] == '_')) {
      violations_.emplace_back(absl::StrCat(to, field.substr(from.size())), description);
    } else {
      violations_.emplace_back(field, description);
    }
  }
}

void FieldViolations::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
}

void FieldViolations::AddFrom(const absl::Status& status, absl::string_view field) {
  if (status.ok()) return;
  google::rpc::BadRequest bad_request;
  auto payload = status.GetPayload(TypeUrl<google::rpc::BadRequest>());
  if (payload && bad_request.ParseFromString(std::string(*payload)) &&
      bad_request.field_violations_size() > 0) {
    for (const auto& v : bad_request.field_violations()) Add(v.field(), v.description());
    return;
  }
  Add(std::string(field), std::string(status.message()));
}

absl::Status FieldViolations::ToStatus(absl::string_view reason) const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message;
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations_) {
    if (!message.empty()) message += "; ";
    message += field + ": " + description;
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field);
    violation->set_description(description);
  }
  absl::Status status = Error(absl::StatusCode::kInvalidArgument, reason, message);
  AttachPayload(status, bad_request);
  return status;
}

absl::Status InvalidField(std::string field, std::string description, absl::string_view reason) {
  FieldViolations violations;
  violations.Add(std::move(field), std::move(description));
  return violations.ToStatus(reason);
}

std::string Quote(absl::string_view value) {
  constexpr size_t kMaxChars = 64;
  size_t chars = 0, end = 0;
  while (end < value.size() && chars < kMaxChars) {
    ++end;
    while (end < value.size() && (static_cast<unsigned char>(value[end]) & 0xc0) == 0x80) ++end;
    ++chars;
  }
  std::string out = "\"";
  out += ToValidUtf8(value.substr(0, end));
  if (end < value.size()) out += "…";
  out += "\"";
  return out;
}

std::string ErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(TypeUrl<google::rpc::ErrorInfo>());
  if (!payload) return "";
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));
  bool has_info = false;
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    // Internal markers (e.g. storage's "retryable") stay inside the process.
    if (!absl::StartsWith(type_url, kTypePrefix)) return;
    auto* any = proto.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
    if (type_url == TypeUrl<google::rpc::ErrorInfo>()) has_info = true;
  });
  if (!has_info) {
    google::rpc::ErrorInfo info;
    info.set_reason(absl::AsciiStrToUpper(absl::StatusCodeToString(status.code())));
    info.set_domain(std::string(kErrorDomain));
    proto.add_details()->PackFrom(info);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), proto.message(),
                      proto.SerializeAsString());
}

}  // namespace allies::api
