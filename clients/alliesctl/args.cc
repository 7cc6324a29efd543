#include "clients/alliesctl/args.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "CLI/CLI.hpp"
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

const FlagSpec* FindFlagSpec(const std::vector<FlagSpec>& specs, absl::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> FlagSpellings(const FlagSpec& flag) {
  std::vector<std::string> out = {absl::StrCat("--", flag.name)};
  if (flag.short_name != '\0') out.push_back(absl::StrCat("-", std::string(1, flag.short_name)));
  return out;
}

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

void AddFlagOptions(CLI::App* app, const std::vector<FlagSpec>& specs) {
  for (const FlagSpec& spec : specs) {
    const std::vector<std::string> spellings = FlagSpellings(spec);
    if (app->get_option_no_throw(spellings.front()) != nullptr) continue;
    // "--name,-n": CLI11 sorts the names into long and short ones whatever their order.
    const std::string names = absl::StrJoin(spellings, ",");
    CLI::Option* option =
        spec.takes_value ? app->add_option(names, spec.help) : app->add_flag(names, spec.help);
    option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    if (spec.takes_value) option->type_name(spec.value_name);
  }
}

absl::StatusOr<std::vector<std::string>> NormalizeFlagForms(const std::vector<std::string>& args,
                                                            const std::vector<FlagSpec>& specs) {
  std::vector<std::string> out;
  out.reserve(args.size() + 2);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    const FlagSpec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (absl::StartsWith(arg, "--")) {
      const absl::string_view body = absl::string_view(arg).substr(2);
      const size_t eq = body.find('=');
      spec = FindFlagSpec(specs, body.substr(0, eq));
      if (eq != absl::string_view::npos) inline_value = std::string(body.substr(eq + 1));
    } else if (arg.size() >= 2 && arg[0] == '-') {
      spec = FindShort(specs, arg[1]);
      if (spec != nullptr && arg.size() > 2) {
        inline_value = arg[2] == '=' ? arg.substr(3) : arg.substr(2);
        if (!spec->takes_value) {
          return absl::InvalidArgumentError(absl::StrCat(
              "flag ", arg.substr(0, 2), " takes no value (or --", spec->name, "=true|false)"));
        }
      }
    }
    if (spec == nullptr || !spec->takes_value) {
      out.push_back(arg);
      continue;
    }
    out.push_back(arg[1] == '-' ? absl::StrCat("--", spec->name)
                                : absl::StrCat("-", std::string(1, spec->short_name)));
    if (inline_value.has_value()) {
      out.push_back(*std::move(inline_value));
    } else if (i + 1 < args.size()) {
      out.push_back(args[++i]);  // The value, whatever it looks like.
    }
  }
  return out;
}

absl::Status ParseWithCli11(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes the words last first.
  try {
    app.parse(args);
  } catch (const CLI::ArgumentMismatch& e) {
    // "--parent: 1 required TEXT missing": the flag is before the colon.
    const std::string what = e.what();
    return absl::InvalidArgumentError(
        absl::StrCat("flag ", what.substr(0, what.find(':')), " needs a value"));
  } catch (const CLI::ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  }
  return absl::OkStatus();
}

absl::Status CollectFlagValues(const CLI::App& app, ParsedArgs* args) {
  std::vector<const CLI::Option*> seen;
  for (const CLI::Option* option : app.parse_order()) {
    if (option->get_positional() || option->get_lnames().empty() ||
        std::find(seen.begin(), seen.end(), option) != seen.end()) {
      continue;
    }
    seen.push_back(option);
    const std::string& name = option->get_lnames().front();
    const bool boolean = option->get_expected_max() == 0;
    for (const std::string& value : option->results()) {
      if (!boolean) {
        args->Set(name, value);
        continue;
      }
      std::optional<bool> parsed = ParseBoolValue(value);
      if (!parsed.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " takes no value (or --", name, "=true|false)"));
      }
      args->Set(name, *parsed ? "true" : "false");
    }
  }
  return absl::OkStatus();
}

std::string FlagOfWord(absl::string_view word) {
  if (absl::StartsWith(word, "--") && word.size() > 2) {
    return std::string(word.substr(0, word.find('=')));
  }
  if (word.size() >= 2 && word[0] == '-' && word[1] != '-') return std::string(word.substr(0, 2));
  return "";
}

absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs) {
  absl::StatusOr<std::vector<std::string>> words = NormalizeFlagForms(args, specs);
  if (!words.ok()) return words.status();
  CLI::App app;
  app.set_help_flag();
  app.allow_extras();
  AddFlagOptions(&app, specs);
  CLI::Option* positionals = app.add_option("words")->expected(0, -1)->allow_extra_args();
  positionals->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  if (absl::Status status = ParseWithCli11(app, *std::move(words)); !status.ok()) return status;
  for (const std::string& word : app.remaining()) {
    if (word == "--") continue;
    return absl::InvalidArgumentError(absl::StrCat("unknown flag ", FlagOfWord(word)));
  }
  ParsedArgs parsed;
  if (absl::Status status = CollectFlagValues(app, &parsed); !status.ok()) return status;
  parsed.mutable_positionals() = positionals->results();
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
