#!/usr/bin/env bash
# `buf lint` over proto/allies/v1 (STANDARD rules, see buf.yaml), with buf from npm pinned by
# package-lock.json. The google/type and google/rpc protos the API imports come from Debian's
# golang-github-gogo-googleapis-dev, copied beside it (buf reads a workspace, not include paths).
# Usage: lint.sh [WORK_DIR]   (npm installs into WORK_DIR; default: a temporary directory)
# Exit 77 (skipped) when node or npm is missing.
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(cd -- "$here/../.." && pwd)
googleapis=${ALLIES_GOOGLEAPIS_DIR:-/usr/share/gocode/src/github.com/gogo/googleapis}
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (needed for buf)"; exit 77; }
done
work=${1:-}
if [[ -z $work ]]; then
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
fi
mkdir -p -- "$work"
cp -- "$here/package.json" "$here/package-lock.json" "$work/"
stamp=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
if [[ ! -d $work/node_modules || $(cat "$work/node_modules/.allies-lock" 2>/dev/null) != "$stamp" ]]; then
  echo "npm ci (@bufbuild/buf, pinned by package-lock.json)"
  (cd -- "$work" && npm ci --no-audit --no-fund --loglevel=error) ||
    { echo "FAIL: npm ci failed (the npm registry must be reachable)"; exit 1; }
  echo "$stamp" >"$work/node_modules/.allies-lock"
fi
ws=$work/workspace
rm -rf -- "$ws"
mkdir -p -- "$ws/third_party/google"
cp -r -- "$root/proto" "$ws/proto"
cp -r -- "$googleapis/google/type" "$googleapis/google/rpc" "$ws/third_party/google/"
cp -- "$here/buf.yaml" "$ws/buf.yaml"
echo "== buf lint $("$work/node_modules/.bin/buf" --version) over proto/allies/v1"
if (cd -- "$ws" && "$work/node_modules/.bin/buf" lint); then
  echo "== passed"
else
  echo "FAIL: buf lint (above: file:line:column: what to change)"
  exit 1
fi
