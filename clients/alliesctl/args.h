// Command-line arguments of alliesctl, parsed by CLI11: flags may appear anywhere among the
// positional words, as "--flag value", "--flag=value", "-o value", "-ovalue" or "-o=value"; "--"
// ends flag parsing. A command declares its flags as FlagSpecs and reads them from ParsedArgs;
// cli.cc turns the command table into CLI11 subcommands.
#ifndef ALLIES_CLIENTS_ALLIESCTL_ARGS_H_
#define ALLIES_CLIENTS_ALLIESCTL_ARGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "google/type/money.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace allies::ctl {

// Describes one flag. A flag name has the same arity in every command that
// accepts it (the parser checks this when given the union of all specs).
struct FlagSpec {
  std::string name;        // Long name without dashes, e.g. "page-size".
  char short_name = '\0';  // e.g. 'o' for "-o"; '\0' for none.
  bool takes_value = true;
  std::string value_name;  // For usage text, e.g. "N"; empty for booleans.
  std::string help;
};

// The spec named `name` (the long name, without dashes) in `specs`, or null.
const FlagSpec* FindFlagSpec(const std::vector<FlagSpec>& specs, absl::string_view name);

// How `flag` is written on the command line: "--name", then "-n" when it has a short name.
std::vector<std::string> FlagSpellings(const FlagSpec& flag);

class ParsedArgs {
 public:
  const std::vector<std::string>& positionals() const { return positionals_; }
  std::vector<std::string>& mutable_positionals() { return positionals_; }

  bool Has(absl::string_view name) const;
  // The value of a value flag, or nullopt when the flag was not given. The
  // value may be empty ("--parent=" or --parent ""). The last occurrence wins.
  std::optional<std::string> Get(absl::string_view name) const;
  // Every value of a repeatable value flag, in command-line order (empty when absent).
  std::vector<std::string> GetAll(absl::string_view name) const;
  // Every value of a repeatable flag split at commas, each trimmed of surrounding whitespace,
  // empty items dropped: "--tag a,b --tag c" gives {"a", "b", "c"}; "--tag ''" gives {}.
  std::vector<std::string> GetList(absl::string_view name) const;
  // The value of a boolean flag: false when absent, true for "--flag", and the
  // parsed value for "--flag=true|false|1|0|yes|no".
  bool GetBool(absl::string_view name) const;
  // Flag names in the order of their first appearance on the command line.
  const std::vector<std::string>& given_flags() const { return order_; }

  void Set(const std::string& name, std::string value);

 private:
  std::vector<std::string> positionals_;
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::vector<std::string>, std::less<>> all_values_;
  std::vector<std::string> order_;
};

// Parses argv-style words (without the program name) against `specs`, every word that is not a
// flag or a flag's value a positional. Unknown flags, a value flag without a value and malformed
// boolean values are InvalidArgument errors with a message suitable for the user. (RunCli parses
// with the command table as subcommands; this flat form builds requests in tests.)
absl::StatusOr<ParsedArgs> ParseArgs(const std::vector<std::string>& args,
                                     const std::vector<FlagSpec>& specs);

// ---- CLI11 ----

// Declares `specs` as options of `app`: a value flag takes one value, even one starting with "-";
// a boolean flag takes none ("--force") or "=true|false" ("--force=false"). Every occurrence is
// kept (repeated flags, "last one wins" in ParsedArgs::Get). A name `app` has already is skipped.
void AddFlagOptions(CLI::App* app, const std::vector<FlagSpec>& specs);

// The words rewritten where CLI11 reads a documented form otherwise: "--name=" (an empty value;
// CLI11 would take the next word) and "-o=json" (CLI11: the value "=json") become "--name" "" and
// "-o" "json". A value flag's value is never rewritten, nor anything after "--". `specs` are every
// flag any command has (a name has one arity everywhere). InvalidArgument for a boolean short flag
// given a value ("-h=true").
absl::StatusOr<std::vector<std::string>> NormalizeFlagForms(const std::vector<std::string>& args,
                                                            const std::vector<FlagSpec>& specs);

