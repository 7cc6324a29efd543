// Resource names (AIP-122): patterns such as "libraries/{library}/partners/{partner}".
#ifndef ALLIES_API_NAMES_H_
#define ALLIES_API_NAMES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace allies::api {

// True when id matches [a-z][a-z0-9-]{0,62} (the form of every resource id, client-chosen or
// not) or is a number without a leading zero, at most 18 digits (a yearly report's year).
bool IsValidResourceId(absl::string_view id);

// A fresh server-chosen id: a letter and 15 random lowercase letters or digits.
std::string GenerateResourceId();

// A resource name pattern: literal collection segments alternating with {variable} segments.
class NamePattern {
 public:
  // pattern like "libraries/{library}/partners/{partner}".
  explicit NamePattern(absl::string_view pattern);

  // The ids in order, or INVALID_ARGUMENT (a BadRequest violation on `field`) naming the
  // expected form.
  absl::StatusOr<std::vector<std::string>> Parse(absl::string_view name,
                                                 absl::string_view field) const;
  // As Parse, but any id may be "-" (AIP-159: every one), which gives nullopt.
  absl::StatusOr<std::vector<std::optional<std::string>>> ParseWithWildcards(
      absl::string_view name, absl::string_view field) const;
  // Formats ids (one per variable, in order) into a name.
  std::string Format(const std::vector<std::string>& ids) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::vector<std::string> collections_;  // "libraries", "partners", ...
};

// "libraries/{library}".
const NamePattern& LibraryNamePattern();

// Parses a library name to its id, errors attributed to `field`.
absl::StatusOr<std::string> ParseLibraryName(absl::string_view name, absl::string_view field);
std::string LibraryName(absl::string_view id);

// True for names of the form "libraries/{id}" followed by any "/{collection}/{id}" pairs.
bool IsResourceName(absl::string_view name);

// The {library} of a name that IsResourceName accepts ("" for any other text).
absl::string_view LibraryIdOf(absl::string_view name);

// A collection parent "libraries/{library}", or with allow_any also "libraries/-" (AIP-159: every
// library the caller may see), which gives nullopt.
absl::StatusOr<std::optional<std::string>> ParseLibraryParent(absl::string_view parent,
                                                              absl::string_view field,
                                                              bool allow_any);

}  // namespace allies::api

#endif  // ALLIES_API_NAMES_H_
