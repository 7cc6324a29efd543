#include "clients/alliesctl/args.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/proto_time.h"

namespace allies::ctl {
namespace {

const FlagSpec* FindLong(const std::vector<FlagSpec>& specs, absl::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const FlagSpec* FindShort(const std::vector<FlagSpec>& specs, char name) {
  for (const FlagSpec& spec : specs) {
    if (spec.short_name != '\0' && spec.short_name == name) return &spec;
  }
  return nullptr;
}

std::optional<bool> ParseBoolValue(absl::string_view value) {
  const std::string lower = absl::AsciiStrToLower(value);
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return std::nullopt;
}

}  // namespace

bool ParsedArgs::Has(absl::string_view name) const { return values_.find(name) != values_.end(); }

std::optional<std::string> ParsedArgs::Get(absl::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ParsedArgs::GetAll(absl::string_view name) const {
  auto it = all_values_.find(name);
  return it == all_values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> ParsedArgs::GetList(absl::string_view name) const {
  std::vector<std::string> items;
  for (const std::string& value : GetAll(name)) {
    for (absl::string_view item : absl::StrSplit(value, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (!item.empty()) items.emplace_back(item);
    }
  }
  return items;
}

bool ParsedArgs::GetBool(absl::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second == "true";
}

void ParsedArgs::Set(const std::string& name, std::string value) {
  all_values_[name].push_back(value);
  auto [it, inserted] = values_.insert_or_assign(name, std::move(value));
  (void)it;
  if (inserted) order_.push_back(name);
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      parsed.mutable_positionals().push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    std::string shown;  // The flag as the user spelled it, for messages.
    if (arg[1] == '-') {
      absl::string_view body = absl::string_view(arg).substr(2);
      const size_t eq = body.find('=');
      absl::string_view name = body.substr(0, eq);
      if (eq != absl::string_view::npos) inline_value = std::string(body.substr(eq + 1));
      shown = absl::StrCat("--", name);
      spec = FindLong(specs, name);
    } else {
      shown = arg.substr(0, 2);
      spec = FindShort(specs, arg[1]);
      if (arg.size() > 2) {
        // "-o=json" or "-ojson".
        inline_value = arg[2] == '=' ? arg.substr(3) : arg.substr(2);
      }
    }
    if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag ", shown));
    if (spec->takes_value) {
      if (inline_value.has_value()) {
        parsed.Set(spec->name, *std::move(inline_value));
      } else if (i + 1 < args.size()) {
        parsed.Set(spec->name, args[++i]);
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag ", shown, " needs a value"));
      }
    } else if (inline_value.has_value()) {
      std::optional<bool> value = ParseBoolValue(*inline_value);
      if (!value.has_value() || arg[1] != '-') {
        return absl::InvalidArgumentError(
            absl::StrCat("flag ", shown, " takes no value (or --", spec->name, "=true|false)"));
      }
      parsed.Set(spec->name, *value ? "true" : "false");
    } else {
      parsed.Set(spec->name, "true");
    }
  }
  return parsed;
}

absl::Status CheckFlagSpecsConsistent(const std::vector<FlagSpec>& specs) {
  for (size_t i = 0; i < specs.size(); ++i) {
    for (size_t j = i + 1; j < specs.size(); ++j) {
      const bool same_name = specs[i].name == specs[j].name;
      const bool same_short =
          specs[i].short_name != '\0' && specs[i].short_name == specs[j].short_name;
      if ((same_name || same_short) && (specs[i].takes_value != specs[j].takes_value ||
                                        !same_name || specs[i].short_name != specs[j].short_name)) {
        return absl::InvalidArgumentError(
            absl::StrCat("conflicting definitions of flag --", specs[i].name));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ParseInt32Flag(absl::string_view flag, absl::string_view value) {
  int32_t result = 0;
  if (!absl::SimpleAtoi(value, &result)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", value, "\" is not an integer"));
  }
  return result;
}

absl::StatusOr<double> ParsePositiveSecondsFlag(absl::string_view flag, absl::string_view value) {
  double result = 0;
  if (!absl::SimpleAtod(value, &result) || !std::isfinite(result) || result <= 0 ||
      result > 365.0 * 24 * 3600) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", value, "\" is not a positive number of seconds"));
  }
  return result;
}

absl::StatusOr<int> ParseEnumFlag(absl::string_view flag,
                                  const google::protobuf::EnumDescriptor& type,
                                  absl::string_view value) {
  if (value.empty()) return 0;
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(value));
  for (char& c : upper) {
    if (c == '-' || c == ' ') c = '_';
  }
  const google::protobuf::EnumValueDescriptor* found = type.FindValueByName(upper);
  if (found == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": unknown value \"", value,
                                                   "\" (want ", EnumValueNames(type), ")"));
  }
  return found->number();
}

std::string EnumValueNames(const google::protobuf::EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() != 0) names.push_back(type.value(i)->name());
  }
  if (names.size() < 2) return absl::StrJoin(names, "");
  const std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " or ", last);
}

