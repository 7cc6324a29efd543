// Field-level operations on resource messages, by reflection: update masks (AIP-134), copying
// the named fields, and telling which fields differ (for the activity log).
#ifndef ALLIES_API_FIELDS_H_
#define ALLIES_API_FIELDS_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace allies::api {

// The fields an update_mask names, resolved against the mutable ones ("*" means all of them).
// INVALID_ARGUMENT on "update_mask" when it is empty, names an unknown field, or one that cannot
// change (output only or immutable); the message lists the updatable fields.
absl::StatusOr<std::vector<std::string>> ResolveUpdateMask(
    const google::protobuf::FieldMask& mask, const std::vector<std::string>& mutable_fields,
    const google::protobuf::Descriptor* message);

// Whether `fields` (as ResolveUpdateMask gives them) names `field`.
bool HasPath(const std::vector<std::string>& fields, absl::string_view field);

// Sets each named top-level field of `to` to its value in `from` (same message type).
void CopyFields(const google::protobuf::Message& from, const std::vector<std::string>& fields,
                google::protobuf::Message* to);

// The text of a singular string field ("" when there is no such field).
std::string StringField(const google::protobuf::Message& message, absl::string_view field);
// The non-empty texts of a string field, singular or repeated, in order.
std::vector<std::string> StringValues(const google::protobuf::Message& message,
                                      absl::string_view field);

// The named fields whose values differ between `before` and `after`, in the order given.
std::vector<std::string> ChangedFields(const google::protobuf::Message& before,
                                       const google::protobuf::Message& after,
                                       const std::vector<std::string>& fields);

}  // namespace allies::api

#endif  // ALLIES_API_FIELDS_H_
