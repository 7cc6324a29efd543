# Shared by the shell end-to-end tests (source it): a private database with the first-start
# admin key, servers on free loopback ports, and checks that count passes and failures.
# Needs: ctl, server_bin, dbctl, migrate_bin set by the caller.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/allies-e2e.XXXXXX")
server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  "$dbctl" stop "$tmp/db" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0
# expect CODE DESCRIPTION -- COMMAND...: runs the command, checks its exit code.
expect() {
  local want=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got == "$want" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what: exit $got, want $want"
    sed 's/^/  out: /' "$tmp/out"
    sed 's/^/  err: /' "$tmp/err"
  fi
}
# contains FILE TEXT DESCRIPTION
contains() {
  if grep -qF -- "$2" "$1"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $3: '$2' not in:"
    sed 's/^/  /' "$1"
  fi
}
# not_contains FILE TEXT DESCRIPTION
not_contains() {
  if ! grep -qF -- "$2" "$1"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $3: '$2' found in:"
    sed 's/^/  /' "$1"
  fi
}
# pass / fail DESCRIPTION: a check the caller made itself.
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL: $1"
}
# finish: prints the tally and fails when anything failed.
finish() {
  echo "$passed passed, $failed failed"
  [[ $failed == 0 ]]
}

# start_database: a private MariaDB, migrated, with the administrator's key file that
# alliesctl then reads (as ./allies up does on a first start).
start_database() {
  "$dbctl" start "$tmp/db" --fast >/dev/null || exit 1
  set -a
  . "$tmp/db/env"
  set +a
  "$migrate_bin" --bootstrap-key-file="$tmp/admin.key" >/dev/null || exit 1
  export ALLIES_API_KEY_FILE=$tmp/admin.key
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server ADDRESS [FLAGS...]: starts allies-server and waits until it accepts connections.
start_server() {
  local address=$1
  shift
  "$server_bin" --listen "$address" "$@" 2>>"$tmp/server.log" &
  server_pids+=($!)
  local host=${address%:*} port=${address##*:} _
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "server on $address did not start"; tail "$tmp/server.log"; exit 1
}
