#include "services/common/lifecycle.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/errors.h"

namespace allies::services {

Lifecycle::Lifecycle(const google::protobuf::Descriptor* message, std::string reason)
    : state_(message->FindFieldByName("state")), reason_(std::move(reason)) {
  if (state_ == nullptr || state_->enum_type() == nullptr) std::abort();  // a declaration bug
}

int Lifecycle::State(const google::protobuf::Message& m) const {
  return m.GetReflection()->GetEnumValue(m, state_);
}

std::string Lifecycle::StateName(int state) const {
  const auto* value = state_->enum_type()->FindValueByNumber(state);
  return value != nullptr ? value->name() : absl::StrCat(state);
}

bool Lifecycle::In(const google::protobuf::Message& m, std::initializer_list<int> states) const {
  return std::find(states.begin(), states.end(), State(m)) != states.end();
}

absl::Status Lifecycle::WrongAmong(const google::protobuf::Message& m, absl::string_view action,
                                   const std::vector<int>& allowed) const {
  std::vector<std::string> names;
  for (int s : allowed) names.push_back(StateName(s));
  const std::string name =
      m.GetReflection()->GetString(m, m.GetDescriptor()->FindFieldByName("name"));
  const std::string current = StateName(State(m));
  return api::Error(absl::StatusCode::kFailedPrecondition, reason_,
                    absl::StrCat(name, " is ", current, "; ", action, " needs it to be ",
                                 absl::StrJoin(names, " or ")),
                    {{"resource", name}, {"state", current}});
}

absl::Status Lifecycle::Wrong(const google::protobuf::Message& m, absl::string_view action,
                              std::initializer_list<int> allowed) const {
  return WrongAmong(m, action, std::vector<int>(allowed));
}

absl::StatusOr<std::vector<std::string>> Lifecycle::MoveAmong(google::protobuf::Message& m,
                                                              absl::string_view action,
                                                              const std::vector<int>& from,
                                                              int to) const {
  if (std::find(from.begin(), from.end(), State(m)) == from.end()) {
    return WrongAmong(m, action, from);
  }
  m.GetReflection()->SetEnumValue(&m, state_, to);
  return std::vector<std::string>{"state"};
}

absl::StatusOr<std::vector<std::string>> Lifecycle::Move(google::protobuf::Message& m,
                                                         absl::string_view action,
                                                         std::initializer_list<int> from,
                                                         int to) const {
  return MoveAmong(m, action, std::vector<int>(from), to);
}

}  // namespace allies::services
