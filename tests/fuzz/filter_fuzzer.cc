// libFuzzer target: the filter and order_by parsers never crash, hang or leak, whatever the
// input, and every accepted filter has a stable canonical form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/filter.h"
#include "api/utf8.h"

namespace {

const allies::api::FilterSchema& Schema() {
  using allies::api::FieldKind;
  static const auto* schema = new allies::api::FilterSchema{
      {"name", FieldKind::kName, false, true, {}},
      {"display_name", FieldKind::kString, false, true, {}},
      {"kind", FieldKind::kEnum, false, true, {{"REGIONAL", 1}, {"BRANCH", 4}}},
      {"count", FieldKind::kInt, false, true, {}},
      {"active", FieldKind::kBool, false, false, {}},
      {"create_time", FieldKind::kTimestamp, false, true, {}},
      {"end_date", FieldKind::kDate, false, true, {}},
      {"tags", FieldKind::kString, true, false, {}},
  };
  return *schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto filter = allies::api::ParseFilter(input, Schema());
  if (filter.ok()) {
    const std::string canonical = allies::api::CanonicalFilter(filter->get());
    auto again = allies::api::ParseFilter(input, Schema());
    if (!again.ok() || allies::api::CanonicalFilter(again->get()) != canonical) std::abort();
  } else {
    // Bad input is INVALID_ARGUMENT, nothing else, and the error text is valid UTF-8 (it goes
    // into protobuf string fields) even when the input is not.
    if (filter.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    const std::string message(filter.status().message());
    if (allies::api::ToValidUtf8(message) != message) std::abort();
  }
  auto order = allies::api::ParseOrderBy(input, Schema());
  if (!order.ok() && order.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  return 0;
}
