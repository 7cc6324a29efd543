#!/usr/bin/env bash
# Every service as its own microservice binary over the one shared database: each serves its
# own API and nothing else (another service's call is UNIMPLEMENTED, exit 1), and together they
# do what the all-in-one server does.
# Usage: standalone_services_test.sh ALLIESCTL BIN_DIR DBCTL ALLIES_MIGRATE
set -uo pipefail
ctl=$1 bin_dir=$2 dbctl=$3 migrate_bin=$4
server_bin=$bin_dir/allies-server
source "$(dirname "$0")/../support/e2e_lib.sh"

start_database
declare -A at
for service in library activity api-key partner contact agreement project reader-council \
    supervisory-board reminder report; do
  at[$service]=127.0.0.1:$(free_port)
  server_bin=$bin_dir/allies-$service-service
  start_server "${at[$service]}"
done
on() { local service=$1; shift; "$ctl" --endpoint "${at[$service]}" "$@"; }

expect 0 "library service creates a library" -- \
  on library libraries create --id gorod --display-name "Городская ЦБС" --kind CENTRAL_SYSTEM
expect 1 "library service does not serve partners" -- on library partners list
expect 0 "partner service creates a partner" -- \
  on partner partners create gorod --id bank --display-name "Банк «Ёлка»" --kind BUSINESS \
  --inn 7707083893
expect 1 "partner service does not serve libraries" -- on partner libraries list
expect 0 "contact service creates a contact of that partner" -- \
  on contact contacts create gorod --id petrova --family-name Петрова --given-name Алёна \
  --partner libraries/gorod/partners/bank
expect 1 "contact service does not serve agreements" -- on contact agreements list
expect 0 "agreement service creates an agreement signed by the contact" -- \
  on agreement agreements create gorod --id a1 --partner libraries/gorod/partners/bank \
  --number 1/2026 --title "О сотрудничестве" --kind COOPERATION --end-date 2099-12-31 \
  --signatory libraries/gorod/contacts/petrova
expect 0 "and activates it" -- on agreement agreements activate libraries/gorod/agreements/a1
expect 1 "agreement service does not serve contacts" -- on agreement contacts list
expect 0 "activity service shows what the others logged" -- \
  on activity activities list gorod --filter 'verb = ACTIVATE' -o json
contains "$tmp/out" "libraries/gorod/agreements/a1" "the ACTIVATE entry of the agreement"
expect 1 "activity service does not serve partners" -- on activity partners list
expect 0 "activity service streams the changes the others made" -- \
  on activity changes watch gorod --collection agreements --max-changes 2 -o json
contains "$tmp/out" '"resource":"libraries/gorod/agreements/a1","collection":"agreements","verb":"ACTIVATE"' \
  "the agreement's activation, streamed"
expect 0 "api key service lists keys" -- on api-key keys list
expect 1 "api key service does not serve activities" -- on api-key activities list
expect 0 "project service creates a project" -- \
  on project projects create gorod --id readings --title "Громкие чтения"
contains "$tmp/out" "libraries/gorod/projects/readings" "the project is created"
expect 1 "project service does not serve libraries" -- on project libraries list
expect 0 "supervisory board service creates a board" -- \
  on supervisory-board boards create gorod --id nabl --display-name "Наблюдательный совет" --seat-count 5
contains "$tmp/out" "libraries/gorod/supervisoryBoards/nabl" "the board is created"
expect 1 "supervisory board service does not serve reader councils" -- \
  on supervisory-board reader-councils list gorod
expect 0 "reader council service creates a council" -- \
  on reader-council reader-councils create gorod --id chitateli --display-name "Читательский совет" --seat-count 3
contains "$tmp/out" "libraries/gorod/readerCouncils/chitateli" "the council is created"
expect 1 "reader council service does not serve boards" -- on reader-council boards list gorod

expect 0 "reminder service lists what is due" -- on reminder reminders list gorod
expect 1 "reminder service does not serve partners" -- on reminder partners list
expect 0 "report service reviews the network" -- on report reports review gorod --year "$(date -u +%Y)" -o csv
contains "$tmp/out" "partners.total,Партнёры на конец периода,partners@1," "the review counts partners"
expect 1 "report service does not serve partners" -- on report partners list

finish
