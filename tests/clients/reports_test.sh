#!/usr/bin/env bash
# alliesctl reports against a real allies-server and MariaDB: the review as a table, CSV and a
# self-contained HTML page that headless Chromium renders (with no network) and whose DOM holds
# the figures and the charts; the yearly report built, approved and left as it is by a rebuild.
# Usage: reports_test.sh ALLIESCTL ALLIES_SERVER DBCTL ALLIES_MIGRATE
set -uo pipefail
ctl=$1 server_bin=$2 dbctl=$3 migrate_bin=$4
source "$(dirname "$0")/../support/e2e_lib.sh"

start_database
export ALLIES_ENDPOINT=127.0.0.1:$(free_port)
start_server "$ALLIES_ENDPOINT"
year=$(date -u +%Y)

expect 0 "region" -- "$ctl" libraries create --id oblast --display-name "Областная библиотека им. Ё. Ёлкина" --kind regional
expect 0 "a city system" -- "$ctl" libraries create --id cbs --display-name "ЦБС «Берёзка»" --kind CENTRAL_SYSTEM --parent oblast
expect 0 "a partner of the region" -- "$ctl" partners create oblast --id sber --display-name "Сбербанк" --kind business --support-form material
expect 0 "a partner of the city" -- "$ctl" partners create cbs --id muzey --display-name "Музей «Ёлка»" --kind culture
expect 0 "another of the city" -- "$ctl" partners create cbs --id gazeta --display-name "Газета" --kind media

expect 0 "review as a table" -- "$ctl" reports review oblast --year "$year"
contains "$tmp/out" "Партнёры на конец периода" "labels in Russian"
contains "$tmp/out" "ЦБС «Берёзка»" "the drill-down names the child"
expect 0 "review as csv" -- "$ctl" reports review oblast --year "$year" -o csv
contains "$tmp/out" "partners,partners.total,Партнёры на конец периода,partners@1,3,1,2" "csv: whole, own, child"
expect 0 "review as json" -- "$ctl" reports review oblast --year "$year" -o json
contains "$tmp/out" '"sqlSha256"' "json carries the provenance"
expect 2 "a review needs a period" -- "$ctl" reports review oblast
expect 3 "a future year is exit 3" -- "$ctl" reports review oblast --year $((year + 1))

expect 0 "review as html" -- "$ctl" reports review oblast --year "$year" -o html
cp "$tmp/out" "$tmp/review.html"
not_contains "$tmp/review.html" " src=" "nothing loaded from elsewhere"
not_contains "$tmp/review.html" "<link" "no linked stylesheets"
if command -v chromium >/dev/null; then
  # --dump-dom prints the DOM after the page has loaded and rendered.
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$tmp/chromium" --dump-dom "file://$tmp/review.html" \
    >"$tmp/dom.html" 2>"$tmp/chromium.log"
  echo "chromium exit $?"
  contains "$tmp/dom.html" 'data-key="partners.total">3<' "the page shows the network's partners"
  contains "$tmp/dom.html" 'data-key="partners.by_kind.BUSINESS">1<' "by kind"
  contains "$tmp/dom.html" '<svg' "charts are SVG"
  bars=$(grep -o '<rect class="bar"' "$tmp/dom.html" | wc -l)
  if [[ $bars -ge 20 ]]; then pass "12 months and 8 kinds of bars ($bars)"; else fail "bars: $bars"; fi
  contains "$tmp/dom.html" '<td>ЦБС «Берёзка»</td>' "the drill-down row of the child"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$tmp/chromium" --window-size=1200,2000 --screenshot="$tmp/review.png" \
    "file://$tmp/review.html" >/dev/null 2>>"$tmp/chromium.log"
  if [[ -s $tmp/review.png ]]; then pass "rendered to a picture"; else fail "no screenshot"; cat "$tmp/chromium.log"; fi
else
  fail "chromium is not installed (./allies test installs it)"
fi

expect 0 "build the year's report" -- "$ctl" reports build oblast --year "$year"
contains "$tmp/out" "Built libraries/oblast/reports/$year (DRAFT)" "built as a draft"
expect 0 "approve it" -- "$ctl" reports approve oblast --year "$year"
contains "$tmp/out" "APPROVED" "approved"
expect 6 "approve twice is exit 6" -- "$ctl" reports approve oblast --year "$year"
expect 0 "one more partner" -- "$ctl" partners create cbs --id teatr --display-name "Театр" --kind culture
expect 0 "rebuild the approved year" -- "$ctl" reports build oblast --year "$year"
contains "$tmp/out" "is APPROVED and stays as it is" "an approved report is not overwritten"
contains "$tmp/out" "partners.total" "the difference is listed"
expect 0 "the report as kept, in html" -- "$ctl" reports get oblast --year "$year" -o html
contains "$tmp/out" 'data-key="partners.total">3<' "the approved figures"
contains "$tmp/out" "<h1>Годовой отчёт $year (утверждён " "titled as approved, with when and by whom"
expect 0 "list reports" -- "$ctl" reports list oblast
contains "$tmp/out" "libraries/oblast/reports/$year" "listed"

finish
