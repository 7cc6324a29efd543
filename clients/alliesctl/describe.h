// The view of `alliesctl <resource> describe NAME`: every field of a message, by reflection.
#ifndef ALLIES_CLIENTS_ALLIESCTL_DESCRIBE_H_
#define ALLIES_CLIENTS_ALLIESCTL_DESCRIBE_H_

#include <string>

#include "google/protobuf/message.h"

namespace allies::ctl {

// Every field of `message` in declaration order, the empty and default ones too, one
// "field: value" line each (the .proto's field names, the values of one level aligned):
//   - text as it is (a line break continues on the next line, indented), numbers, true/false,
//     an enum's value name; timestamps, dates and money as the tables show them;
//   - kEmptyCell ("<none>") for empty text, an unset message and an empty list;
//   - a set message as "field:" and its own fields indented below it;
//   - a list as "field:" and "- item" lines below it (a message item's fields after the "- ");
//   - a map as "field:" and "key: value" lines below it, by key.
std::string DescribeMessage(const google::protobuf::Message& message);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_DESCRIBE_H_
