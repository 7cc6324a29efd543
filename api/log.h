// Structured logging: one JSON object per line on stderr, written with a single write(2) so that
// lines from concurrent threads never interleave.
#ifndef ALLIES_API_LOG_H_
#define ALLIES_API_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace allies::api {

// A log field value: text, an integer, a number or a flag (explicit constructors, so that a
// string literal never turns into a bool).
class LogValue {
 public:
  enum class Kind { kText, kInt, kDouble, kBool };
  LogValue(absl::string_view v) : kind_(Kind::kText), text_(v) {}
  LogValue(const std::string& v) : kind_(Kind::kText), text_(v) {}
  LogValue(const char* v) : kind_(Kind::kText), text_(v) {}
  LogValue(int v) : kind_(Kind::kInt), int_(v) {}
  LogValue(long v) : kind_(Kind::kInt), int_(v) {}
  LogValue(long long v) : kind_(Kind::kInt), int_(v) {}
  LogValue(double v) : kind_(Kind::kDouble), double_(v) {}
  LogValue(bool v) : kind_(Kind::kBool), bool_(v) {}
  // Appends the JSON form of the value.
  void AppendTo(std::string& out) const;

 private:
  Kind kind_;
  absl::string_view text_;
  long long int_ = 0;
  double double_ = 0;
  bool bool_ = false;
};
using LogField = std::pair<absl::string_view, LogValue>;

// Writes {"time":..., "level":..., "msg":..., <fields>}.
void LogJson(absl::string_view level, absl::string_view message,
             std::initializer_list<LogField> fields = {});
// The same with fields gathered at run time.
void LogJson(absl::string_view level, absl::string_view message, absl::Span<const LogField> fields);

// Appends s to out as a JSON string literal (quoted, escaped, invalid UTF-8 replaced).
void AppendJsonString(std::string& out, absl::string_view s);

// Disables (or re-enables) log output, e.g. for benchmarks that only measure.
void SetLogEnabled(bool enabled);

}  // namespace allies::api

#endif  // ALLIES_API_LOG_H_
