#include "api/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/utf8.h"

namespace allies::api {
namespace {

std::atomic<bool> log_enabled{true};

}  // namespace

void SetLogEnabled(bool enabled) { log_enabled.store(enabled, std::memory_order_relaxed); }

void AppendJsonString(std::string& out, absl::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          absl::StrAppendFormat(&out, "\\u%04x", c);
      }
      ++i;
    } else {
      const size_t start = i;
      if (DecodeUtf8(s, &i) < 0) {
        out += "\\ufffd";
      } else {
        out.append(s.data() + start, i - start);
      }
    }
  }
  out.push_back('"');
}

void LogValue::AppendTo(std::string& out) const {
  switch (kind_) {
    case Kind::kText:
      AppendJsonString(out, text_);
      break;
    case Kind::kInt:
      absl::StrAppend(&out, int_);
      break;
    case Kind::kDouble:
      absl::StrAppendFormat(&out, "%.3f", double_);
      break;
    case Kind::kBool:
      out += bool_ ? "true" : "false";
      break;
  }
}

void LogJson(absl::string_view level, absl::string_view message,
             std::initializer_list<LogField> fields) {
  LogJson(level, message, absl::MakeConstSpan(fields.begin(), fields.size()));
}

void LogJson(absl::string_view level, absl::string_view message,
             absl::Span<const LogField> fields) {
  if (!log_enabled.load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(256);
  line += "{\"time\":\"";
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(), absl::UTCTimeZone());
  line += "\",\"level\":";
  AppendJsonString(line, level);
  line += ",\"msg\":";
  AppendJsonString(line, message);
  for (const auto& [key, value] : fields) {
    line += ',';
    AppendJsonString(line, key);
    line += ':';
    value.AppendTo(line);
  }
  line += "}\n";
  // One write keeps concurrent lines whole; a failed log write is not worth failing an RPC for.
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n <= 0) break;
    data += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace allies::api
