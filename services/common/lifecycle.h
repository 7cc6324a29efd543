// A resource's lifecycle: the states of its enum field `state` and the custom methods that move
// it between them (agreements with partners, volunteers, their agreements, consents). A move
// from a state it does not start from is FAILED_PRECONDITION with the lifecycle's reason
// ("AGREEMENT_STATE"), naming the current state and those the move needs.
#ifndef ALLIES_SERVICES_COMMON_LIFECYCLE_H_
#define ALLIES_SERVICES_COMMON_LIFECYCLE_H_

#include <google/protobuf/message.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/resource_methods.h"

namespace allies::services {

class Lifecycle {
 public:
  Lifecycle(const google::protobuf::Descriptor* message, std::string reason);

  int State(const google::protobuf::Message& m) const;
  std::string StateName(int state) const;
  bool In(const google::protobuf::Message& m, std::initializer_list<int> states) const;
  // FAILED_PRECONDITION: `action` needs one of `allowed`.
  absl::Status Wrong(const google::protobuf::Message& m, absl::string_view action,
                     std::initializer_list<int> allowed) const;
  // Sets the state to `to` when it is one of `from`; returns the changed paths ({"state"}).
  absl::StatusOr<std::vector<std::string>> Move(google::protobuf::Message& m,
                                                absl::string_view action,
                                                std::initializer_list<int> from, int to) const;

  // The change of a custom method that only moves the state.
  template <typename M>
  typename ResourceMethods<M>::ChangeFn Mover(std::string action, std::vector<int> from,
                                              int to) const {
    return [this, action, from, to](WriteContext&, const storage::ResourceKey&,
                                    M& m) -> absl::StatusOr<std::vector<std::string>> {
      return MoveAmong(m, action, from, to);
    };
  }

 private:
  absl::StatusOr<std::vector<std::string>> MoveAmong(google::protobuf::Message& m,
                                                     absl::string_view action,
                                                     const std::vector<int>& from, int to) const;
  absl::Status WrongAmong(const google::protobuf::Message& m, absl::string_view action,
                          const std::vector<int>& allowed) const;

  const google::protobuf::FieldDescriptor* state_;
  std::string reason_;
};

}  // namespace allies::services

#endif  // ALLIES_SERVICES_COMMON_LIFECYCLE_H_
