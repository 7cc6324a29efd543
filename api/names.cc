#include "api/names.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "api/errors.h"

namespace allies::api {

bool IsValidResourceId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (id[0] >= '1' && id[0] <= '9') {
    // A number (a yearly report's year): digits, no leading zero.
    if (id.size() > 18) return false;
    for (char c : id) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }
  if (id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string GenerateResourceId() {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string id(16, 'a');
  id[0] = kLetters[rng() % 26];
  for (size_t i = 1; i < id.size(); ++i) id[i] = kAlphabet[rng() % 36];
  return id;
}

NamePattern::NamePattern(absl::string_view pattern) : pattern_(pattern) {
  std::vector<absl::string_view> segments = absl::StrSplit(pattern, '/');
  for (size_t i = 0; i + 1 < segments.size(); i += 2) collections_.emplace_back(segments[i]);
}

absl::StatusOr<std::vector<std::string>> NamePattern::Parse(absl::string_view name,
                                                            absl::string_view field) const {
  auto invalid = [&](absl::string_view why) {
    return InvalidField(
        std::string(field),
        absl::StrCat(why, ": expected a name of the form \"", pattern_, "\", got ", Quote(name)),
        "INVALID_RESOURCE_NAME");
  };
  if (name.empty()) return invalid("is required");
  std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  if (segments.size() != collections_.size() * 2) return invalid("is malformed");
  std::vector<std::string> ids;
  for (size_t i = 0; i < collections_.size(); ++i) {
    if (segments[2 * i] != collections_[i]) return invalid("is malformed");
    if (!IsValidResourceId(segments[2 * i + 1])) {
      return invalid("has an invalid id (ids match [a-z][a-z0-9-]{0,62} or are a number)");
    }
    ids.emplace_back(segments[2 * i + 1]);
  }
  return ids;
}

absl::StatusOr<std::vector<std::optional<std::string>>> NamePattern::ParseWithWildcards(
    absl::string_view name, absl::string_view field) const {
  // "-" stands for any id: parse with a placeholder id in its place, then undo it.
  std::vector<std::string> segments = absl::StrSplit(name, '/');
  std::vector<bool> any(segments.size(), false);
  for (size_t i = 1; i < segments.size(); i += 2) {
    if (segments[i] == "-") {
      any[i] = true;
      segments[i] = "x";
    }
  }
  auto ids = Parse(absl::StrJoin(segments, "/"), field);
  if (!ids.ok()) {
    // Say it against the name as given.
    return InvalidField(std::string(field),
                        absl::StrCat("is malformed: expected a name of the form \"", pattern_,
                                     "\" (any id may be \"-\"), got ", Quote(name)),
                        "INVALID_RESOURCE_NAME");
  }
  std::vector<std::optional<std::string>> out;
  for (size_t i = 0; i < ids->size(); ++i) {
    if (any[2 * i + 1]) {
      out.emplace_back();
    } else {
      out.emplace_back((*ids)[i]);
    }
  }
  return out;
}

std::string NamePattern::Format(const std::vector<std::string>& ids) const {
  std::string out;
  for (size_t i = 0; i < collections_.size() && i < ids.size(); ++i) {
    if (i > 0) out += '/';
    absl::StrAppend(&out, collections_[i], "/", ids[i]);
  }
  return out;
}

const NamePattern& LibraryNamePattern() {
  static const NamePattern* pattern = new NamePattern("libraries/{library}");
  return *pattern;
}

absl::StatusOr<std::string> ParseLibraryName(absl::string_view name, absl::string_view field) {
  auto ids = LibraryNamePattern().Parse(name, field);
  if (!ids.ok()) return ids.status();
  return std::move((*ids)[0]);
}

std::string LibraryName(absl::string_view id) { return absl::StrCat("libraries/", id); }

bool IsResourceName(absl::string_view name) {
  std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  if (segments.size() < 2 || segments.size() % 2 != 0 || segments[0] != "libraries") return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i % 2 == 1 && !IsValidResourceId(segments[i])) return false;
    if (i % 2 == 0 && (segments[i].empty() || !absl::ascii_isalpha(segments[i][0]))) return false;
    for (char c : segments[i]) {
      if (i % 2 == 0 && !absl::ascii_isalnum(c)) return false;
    }
  }
  return true;
}

absl::string_view LibraryIdOf(absl::string_view name) {
  if (!IsResourceName(name)) return "";
  name.remove_prefix(sizeof("libraries/") - 1);
  return name.substr(0, name.find('/'));
}

absl::StatusOr<std::optional<std::string>> ParseLibraryParent(absl::string_view parent,
                                                              absl::string_view field,
                                                              bool allow_any) {
  if (allow_any && parent == "libraries/-") return std::optional<std::string>();
  auto id = ParseLibraryName(parent, field);
  if (!id.ok()) return id.status();
  return std::optional<std::string>(*std::move(id));
}

}  // namespace allies::api