absl::StatusOr<google::type::Date> ParseDateFlag(absl::string_view flag, absl::string_view value) {
  const std::optional<api::Date> parsed = api::ParseDate(value);
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected a date YYYY-MM-DD, got \"", value, "\""));
  }
  google::type::Date date;
  api::ToProtoDate(*parsed, &date);
  return date;
}

absl::StatusOr<google::protobuf::Timestamp> ParseTimestampFlag(absl::string_view flag,
                                                               absl::string_view value) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(absl::StripAsciiWhitespace(value)), &time,
                       &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": expected an RFC 3339 time like 2026-11-26T10:00:00Z, got \"", value, "\""));
  }
  google::protobuf::Timestamp timestamp;
  api::ToTimestamp(time, &timestamp);
  return timestamp;
}

absl::StatusOr<LocalOrInstant> ParseLocalOrInstantFlag(absl::string_view flag,
                                                       absl::string_view value) {
  const absl::string_view text = absl::StripAsciiWhitespace(value);
  // A zone is a trailing Z or an offset after the time of day (the date has '-' too).
  const size_t time_of_day = text.find_first_of("Tt ");
  const absl::string_view clock =
      time_of_day == absl::string_view::npos ? "" : text.substr(time_of_day + 1);
  const bool zoned = absl::EndsWith(clock, "Z") || absl::EndsWith(clock, "z") ||
                     clock.find_first_of("+-") != absl::string_view::npos;
  LocalOrInstant out;
  if (zoned) {
    absl::StatusOr<google::protobuf::Timestamp> instant = ParseTimestampFlag(flag, text);
    if (!instant.ok()) return instant.status();
    out.instant = *instant;
    return out;
  }
  // Local: YYYY-MM-DDTHH:MM (a space for T; ":00" seconds allowed), printed back the same.
  std::string local(text);
  if (local.size() > 10 && local[10] == ' ') local[10] = 'T';
  if (local.size() == 19 && absl::EndsWith(local, ":00")) local.resize(16);
  absl::CivilMinute minute;
  if (local.size() != 16 || !absl::ParseCivilTime(local, &minute) ||
      absl::FormatCivilTime(minute) != local) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag,
        ": expected the library's local time YYYY-MM-DDTHH:MM (2026-12-05T10:00) or RFC 3339 "
        "with a zone (2026-12-05T10:00:00+10:00), got \"",
        value, "\""));
  }
  out.local = std::move(local);
  return out;
}

absl::StatusOr<google::type::Money> ParseMoneyFlag(absl::string_view flag,
                                                   absl::string_view value) {
  auto error = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": expected AMOUNT CURRENCY like \"150000.50 RUB\", got \"", value, "\""));
  };
  const std::vector<absl::string_view> parts =
      absl::StrSplit(absl::StripAsciiWhitespace(value), ' ', absl::SkipEmpty());
  if (parts.size() != 2) return error();
  absl::string_view amount = parts[0];
  const absl::string_view currency = parts[1];
  if (currency.size() != 3 || !absl::ascii_isalpha(currency[0]) ||
      !absl::ascii_isalpha(currency[1]) || !absl::ascii_isalpha(currency[2])) {
    return error();
  }
  const bool negative = absl::ConsumePrefix(&amount, "-");
  const size_t point = amount.find_first_of(".,");
  const absl::string_view whole = amount.substr(0, point);
  const absl::string_view fraction =
      point == absl::string_view::npos ? absl::string_view() : amount.substr(point + 1);
  if (whole.empty() || fraction.size() > 9 ||
      (point != absl::string_view::npos && fraction.empty())) {
    return error();
  }
  for (absl::string_view digits : {whole, fraction}) {
    for (char c : digits) {
      if (!absl::ascii_isdigit(c)) return error();
    }
  }
  int64_t units = 0;
  if (!absl::SimpleAtoi(whole, &units)) return error();
  int32_t nanos = 0;
  if (!fraction.empty()) {
    std::string padded(fraction);
    padded.resize(9, '0');
    if (!absl::SimpleAtoi(padded, &nanos)) return error();
  }
  google::type::Money money;
  money.set_currency_code(absl::AsciiStrToUpper(currency));
  money.set_units(negative ? -units : units);
  money.set_nanos(negative ? -nanos : nanos);
  return money;
}

absl::StatusOr<std::pair<std::string, std::string>> ParsePairFlag(absl::string_view flag,
                                                                  absl::string_view format,
                                                                  absl::string_view value) {
  const size_t eq = value.find('=');
  if (eq != absl::string_view::npos) {
    const absl::string_view key = absl::StripAsciiWhitespace(value.substr(0, eq));
    const absl::string_view rest = absl::StripAsciiWhitespace(value.substr(eq + 1));
    if (!key.empty() && !rest.empty()) return std::make_pair(std::string(key), std::string(rest));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": expected ", format, ", got \"", value, "\""));
}

}  // namespace allies::ctl
