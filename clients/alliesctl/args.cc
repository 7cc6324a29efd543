#include "clients/alliesctl/args.h"

#include <cmath>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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

bool ParsedArgs::GetBool(absl::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->second == "true";
}

void ParsedArgs::Set(const std::string& name, std::string value) {
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

}  // namespace allies::ctl
