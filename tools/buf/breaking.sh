#!/usr/bin/env bash
# `buf breaking`: the API in proto/allies against proto/released/allies-v1.binpb, the buf image
# of the API as last released (FILE rules, see buf.yaml; the image is in the repository because
# a CI clone may have neither tags nor history). buf from npm, pinned by package-lock.json, in
# the workspace common.sh lays out (google/type and google/rpc from Debian's
# golang-github-gogo-googleapis-dev), exactly as lint.sh.
# Usage: breaking.sh [--self-test | --release] [WORK_DIR]
#   (no flag)    check; fails on a breaking change
#   --self-test  check, then show that the check has teeth: on a copy of library.proto, deleting,
#                renumbering or retyping a field and deleting an rpc must fail; adding a field,
#                an enum value, a message and an rpc must pass (ctest proto_breaking)
#   --release    when a release is cut: rewrite the image from the current protos and the
#                "Baseline:" line of proto/released/README.md, then commit both
#   WORK_DIR     npm installs into it; default: a temporary directory
# Exit 77 (skipped) when node or npm is missing.
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$here/common.sh"
mode=check
case ${1:-} in
  --self-test) mode=self-test; shift ;;
  --release) mode=release; shift ;;
  -*) echo "usage: breaking.sh [--self-test | --release] [WORK_DIR]" >&2; exit 2 ;;
esac
work=${1:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
fi
baseline=$root/proto/released/allies-v1.binpb
buf_setup "$work"

if [[ $mode == release ]]; then
  # No source info: the messages name the current files' lines, so the image needs none (88 KB, not 370).
  (cd -- "$ws" && "$buf" build proto --exclude-source-info -o "$baseline")
  commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
  if [[ -n $(git -C "$root" status --porcelain -- proto/allies 2>/dev/null) ]]; then
    commit+=" plus uncommitted changes to proto/allies"
  fi
  sed -i "s|^Baseline: .*|Baseline: allies.v1 as of commit $commit (buf $("$buf" --version)).|" \
    "$root/proto/released/README.md"
  echo "== wrote proto/released/allies-v1.binpb ($(stat -c %s "$baseline") bytes) from proto/allies"
  grep '^Baseline: ' "$root/proto/released/README.md"
  echo "   commit both files"
  exit 0
fi

[[ -f $baseline ]] || { echo "FAIL: $baseline is missing (tools/buf/breaking.sh --release makes it)"; exit 1; }
# breaking OUT_FILE: buf's output to OUT_FILE; 0 compatible, 100 breaking, 1 does not compile
# (buf breaking says 100 for both, so the protos are compiled first).
breaking() {
  local rc=0
  (cd -- "$ws" && "$buf" build proto -o /dev/null) >"$1" 2>&1 || return 1
  (cd -- "$ws" && "$buf" breaking proto --against "$baseline" --exclude-imports) >"$1" 2>&1 || rc=$?
  return "$rc"
}
echo "== buf breaking $("$buf" --version): proto/allies against proto/released/allies-v1.binpb"
grep '^Baseline: ' "$root/proto/released/README.md" | sed 's/^/   /' || true
rc=0
breaking "$work/breaking.out" || rc=$?
cat "$work/breaking.out"
if ((rc == 100)); then
  echo "FAIL: breaking change against the released API (above: file:line:column: what broke)."
  echo "      Add instead (a new field, message or rpc); deprecate, do not delete (AIP-180)."
  exit 1
elif ((rc == 1)); then
  echo "FAIL: the protos do not compile (above)"
  exit 1
elif ((rc != 0)); then
  echo "FAIL: buf breaking could not run (exit $rc)"
  exit 1
fi
echo "== compatible"
[[ $mode == self-test ]] || exit 0

echo "== the check must catch breaking changes and let additions through (library.proto, a copy)"
proto=$ws/proto/allies/v1/library.proto
cp -- "$proto" "$work/library.proto.orig"
failed=0
# mutate EXPECT LABEL SED_SCRIPT...: edit the copy, run the check, expect 'breaks' or 'passes'.
mutate() {
  local expect=$1 label=$2 rc=0 args=()
  shift 2
  for e in "$@"; do args+=(-e "$e"); done
  sed "${args[@]}" "$work/library.proto.orig" >"$proto"
  if cmp -s "$work/library.proto.orig" "$proto"; then
    echo "FAIL: $label: the edit matched nothing in library.proto (update breaking.sh)"; failed=1; return
  fi
  breaking "$work/mutant.out" || rc=$?
  cp -- "$work/library.proto.orig" "$proto"
  if [[ $expect == breaks && $rc == 100 ]]; then
    echo "  caught: $label: $(head -n1 "$work/mutant.out" | sed 's/^[^ ]*:\([0-9]*\):[0-9]*:/line \1: /')"
  elif [[ $expect == passes && $rc == 0 ]]; then
    echo "  passed: $label"
  else
    echo "FAIL: $label: expected the check to say it $expect, got exit $rc:"; cat "$work/mutant.out"; failed=1
  fi
}
mutate breaks "delete field Library.region" '/^  string region = 5;$/d'
mutate breaks "renumber Library.address 6 -> 60" 's/^  string address = 6;$/  string address = 60;/'
mutate breaks "retype Library.website string -> int64" 's/^  string website = 7;$/  int64 website = 7;/'
mutate breaks "delete rpc UndeleteLibrary" '/^  rpc UndeleteLibrary(/,/^  }$/d'
mutate passes "add field Library.self_test = 999" 's/^  string email = 13;$/&\n  string self_test = 999;/'
mutate passes "add enum value Library.Kind.SELF_TEST" 's/^    SPECIAL = 7;$/&\n    SELF_TEST = 999;/'
# shellcheck disable=SC2016  # sed's $ (the last line, the line's end), not the shell's
mutate passes "add message SelfTestRequest and rpc LibraryService.SelfTest" \
  's/^service LibraryService {$/&\n  rpc SelfTest(SelfTestRequest) returns (Library);/' \
  '$s/$/\n\nmessage SelfTestRequest {\n  string name = 1;\n}/'
if ((failed)); then echo "== self-test FAILED"; exit 1; fi
echo "== self-test passed"