// Parses `args` (as NormalizeFlagForms returns them) with `app`. A CLI11 parse error is an
// InvalidArgument error with a message for the user ("flag --parent needs a value").
absl::Status ParseWithCli11(CLI::App& app, std::vector<std::string> args);

// Adds to `args` the values the options of `app` (from AddFlagOptions) got, in the order the
// flags first appeared; booleans are "true" or "false" (InvalidArgument for another value).
absl::Status CollectFlagValues(const CLI::App& app, ParsedArgs* args);

// The flag a word not parsed names ("--nope" of "--nope=1", "-x" of "-xyz"); empty when the word
// is not a flag.
std::string FlagOfWord(absl::string_view word);

// Returns InvalidArgument when two specs with the same name (or short name)
// disagree on arity.
absl::Status CheckFlagSpecsConsistent(const std::vector<FlagSpec>& specs);

// Value parsers with user-facing error messages naming the flag.
absl::StatusOr<int32_t> ParseInt32Flag(absl::string_view flag, absl::string_view value);
absl::StatusOr<double> ParsePositiveSecondsFlag(absl::string_view flag, absl::string_view value);

// An enum value by name, case-insensitive, with "-" and " " read as "_" ("central-system" is
// CENTRAL_SYSTEM). The empty string is the zero value (*_UNSPECIFIED: clears the field on
// update); an unknown name is InvalidArgument listing the accepted ones.
absl::StatusOr<int> ParseEnumFlag(absl::string_view flag,
                                  const google::protobuf::EnumDescriptor& type,
                                  absl::string_view value);
// The names ParseEnumFlag accepts (all but the zero value), for help text: "A, B or C".
std::string EnumValueNames(const google::protobuf::EnumDescriptor& type);

// A calendar date written YYYY-MM-DD ("2026-12-31"); an impossible date (2026-02-30) is an error.
absl::StatusOr<google::type::Date> ParseDateFlag(absl::string_view flag, absl::string_view value);

// A moment written in RFC 3339 ("2026-11-26T10:00:00Z", "2026-11-26T13:00:00+03:00", fractions of
// a second kept).
absl::StatusOr<google::protobuf::Timestamp> ParseTimestampFlag(absl::string_view flag,
                                                               absl::string_view value);

// A moment written either as the library's local time, "YYYY-MM-DDTHH:MM" (a space for the T;
// seconds only ":00"), which the server reads in the library's time zone, or as RFC 3339 with a
// zone ("2026-12-05T10:00:00+10:00", "...Z"), an instant. Exactly one of the two is set.
struct LocalOrInstant {
  std::string local;  // "2026-12-05T10:00".
  std::optional<google::protobuf::Timestamp> instant;
};
absl::StatusOr<LocalOrInstant> ParseLocalOrInstantFlag(absl::string_view flag,
                                                       absl::string_view value);

// An amount of money written "AMOUNT CURRENCY": "150000.50 RUB", "1500 rub", "0,5 EUR" (a decimal
// point or comma, at most 9 fractional digits, an optional leading "-"; the currency is 3 ASCII
// letters, uppercased). units and nanos get the same sign.
absl::StatusOr<google::type::Money> ParseMoneyFlag(absl::string_view flag, absl::string_view value);

// "KEY=VALUE" split at the first "=", both parts trimmed and required: "Договор=https://x.ru/1"
// gives {"Договор", "https://x.ru/1"}. `format` names the parts in the error ("TITLE=URI").
absl::StatusOr<std::pair<std::string, std::string>> ParsePairFlag(absl::string_view flag,
                                                                  absl::string_view format,
                                                                  absl::string_view value);

}  // namespace allies::ctl

#endif  // ALLIES_CLIENTS_ALLIESCTL_ARGS_H_
