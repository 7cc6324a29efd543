#!/usr/bin/env bash
# allies-notifier and `alliesctl reminders list` end to end: a real server and database, an
# agreement ending in 7 days, the relay down (the run fails, the ledger says RETRYING), then an
# aiosmtpd sink (smtp_sink.py) up: the message arrives once, in Russian, from the library's
# address; another run sends nothing; the CLI shows SENT.
# Usage: notifier_e2e_test.sh ALLIESCTL ALLIES_SERVER DBCTL ALLIES_MIGRATE ALLIES_NOTIFIER
set -uo pipefail
ctl=$1 server_bin=$2 dbctl=$3 migrate_bin=$4 notifier=$5
source "$(dirname "$0")/../../support/e2e_lib.sh"
sink_script=$(dirname "$0")/smtp_sink.py

start_database
address=127.0.0.1:$(free_port)
start_server "$address"
export ALLIES_ENDPOINT=$address
smtp_port=$(free_port)
mkdir -p "$tmp/mail"
messages() { find "$tmp/mail" -name '*.json' | wc -l; }

expect 0 "a library with its e-mail" -- \
  "$ctl" libraries create --id gorod --display-name "Городская ЦБС «Ёлка»" --kind CENTRAL_SYSTEM \
  --email Gorod@Biblioteka.Example.ru
expect 0 "a partner" -- \
  "$ctl" partners create gorod --id bank --display-name "Банк «Ёлка»" --kind BUSINESS --inn 7707083893
expect 0 "an agreement ending in 7 days" -- \
  "$ctl" agreements create gorod --id a7 --partner libraries/gorod/partners/bank --number 7/2026-С \
  --title "О поддержке летнего чтения" --kind COOPERATION --end-date "$(date -u -d '+7 days' +%F)"
expect 0 "activated" -- "$ctl" agreements activate libraries/gorod/agreements/a7
expect 0 "reminders list" -- "$ctl" reminders list gorod
contains "$tmp/out" "AGREEMENT_ENDING" "the agreement's reminder is due"
contains "$tmp/out" "PENDING" "not sent yet"
expect 0 "reminders list -o json" -- "$ctl" reminders list gorod -o json
contains "$tmp/out" "заканчивается через 7 дней" "in Russian"

expect 2 "the relay is required" -- "$notifier" --once
notify() { "$notifier" --once --smtp-url "smtp://127.0.0.1:$smtp_port" --backoff 0.001 --smtp-timeout 5; }
expect 1 "the relay is down: the run fails" -- notify
expect 0 "reminders list" -- "$ctl" reminders list gorod
contains "$tmp/out" "RETRYING" "the ledger waits to retry"

/usr/bin/python3 "$sink_script" "$smtp_port" "$tmp/mail" "$tmp/mail/.ready" 2>>"$tmp/sink.log" &
server_pids+=($!)
for _ in $(seq 200); do [[ -e $tmp/mail/.ready ]] && break; sleep 0.05; done
[[ -e $tmp/mail/.ready ]] || { echo "the SMTP sink did not start"; cat "$tmp/sink.log"; exit 1; }

expect 0 "the relay is back: sent" -- notify
[[ $(messages) == 1 ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: want 1 message, got $(messages)"; }
message=$(find "$tmp/mail" -name '*.json' | head -1)
contains "$message" '"mail_from": "gorod@biblioteka.example.ru"' "sent from the library's address"
contains "$message" '"subject": "Соглашение № 7/2026-С заканчивается через 7 дней"' "the subject decodes"
contains "$message" '"rcpt_tos": ["gorod@biblioteka.example.ru"]' "to the library's staff"
expect 0 "another run" -- notify
[[ $(messages) == 1 ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: sent twice: $(messages) messages"; }
expect 0 "reminders list" -- "$ctl" reminders list gorod
contains "$tmp/out" "SENT" "the ledger says sent"

finish
