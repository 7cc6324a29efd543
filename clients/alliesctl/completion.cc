#include "clients/alliesctl/completion.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/alliesctl/output.h"

namespace allies::ctl {
namespace {

std::string FlagWords(const std::vector<FlagSpec>& flags) {
  std::vector<std::string> words;
  for (const FlagSpec& flag : flags) words.push_back(absl::StrCat("--", flag.name));
  return absl::StrJoin(words, " ");
}

// A case pattern of the words "PATH/WORD" for the word and its aliases.
std::string Patterns(const std::string& path, const std::string& word,
                     const std::vector<std::string>& aliases) {
  std::vector<std::string> patterns = {absl::StrCat("\"", path, "/", word, "\"")};
  for (const std::string& alias : aliases) {
    patterns.push_back(absl::StrCat("\"", path, "/", alias, "\""));
  }
  return absl::StrJoin(patterns, "|");
}

}  // namespace

std::string BashCompletion(const CommandRegistry& registry) {
  std::string next;   // _alliesctl_next's cases
  std::string words;  // _alliesctl_words's cases
  std::string flags;  // _alliesctl_flags's cases
  // The spellings of the flags that take a value, the global ones and every command's.
  std::set<std::string> value_flags;
  for (const FlagSpec& flag : registry.AllFlags()) {
    if (!flag.takes_value) continue;
    for (const std::string& spelling : FlagSpellings(flag)) value_flags.insert(spelling);
  }

  std::vector<std::string> top = {};
  for (const Resource& resource : registry.resources()) {
    if (IsSubResource(resource)) continue;
    top.push_back(resource.name);
    absl::StrAppend(&next, "    ", Patterns("", resource.name, resource.aliases), ") REPLY='",
                    resource.name, "' ;;\n");
  }
  for (const char* word : {"completion", "help"}) {
    top.push_back(word);
    absl::StrAppend(&next, "    \"/", word, "\") REPLY='", word, "' ;;\n");
  }
  absl::StrAppend(&words, "    \"\") REPLY='", absl::StrJoin(top, " "), "' ;;\n",
                  "    completion) REPLY='bash' ;;\n");

  for (const Resource& resource : registry.resources()) {
    std::vector<std::string> below;
    for (const Resource* sub : registry.SubResourcesOf(resource)) {
      below.push_back(OwnWord(*sub));
      absl::StrAppend(&next, "    ", Patterns(resource.name, OwnWord(*sub), sub->aliases),
                      ") REPLY='", sub->name, "' ;;\n");
    }
    for (const Command* command : registry.CommandsOf(resource.name)) {
      below.push_back(command->verb);
      const std::string path = absl::StrCat(resource.name, " ", command->verb);
      absl::StrAppend(&next, "    ", Patterns(resource.name, command->verb, {}), ") REPLY='", path,
                      "' ;;\n");
      absl::StrAppend(&flags, "    \"", path, "\") REPLY='", FlagWords(command->flags), "' ;;\n");
    }
    absl::StrAppend(&words, "    \"", resource.name, "\") REPLY='", absl::StrJoin(below, " "),
                    "' ;;\n");
  }

  std::vector<std::string> global;
  for (const FlagSpec& flag : GlobalFlags()) {
    for (const std::string& spelling : FlagSpellings(flag)) global.push_back(spelling);
  }
  global.push_back("--version");

  return absl::StrCat(
      R"(# bash completion of alliesctl, made by `alliesctl completion bash` from its command table.
# Load it with: source <(alliesctl completion bash)

# _alliesctl_next PATH WORD: the command path after WORD ("" for none yet) in REPLY; fails when
# WORD is no resource, word below one or verb there.
_alliesctl_next() {
  case "$1/$2" in
)",
      next, R"(    *) return 1 ;;
  esac
}

# _alliesctl_words PATH: the words that may follow PATH, in REPLY.
_alliesctl_words() {
  case "$1" in
)",
      words, R"(    *) REPLY='' ;;
  esac
}

# _alliesctl_flags PATH: the flags of the command PATH, in REPLY; fails when PATH is no command.
_alliesctl_flags() {
  case "$1" in
)",
      flags, R"(    *) return 1 ;;
  esac
}

_alliesctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev="" path="" word REPLY="" i=1
  local global=')",
      absl::StrJoin(global, " "), R"('
  local value_flags=' )",
      absl::StrJoin(value_flags, " "), R"( '
  COMPREPLY=()
  ((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  case $prev in
    -o | --output)
      mapfile -t COMPREPLY < <(compgen -W ')",
      absl::StrReplaceAll(OutputFormatNames(), {{"|", " "}}), R"(' -- "$cur")
      return
      ;;
  esac
  # Another flag's value: file names (complete -o default).
  [[ $value_flags == *" $prev "* ]] && return
  while ((i < COMP_CWORD)); do
    word=${COMP_WORDS[i]}
    i=$((i + 1))
    case $word in
      --) break ;;
      -?*=*) ;;
      -?*) [[ $value_flags == *" $word "* ]] && i=$((i + 1)) ;;
      *)
        if _alliesctl_next "$path" "$word"; then
          path=$REPLY
        else
          # A command's operand, or a word alliesctl does not know: nothing to offer after it.
          _alliesctl_flags "$path" || return
        fi
        ;;
    esac
  done
  REPLY=''
  if [[ $cur == -* ]]; then
    _alliesctl_flags "$path"
    mapfile -t COMPREPLY < <(compgen -W "$REPLY $global" -- "$cur")
    return
  fi
  # A command's operands are names: file names only (complete -o default).
  _alliesctl_flags "$path" && return
  _alliesctl_words "$path"
  mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")
}
complete -o default -F _alliesctl alliesctl
)");
}

}  // namespace allies::ctl
