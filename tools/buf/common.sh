# shellcheck shell=bash
# Sourced by lint.sh and breaking.sh. buf_setup WORK_DIR: installs buf from npm into WORK_DIR
# (pinned by package-lock.json; skipped when the lockfile has not changed) and lays out a fresh
# buf workspace in WORK_DIR/workspace: buf.yaml, proto/allies (the API) and third_party/google
# (the google/type and google/rpc protos the API imports, from Debian's
# golang-github-gogo-googleapis-dev; buf reads a workspace, not include paths). Sets buf (the
# binary) and ws (the workspace). Exits 77 (skipped) when node or npm is missing.
buf_setup() {
  local work=$1 here root googleapis stamp tool
  here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
  root=$(cd -- "$here/../.." && pwd)
  googleapis=${ALLIES_GOOGLEAPIS_DIR:-/usr/share/gocode/src/github.com/gogo/googleapis}
  for tool in node npm; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (needed for buf)"; exit 77; }
  done
  mkdir -p -- "$work"
  cp -- "$here/package.json" "$here/package-lock.json" "$work/"
  stamp=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
  if [[ ! -d $work/node_modules || $(cat "$work/node_modules/.allies-lock" 2>/dev/null) != "$stamp" ]]; then
    echo "npm ci (@bufbuild/buf, pinned by package-lock.json)"
    (cd -- "$work" && npm ci --no-audit --no-fund --loglevel=error) ||
      { echo "FAIL: npm ci failed (the npm registry must be reachable)"; exit 1; }
    echo "$stamp" >"$work/node_modules/.allies-lock"
  fi
  # shellcheck disable=SC2034  # buf and ws are for the caller
  buf=$work/node_modules/.bin/buf
  ws=$work/workspace
  rm -rf -- "$ws"
  mkdir -p -- "$ws/proto" "$ws/third_party/google"
  cp -r -- "$root/proto/allies" "$ws/proto/"
  cp -r -- "$googleapis/google/type" "$googleapis/google/rpc" "$ws/third_party/google/"
  cp -- "$here/buf.yaml" "$ws/buf.yaml"
}
