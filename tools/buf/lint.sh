#!/usr/bin/env bash
# `buf lint` over proto/allies/v1 (STANDARD rules, see buf.yaml), with buf from npm pinned by
# package-lock.json, in the workspace common.sh lays out (with the google/type and google/rpc
# protos from Debian's golang-github-gogo-googleapis-dev).
# Usage: lint.sh [WORK_DIR]   (npm installs into WORK_DIR; default: a temporary directory)
# Exit 77 (skipped) when node or npm is missing.
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$here/common.sh"
work=${1:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
fi
buf_setup "$work"
echo "== buf lint $("$buf" --version) over proto/allies/v1"
if (cd -- "$ws" && "$buf" lint); then
  echo "== passed"
else
  echo "FAIL: buf lint (above: file:line:column: what to change)"
  exit 1
fi
