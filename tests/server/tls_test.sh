#!/usr/bin/env bash
# TLS and mutual TLS between alliesctl and allies-server, with certificates made here.
# Usage: tls_test.sh ALLIESCTL ALLIES_SERVER DBCTL ALLIES_MIGRATE
set -uo pipefail
ctl=$1 server_bin=$2 dbctl=$3 migrate_bin=$4
source "$(dirname "$0")/../support/e2e_lib.sh"

# A CA, a server certificate for 127.0.0.1, and a client certificate, all signed by the CA; and
# another CA that signed nothing here.
pki=$tmp/pki
mkdir -p "$pki"
(
  cd "$pki" || exit 1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=Allies test CA" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 \
    -subj "/CN=Another CA" 2>/dev/null
  for who in server client; do
    openssl req -newkey rsa:2048 -nodes -keyout "$who.key" -out "$who.csr" \
      -subj "/CN=allies-$who" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$who.ext"
    openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$who.pem" \
      -days 2 -extfile "$who.ext" 2>/dev/null
  done
) || { echo "cannot make certificates"; exit 1; }

start_database
tls=127.0.0.1:$(free_port)
mtls=127.0.0.1:$(free_port)
start_server "$tls" --tls-cert "$pki/server.pem" --tls-key "$pki/server.key"
start_server "$mtls" --tls-cert "$pki/server.pem" --tls-key "$pki/server.key" \
  --tls-client-ca "$pki/ca.pem"

expect 0 "TLS with the right CA" -- "$ctl" --endpoint "$tls" --ca "$pki/ca.pem" libraries list
expect 0 "the CA from ALLIES_CA" -- env ALLIES_CA="$pki/ca.pem" "$ctl" --endpoint "$tls" libraries list
expect 5 "plaintext to a TLS server fails" -- "$ctl" --endpoint "$tls" --timeout 3 libraries list
expect 5 "a CA that did not sign the server fails" -- "$ctl" --endpoint "$tls" --timeout 3 \
  --ca "$pki/other-ca.pem" libraries list
expect 5 "mTLS without a client certificate fails" -- "$ctl" --endpoint "$mtls" --timeout 3 \
  --ca "$pki/ca.pem" libraries list
expect 0 "mTLS with a client certificate" -- "$ctl" --endpoint "$mtls" --ca "$pki/ca.pem" \
  --cert "$pki/client.pem" --key "$pki/client.key" libraries list
expect 2 "an unreadable CA file is a usage error" -- "$ctl" --endpoint "$tls" --ca /nonexistent \
  libraries list
expect 2 "a server with a key but no certificate refuses to start" -- "$server_bin" \
  --listen "127.0.0.1:$(free_port)" --tls-key "$pki/server.key"
finish
