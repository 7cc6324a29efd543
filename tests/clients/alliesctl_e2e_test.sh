#!/usr/bin/env bash
# alliesctl against a real allies-server and MariaDB: commands, output and exit codes.
# Usage: alliesctl_e2e_test.sh ALLIESCTL ALLIES_SERVER DBCTL ALLIES_MIGRATE
set -uo pipefail
ctl=$1 server_bin=$2 dbctl=$3 migrate_bin=$4
source "$(dirname "$0")/../support/e2e_lib.sh"

start_database
export ALLIES_ENDPOINT=127.0.0.1:$(free_port)
start_server "$ALLIES_ENDPOINT"

expect 0 "create root" -- "$ctl" libraries create --id oblast --display-name "Областная библиотека им. Ё. Ёлкина" --kind regional --region "Вологодская область"
contains "$tmp/out" "libraries/oblast" "create prints the library"
expect 0 "create child" -- "$ctl" libraries create --id cbs --display-name "ЦБС" --kind CENTRAL_SYSTEM --parent oblast
expect 0 "get json" -- "$ctl" libraries get libraries/oblast -o json
contains "$tmp/out" '"displayName": "Областная библиотека им. Ё. Ёлкина"' "json output keeps Cyrillic"
expect 0 "get yaml" -- "$ctl" libraries get oblast -o yaml
contains "$tmp/out" 'displayName: "Областная библиотека им. Ё. Ёлкина"' "yaml output"
expect 0 "list csv" -- "$ctl" libraries list -o csv
contains "$tmp/out" 'libraries/oblast,Областная библиотека им. Ё. Ёлкина,REGIONAL,,Вологодская область' "csv output"
expect 0 "list children" -- "$ctl" libraries list --parent oblast
contains "$tmp/out" "libraries/cbs" "children listed"
expect 0 "list all pages" -- "$ctl" libraries list --page-size 1 --all
contains "$tmp/out" "libraries/oblast" "--all follows pages"
expect 0 "update" -- "$ctl" libraries update cbs --region "Город"
contains "$tmp/out" "Город" "update prints the new value"
expect 3 "invalid input is exit 3" -- "$ctl" libraries create --display-name "" --kind BRANCH
contains "$tmp/err" "library.display_name" "field violation printed"
expect 4 "not found is exit 4" -- "$ctl" libraries get nope
expect 6 "children guard is exit 6" -- "$ctl" libraries delete oblast
contains "$tmp/err" "LIBRARY_HAS_CHILDREN" "reason printed"
expect 6 "stale etag is exit 6" -- "$ctl" libraries update cbs --region x --etag stale
expect 0 "filtered list" -- "$ctl" libraries list --filter 'kind = CENTRAL_SYSTEM' --order-by 'display_name desc'
contains "$tmp/out" "libraries/cbs" "filter keeps the match"
expect 3 "bad filter is exit 3" -- "$ctl" libraries list --filter 'kind = PURPLE'
contains "$tmp/err" "INVALID_FILTER" "filter error reason printed"
expect 0 "create with request id" -- "$ctl" libraries create --display-name "Повтор" --kind BRANCH --request-id r-1
first=$(head -2 "$tmp/out" | tail -1 | cut -d' ' -f1)
expect 0 "retry with request id" -- "$ctl" libraries create --display-name "Повтор" --kind BRANCH --request-id r-1
contains "$tmp/out" "$first" "a retry returns the first library"
expect 0 "activity log of a library" -- "$ctl" activities list oblast
contains "$tmp/out" "CREATE libraries/oblast (display_name, kind, region, time_zone)" "changes are logged with their fields"
expect 0 "record a meeting" -- "$ctl" activities log oblast --kind meeting --subject "Встреча с банком" --related libraries/oblast/partners/bank --follow-up-date 2026-12-15
expect 0 "what happened with the bank" -- "$ctl" activities list --related libraries/oblast/partners/bank -o json
contains "$tmp/out" '"subject": "Встреча с банком"' "the meeting is found by its related partner"
expect 2 "a system kind cannot be logged" -- "$ctl" activities log oblast --kind system --subject x
expect 3 "an invalid related name is exit 3" -- "$ctl" activities log oblast --kind call --subject x --related "not a name"

# The change stream: the same changes in commit order, resumable from a position.
expect 0 "watch the first changes" -- "$ctl" changes watch oblast --max-changes 2 -o json
contains "$tmp/out" '"resource":"libraries/oblast","collection":"libraries","verb":"CREATE"' "the library's creation streamed"
contains "$tmp/err" "resume with --after" "where to resume is printed"
resume=$(grep -o 'after [0-9]*' "$tmp/err" | cut -d' ' -f2)
expect 0 "resume after it" -- "$ctl" changes watch oblast --after "$resume" --max-changes 1
not_contains "$tmp/out" "CREATE  libraries/oblast " "nothing seen twice"
expect 0 "only the activity log" -- "$ctl" changes watch - --collection activities --max-changes 1
contains "$tmp/out" "CREATE  libraries/oblast/activities/" "the meeting's entry, filtered by collection"
expect 3 "an unknown collection is exit 3" -- "$ctl" changes watch oblast --collection книги --max-changes 1
expect 3 "a position not given yet is exit 3" -- "$ctl" changes watch oblast --after 999999999 --max-changes 1
expect 2 "--after and --from-now exclude each other" -- "$ctl" changes watch oblast --after 1 --from-now

# Partners, contacts and agreements: a sponsor, its representative, a signed agreement.
partner=libraries/oblast/partners/sber
contact=libraries/oblast/contacts/ivanova
agreement=libraries/oblast/agreements/sponsorship
today=$(date -u +%F)
end_date=$(date -u -d '+365 days' +%F)
expect 0 "create a partner" -- "$ctl" partners create oblast --id sber --display-name "Сбербанк, Вологодское отделение" --legal-name "ПАО Сбербанк" --inn 7707083893 --kind business --support-form material,informational --tag банк --tag спонсор --phone "8 (8172) 21-00-00"
contains "$tmp/out" "$partner" "create prints the partner"
contains "$tmp/out" "PROSPECT" "a new partner is a prospect"
expect 3 "a bad INN is exit 3" -- "$ctl" partners create oblast --display-name "Ошибка" --kind business --inn 7707083894
contains "$tmp/err" "partner.inn" "the violation names partner.inn"
expect 6 "the same INN twice in a library is exit 6" -- "$ctl" partners create oblast --display-name "Сбер" --kind business --inn 7707083893
contains "$tmp/err" "PARTNER_INN_TAKEN" "the reason is printed"
expect 0 "who works with this INN, across libraries" -- "$ctl" partners list libraries/- --filter 'inn = "7707083893"'
contains "$tmp/out" "$partner" "the partner is found across libraries"
contains "$tmp/out" "Сбербанк, Вологодское отделение" "the table shows its Cyrillic name"
expect 0 "filter by support form and tag" -- "$ctl" partners list - --filter 'support_forms: MATERIAL AND tags: "банк"' -o csv
contains "$tmp/out" "$partner,\"Сбербанк, Вологодское отделение\",BUSINESS,PROSPECT,7707083893," "csv output of partners"
expect 0 "get a partner as json" -- "$ctl" partners get "$partner" -o json
cp "$tmp/out" "$tmp/partner.json"
contains "$tmp/partner.json" '"phone": "+78172210000"' "the phone is normalized"
expect 1 "no last interaction before one is recorded" -- grep -q lastInteractionTime "$tmp/partner.json"
expect 0 "create a contact of the partner" -- "$ctl" contacts create oblast --id ivanova --family-name "Иванова" --given-name "Мария" --patronymic "Петровна" --partner "$partner" --email M.Ivanova@Example.ru --phone "+7 900 123-45-67"
contains "$tmp/out" "$contact" "create prints the contact"
expect 0 "the partner's contacts" -- "$ctl" contacts list oblast --filter "partner = \"$partner\""
contains "$tmp/out" "Иванова" "the contact is listed under its partner"
expect 0 "create an agreement signed by the contact" -- "$ctl" agreements create oblast --id sponsorship --partner "$partner" --number "12/2026-С" --title "О спонсорской помощи" --kind sponsorship --sign-date "$today" --start-date "$today" --end-date "$end_date" --value "150000.50 RUB" --signatory "$contact" --document "Договор=https://example.ru/docs/12-2026.pdf?v=1"
contains "$tmp/out" "DRAFT" "a new agreement is a draft"
contains "$tmp/out" "150000.50 RUB" "the value is shown as money"
expect 0 "activate the agreement" -- "$ctl" agreements activate "$agreement"
contains "$tmp/out" "ACTIVE" "the agreement is active"
expect 0 "agreements expiring within 400 days" -- "$ctl" agreements expiring libraries/- --within-days 400
contains "$tmp/out" "$agreement" "the agreement ends within 400 days"
contains "$tmp/out" "$end_date" "with its end date"
expect 0 "none within the default 30 days" -- "$ctl" agreements expiring
contains "$tmp/err" "No expiring agreements found." "an empty list says so"
expect 0 "the agreement as json" -- "$ctl" agreements get "$agreement" -o json
contains "$tmp/out" '"currencyCode": "RUB"' "money keeps its currency"
contains "$tmp/out" '"uri": "https://example.ru/docs/12-2026.pdf?v=1"' "the document's URI is kept whole"
expect 6 "a partner with an active agreement stays" -- "$ctl" partners delete "$partner"
contains "$tmp/err" "PARTNER_HAS_AGREEMENTS" "the reason is printed"
expect 2 "terminate needs a reason" -- "$ctl" agreements terminate "$agreement"
expect 0 "record a meeting with the partner" -- "$ctl" activities log oblast --kind meeting --subject "Подписание договора" --related "$partner" --related "$contact"
expect 0 "the partner shows its last interaction" -- "$ctl" partners get "$partner" -o json
contains "$tmp/out" '"lastInteractionTime"' "last_interaction_time is set by the meeting"
expect 0 "export a contact's data" -- "$ctl" contacts export "$contact" -o json
contains "$tmp/out" "$agreement" "the export names the agreement the contact signed"
contains "$tmp/out" "Подписание договора" "and the meeting that mentions the contact"
expect 2 "erasing needs --yes" -- "$ctl" contacts erase "$contact"
contains "$tmp/err" "cannot be undone" "the usage error says why"
expect 0 "erase a contact" -- "$ctl" contacts erase "$contact" --yes
expect 0 "get the erased contact" -- "$ctl" contacts get "$contact" -o json
cp "$tmp/out" "$tmp/contact.json"
contains "$tmp/contact.json" '"eraseTime"' "the contact is marked erased"
expect 1 "the erased contact keeps no name" -- grep -q "Иванова" "$tmp/contact.json"
# Volunteers under the consent ledger: an application with its consent, the lifecycle, a minor
# whose consent a parent gives, duplicates, export, a withdrawal falling due, an erasure's act.
volunteer=libraries/oblast/volunteers/petrova
adult_birth=$(date -u -d '-30 years' +%F)
minor_birth=$(date -u -d '-15 years' +%F)
expect 3 "a volunteer without any consent is exit 3" -- "$ctl" volunteers create oblast --family-name "Петрова" --given-name "Анна" --birth-date "$adult_birth"
contains "$tmp/err" "INVALID_ARGUMENT" "the code is printed"
contains "$tmp/err" "consent" "the violation names the consent"
expect 2 "a bad availability is a usage error" -- "$ctl" volunteers create oblast --family-name "Петрова" --given-name "Анна" --birth-date "$adult_birth" --availability "8 09:00-13:00" --consent-purpose volunteer_work --consent-method electronic
contains "$tmp/err" "--availability: the day of the week must be 1-7" "the usage error says what is wrong"
expect 2 "an existing consent and an inline one conflict" -- "$ctl" volunteers create oblast --family-name "Петрова" --given-name "Анна" --birth-date "$adult_birth" --consent libraries/oblast/consents/x --consent-purpose volunteer_work
expect 0 "create a volunteer with the consent given with the application" -- "$ctl" volunteers create oblast --id petrova --family-name "Петрова" --given-name "Анна" --patronymic "Сергеевна" --birth-date "$adult_birth" --email Anna.Petrova@Example.ru --phone "+7 911 555-12-34" --city "Вологда" --skill "ремонт книг" --skill "мастер-классы" --language ru,татарский --availability "1 09:00-13:00" --availability "6 10:00-14:00" --blackout 2026-07-01..2026-07-14 --preferred-channel phone --opt-out sms --dobro-id https://dobro.ru/volunteer/12345678 --notes "Пришла на День открытых дверей" --consent-purpose VOLUNTEER_WORK,COMMUNICATION --consent-method paper --consent-document "17/2026"
contains "$tmp/out" "$volunteer" "create prints the volunteer"
contains "$tmp/out" "APPLICANT" "a new volunteer is an applicant"
contains "$tmp/out" "Петрова" "with its Cyrillic name"
expect 0 "list volunteers by skill" -- "$ctl" volunteers list oblast --filter 'skills: "ремонт книг" AND age >= 18'
contains "$tmp/out" "$volunteer" "the volunteer is found by skill and age"
contains "$tmp/out" "GIVEN NAME   AGE   STATE" "the table has the age and state columns"
expect 0 "get the volunteer as json" -- "$ctl" volunteers get "$volunteer" -o json
contains "$tmp/out" '"dobroId": "12345678"' "the Dobro.rf profile URL is stored as its id"
contains "$tmp/out" '"startTime": "09:00"' "availability is sent"
contains "$tmp/out" '"day": 14' "blackouts are sent"
contains "$tmp/out" '"emails": [' "e-mails are kept"
contains "$tmp/out" '"anna.petrova@example.ru"' "and lowercased"
expect 0 "the consent given with the application" -- "$ctl" consents list oblast --filter "subject = \"$volunteer\""
contains "$tmp/out" "VOLUNTEER_WORK, COMMUNICATION" "it covers the work and contact"
expect 0 "its subject name and categories" -- "$ctl" consents list oblast --filter "subject = \"$volunteer\"" -o json
contains "$tmp/out" '"subjectName": "Петрова Анна Сергеевна"' "the subject name is the volunteer's full name"
contains "$tmp/out" '"дата рождения"' "the default data categories"
expect 0 "activate the volunteer" -- "$ctl" volunteers activate "$volunteer" --reason "Собеседование пройдено"
contains "$tmp/out" "ACTIVE" "the volunteer is active"
expect 0 "pause the volunteer" -- "$ctl" volunteers pause "$volunteer" --reason "Сессия в университете"
contains "$tmp/out" "PAUSED" "the volunteer is paused"
expect 6 "pausing twice is exit 6" -- "$ctl" volunteers pause "$volunteer"
expect 6 "a stale etag is exit 6" -- "$ctl" volunteers resume "$volunteer" --etag stale
expect 0 "resume the volunteer" -- "$ctl" volunteers resume "$volunteer"
contains "$tmp/out" "ACTIVE" "the volunteer is active again"
expect 0 "update availability and clear the blackouts" -- "$ctl" volunteers update "$volunteer" --availability "3 15:00-19:00" --blackout ""
expect 0 "the update is kept" -- "$ctl" volunteers get "$volunteer" -o json
contains "$tmp/out" '"startTime": "15:00"' "the new availability"
expect 1 "no blackouts are left" -- grep -q blackouts "$tmp/out"
expect 6 "a 15-year-old without a representative is exit 6" -- "$ctl" volunteers create oblast --id petrov --family-name "Петров" --given-name "Илья" --birth-date "$minor_birth" --consent-purpose volunteer_work --consent-method paper --consent-document "18/2026"
contains "$tmp/err" "CONSENT_NEEDS_REPRESENTATIVE" "the reason is printed"
expect 4 "nothing is left of the refused one" -- "$ctl" volunteers get libraries/oblast/volunteers/petrov
expect 0 "a 15-year-old with the parent's consent" -- "$ctl" volunteers create oblast --id petrov --family-name "Петров" --given-name "Илья" --birth-date "$minor_birth" --consent-purpose volunteer_work --consent-method paper --consent-document "18/2026" --representative "Петров Сергей Иванович" --representative-relation parent --representative-document "свидетельство о рождении II-ОД № 123456"
contains "$tmp/out" "15" "the age is shown"
expect 0 "the minors" -- "$ctl" volunteers list oblast --filter 'age < 18'
contains "$tmp/out" "libraries/oblast/volunteers/petrov " "the minor is listed"
expect 0 "a second application of the same person" -- "$ctl" volunteers create oblast --id petrova-2 --family-name "ПЕТРОВА" --given-name "Анна" --birth-date "$adult_birth" --email anna.petrova@example.ru --consent-purpose volunteer_work --consent-method electronic
expect 0 "find duplicates" -- "$ctl" volunteers duplicates oblast
contains "$tmp/out" "libraries/oblast/volunteers/petrova-2" "the second application is a duplicate"
contains "$tmp/out" "email" "by e-mail"
expect 0 "merge the duplicate" -- "$ctl" volunteers merge "$volunteer" --source libraries/oblast/volunteers/petrova-2
expect 0 "no duplicates after the merge" -- "$ctl" volunteers duplicates oblast
contains "$tmp/err" "No duplicate volunteers found." "an empty result says so"
expect 0 "export the volunteer's data" -- "$ctl" volunteers export "$volunteer" -o json
contains "$tmp/out" '"consents": [' "the export holds the consents"
contains "$tmp/out" "Пришла на День открытых дверей" "and the record"
expect 0 "export as a table" -- "$ctl" volunteers export "$volunteer"
contains "$tmp/out" "consent " "a row per consent"
# A consent given before the volunteer is recorded, then made theirs.
expect 0 "a consent without a subject" -- "$ctl" consents create oblast --id sidorov-application --subject-name "Сидоров Пётр Ильич" --purpose volunteer_work --category "ФИО" --category "контактные данные (телефон, e-mail)" --method electronic
contains "$tmp/out" "libraries/oblast/consents/sidorov-application" "create prints the consent"
expect 0 "a volunteer under that consent" -- "$ctl" volunteers create oblast --id sidorov --family-name "Сидоров" --given-name "Пётр" --patronymic "Ильич" --birth-date "$adult_birth" --consent libraries/oblast/consents/sidorov-application
expect 0 "the consent is now theirs" -- "$ctl" consents get libraries/oblast/consents/sidorov-application -o json
contains "$tmp/out" '"subject": "libraries/oblast/volunteers/sidorov"' "the consent's subject is the volunteer"
contains "$tmp/out" '"контактные данные (телефон, e-mail)"' "a category with commas is kept whole"
expect 6 "a consent of another person is exit 6" -- "$ctl" volunteers create oblast --family-name "Иванов" --given-name "Иван" --birth-date "$adult_birth" --consent libraries/oblast/consents/sidorov-application
contains "$tmp/err" "CONSENT_OF_ANOTHER_PERSON" "the reason is printed"
# A separate consent to publish photos, withdrawn.
photo=libraries/oblast/consents/petrova-photo
expect 0 "a consent to publish photos" -- "$ctl" consents create oblast --id petrova-photo --subject "$volunteer" --subject-name "Петрова Анна Сергеевна" --purpose publication --category "ФИО" --category "фотографии" --method electronic --given-time "$(date -u -d '-1 day' +%FT%TZ)"
contains "$tmp/out" "PUBLICATION" "the purpose is shown"
expect 2 "withdrawal needs a channel" -- "$ctl" consents withdraw "$photo"
expect 2 "an unknown channel is a usage error" -- "$ctl" consents withdraw "$photo" --channel pigeon
expect 0 "withdraw the consent" -- "$ctl" consents withdraw "$photo" --channel IN_WRITING
contains "$tmp/out" "WITHDRAWN" "the consent is withdrawn"
expect 6 "withdrawing twice is exit 6" -- "$ctl" consents withdraw "$photo" --channel email
expect 0 "destructions due within 31 days" -- "$ctl" consents due --within-days 31
contains "$tmp/out" "$photo" "the withdrawn consent is due"
expect 0 "destructions due in the library by default" -- "$ctl" consents due oblast
contains "$tmp/out" "$photo" "30 days ahead by default"
expect 0 "none due now" -- "$ctl" consents due oblast --within-days 0
contains "$tmp/err" "No destructions due found." "an empty list says so"
expect 3 "within-days out of range is exit 3" -- "$ctl" consents due --within-days 5000
expect 0 "the volunteer still works under the other consent" -- "$ctl" volunteers get "$volunteer"
contains "$tmp/out" "ACTIVE" "withdrawing the photo consent leaves the work"
# Erasure: the data goes, the act stays.
expect 2 "erasing a volunteer needs --yes" -- "$ctl" volunteers erase libraries/oblast/volunteers/petrov
contains "$tmp/err" "cannot be undone" "the usage error says why"
expect 0 "erase the minor" -- "$ctl" volunteers erase libraries/oblast/volunteers/petrov --yes
contains "$tmp/out" "INACTIVE" "an erased volunteer is inactive"
expect 0 "the erased volunteer" -- "$ctl" volunteers get libraries/oblast/volunteers/petrov -o json
contains "$tmp/out" '"eraseTime"' "is marked erased"
expect 1 "and keeps no name" -- grep -q "Петров" "$tmp/out"
expect 0 "the acts of destruction" -- "$ctl" consents destructions oblast
contains "$tmp/out" "libraries/oblast/volunteers/petrov " "the erasure has its act"
contains "$tmp/out" "ERASURE_REQUEST" "with its reason"
act=$(grep -o 'libraries/oblast/destructions/[a-z0-9-]*' "$tmp/out" | head -1)
expect 0 "one act" -- "$ctl" consents destruction "$act" -o json
contains "$tmp/out" '"reason": "ERASURE_REQUEST"' "the act as json"
expect 0 "filtered acts" -- "$ctl" consents destructions - --filter 'reason = ERASURE_REQUEST' -o csv
contains "$tmp/out" "NAME,SUBJECT,CONSENT,REASON,DESTROYED,BY" "csv of the acts"
expect 4 "an unknown act is exit 4" -- "$ctl" consents destruction libraries/oblast/destructions/nope
# Importing volunteers from spreadsheets (CSV), and a library's export imported into another.
expect 0 "a library to import into" -- "$ctl" libraries create --id imp --display-name "Импорт" --kind regional
expect 0 "and another" -- "$ctl" libraries create --id imp2 --display-name "Импорт 2" --kind regional
minor_dotted=$(date -u -d '-15 years' +%d.%m.%Y)
cat >"$tmp/volunteers.csv" <<CSV
Фамилия;Имя;Отчество;Дата рождения;Эл. почта;Телефон;Город;Навыки;Примечания;Номер согласия;Дата согласия;Законный представитель;Кем приходится;Документ представителя
Ёлкина;Алёна;Сергеевна;12.04.1990;alena@example.ru;+7 911 000-00-01;Вологда;ремонт книг, мастер-классы;"Пишет стихи; читает
вслух";С-1/2026;2026-01-15;;;
Семёнов;Пётр;;1985-02-03;petr@example.ru|p.semenov@example.ru;;Вологда;;;С-2/2026;15.01.2026;;;
Ёлкин;Илья;;$minor_dotted;;+7 911 000-00-03;Вологда;чтение;;С-3/2026;15.01.2026;Ёлкина Алёна Сергеевна;мать;свидетельство о рождении II-ОД № 1
CSV
expect 0 "a dry run" -- "$ctl" volunteers import imp "$tmp/volunteers.csv" --dry-run
contains "$tmp/out" "created=3 updated=0 unchanged=0 duplicates=0 failed=0 (dry run)" "the dry run says what would happen"
expect 1 "no progress on a pipe" -- grep -q "rows/s" "$tmp/err"
expect 0 "the dry run created nothing" -- "$ctl" volunteers list imp
contains "$tmp/err" "No volunteers found." "no volunteers after a dry run"
expect 0 "import a UTF-8 file with ;" -- "$ctl" volunteers import imp "$tmp/volunteers.csv"
contains "$tmp/out" "created=3 updated=0 unchanged=0 duplicates=0 failed=0" "three created"
expect 0 "the imported volunteers" -- "$ctl" volunteers list imp --filter 'family_name = "Ёлкина"' -o json
contains "$tmp/out" '"givenName": "Алёна"' "the Cyrillic name with ё"
contains "$tmp/out" '"birthDate": {' "the DD.MM.YYYY date"
contains "$tmp/out" '"ремонт книг"' "a list cell split at commas"
contains "$tmp/out" '"notes": "Пишет стихи; читает\nвслух"' "a quoted cell keeps its ; and line break"
expect 0 "the minor's consent is the mother's" -- "$ctl" consents list imp --filter 'subject_name = "Ёлкин Илья"' -o json
contains "$tmp/out" '"representativeName": "Ёлкина Алёна Сергеевна"' "the representative"
contains "$tmp/out" '"documentNumber": "С-3/2026"' "the consent's number"
contains "$tmp/out" '"givenTime": "2026-01-15T00:00:00Z"' "the consent's day"
expect 0 "the same file again" -- "$ctl" volunteers import imp "$tmp/volunteers.csv"
contains "$tmp/out" "created=0 updated=0 unchanged=0 duplicates=3 failed=0" "all duplicates"
contains "$tmp/out" "DUPLICATE" "the duplicates are listed"
expect 0 "as json" -- "$ctl" volunteers import imp "$tmp/volunteers.csv" -o json
contains "$tmp/out" '"outcome": "DUPLICATE"' "the merged response"
contains "$tmp/out" '"duplicates": 3' "with its counts"
sed 's/;Вологда;ремонт книг/;Череповец;ремонт книг/' "$tmp/volunteers.csv" >"$tmp/moved.csv"
expect 0 "update on match" -- "$ctl" volunteers import imp "$tmp/moved.csv" --on-match update
contains "$tmp/out" "created=0 updated=1 unchanged=2 duplicates=0 failed=0" "one updated"
expect 0 "the city changed" -- "$ctl" volunteers list imp --filter 'city = "Череповец"'
contains "$tmp/out" "Ёлкина" "the volunteer moved"
# Windows-1251 with commas, Russian headers in another case.
printf '%s\r\n' "ФАМИЛИЯ,имя,Дата рождения,Телефон,Номер согласия,Дата согласия" \
  "Фёдорова,Зоя,1970-05-06,+7 911 000-00-04|+7 911 000-00-05,С-4/2026,2026-01-20" \
  "Ёжиков,Лёва,07.08.1980,,С-5/2026,20.01.2026" | iconv -f UTF-8 -t CP1251 >"$tmp/cp1251.csv"
expect 0 "import a Windows-1251 file with ," -- "$ctl" volunteers import imp "$tmp/cp1251.csv"
contains "$tmp/out" "created=2 updated=0 unchanged=0 duplicates=0 failed=0" "two created"
expect 2 "a Windows-1251 file read as UTF-8 is a usage error" -- "$ctl" volunteers import imp "$tmp/cp1251.csv" --encoding utf-8
contains "$tmp/err" "line 1 is not valid UTF-8" "the error names the line"
expect 0 "names decoded" -- "$ctl" volunteers list imp --filter 'family_name = "Ёжиков"' -o json
contains "$tmp/out" '"givenName": "Лёва"' "the Windows-1251 name"
expect 0 "phones split at |" -- "$ctl" volunteers list imp --filter 'family_name = "Фёдорова"' -o json
contains "$tmp/out" '"+79110000005"' "the second phone"
expect 2 "an unknown column is a usage error" -- "$ctl" volunteers import imp <(printf 'Фамилия;Имя;Рост\n')
contains "$tmp/err" 'unknown column "Рост"' "the unknown column is named"
contains "$tmp/err" "family_name (Фамилия), given_name (Имя)," "and the known ones listed"
contains "$tmp/err" "the header has no birth_date (Дата рождения), consent_number (Номер согласия), consent_date (Дата согласия) columns" "and the missing required ones"
# A 1 MB cell, a bad date and a short row among good rows.
/usr/bin/python3 - "$tmp/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("family_name;given_name;birth_date;notes;consent_number;consent_date\n")
    f.write("Арбузов;Антон;1991-01-01;;Б-1;2026-01-10\n")
    f.write("Большов;Борис;1992-02-02;" + "ё" * 500000 + ";Б-2;2026-01-10\n")
    f.write("Вишнёв;Виктор;31.02.1993;;Б-3;2026-01-10\n")
    f.write("Гусев;Глеб\n")
    f.write("Дынин;Денис;1994-04-04;\"две\nстроки\";Б-5;2026-01-10\n")
PY
expect 3 "failed rows are exit 3" -- "$ctl" volunteers import imp "$tmp/big.csv"
cp "$tmp/out" "$tmp/big.out"
contains "$tmp/big.out" "created=2 updated=0 unchanged=0 duplicates=0 failed=3" "the other rows are created"
expect 0 "the 1 MB row by its line" -- grep -qE '^3 +FAILED .*notes' "$tmp/big.out"
expect 0 "the bad date by its line and column" -- grep -qE '^4 +FAILED .*INVALID_ROW .*birth_date: "31.02.1993": there is no such day' "$tmp/big.out"
expect 0 "the short row" -- grep -qE '^5 +FAILED .*2 cells, the header has 6' "$tmp/big.out"
expect 0 "the row after a quoted line break" -- "$ctl" volunteers list imp --filter 'family_name = "Дынин"'
contains "$tmp/out" "Дынин" "is created"
# 10 000 bad rows: each reported with its line.
/usr/bin/python3 - "$tmp/bad.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("family_name;given_name;birth_date;consent_number;consent_date\n")
    for i in range(10000):
        f.write(";Имя%d;1990-01-01;Н-%d;2026-01-10\n" % (i, i))
PY
start=$SECONDS
expect 3 "10 000 rows without a family name" -- "$ctl" volunteers import imp "$tmp/bad.csv"
echo "10 000 bad rows: $((SECONDS - start)) s"
cp "$tmp/out" "$tmp/bad.out"
contains "$tmp/bad.out" "created=0 updated=0 unchanged=0 duplicates=0 failed=10000" "all failed"
expect 0 "each by its line" -- test "$(grep -cE '^[0-9]+ +FAILED .*family_name' "$tmp/bad.out")" = 10000
expect 0 "the last one is line 10001" -- grep -qE '^10001 +FAILED' "$tmp/bad.out"
# Export, and import into another library.
expect 0 "export the library" -- "$ctl" volunteers export imp --file "$tmp/export.csv"
contains "$tmp/err" "Exported 7 volunteers of libraries/imp" "every volunteer is exported"
contains "$tmp/export.csv" "family_name;given_name;patronymic;birth_date;email;phone" "the header of English names"
contains "$tmp/export.csv" "petr@example.ru|p.semenov@example.ru" "lists joined with |"
contains "$tmp/export.csv" '"Пишет стихи; читает' "a cell with ; is quoted"
contains "$tmp/export.csv" ";С-3/2026;2026-01-15;;Ёлкина Алёна Сергеевна;PARENT;" "the consent and the representative"
expect 0 "import the export into another library" -- "$ctl" volunteers import imp2 "$tmp/export.csv"
contains "$tmp/out" "created=7 updated=0 unchanged=0 duplicates=0 failed=0" "every volunteer recreated"
expect 0 "the same count" -- test "$("$ctl" volunteers list imp2 --all -o json | grep -c '"name": "libraries/imp2/volunteers/')" = 7
expect 0 "export the copy to stdout" -- "$ctl" volunteers export imp2
cp "$tmp/out" "$tmp/export2.csv"
expect 0 "the copy exports the same" -- diff <(sort "$tmp/export.csv") <(sort "$tmp/export2.csv")
# Volunteer agreements (135-FZ art. 17.1): an adult's through its lifecycle, a 12-year-old's
# that the parent signs; qualifications, one past its expiry date.
smirnova=libraries/oblast/volunteers/smirnova
vagreement=$smirnova/agreements/reading-room
child=libraries/oblast/volunteers/kuznetsov
child_agreement=$child/agreements/library-day
child_birth=$(date -u -d '-12 years' +%F)
yesterday=$(date -u -d '-1 day' +%F)
expect 0 "an adult volunteer with the consent given with the application" -- "$ctl" volunteers create oblast --id smirnova --family-name "Смирнова" --given-name "Елена" --patronymic "Викторовна" --birth-date "$adult_birth" --consent-purpose volunteer_work --consent-method paper --consent-document "19/2026"
expect 0 "a draft volunteer agreement" -- "$ctl" volunteer-agreements create "$smirnova" --id reading-room --number "В-1/2026" --tasks "Помощь в читальном зале, громкие чтения для детей" --place "Вологда, читальный зал" --start-date "$today" --support meals,insurance --support travel --support-notes "Обед в столовой библиотеки" --signer volunteer
contains "$tmp/out" "$vagreement" "create prints the agreement"
contains "$tmp/out" "DRAFT" "a new agreement is a draft"
contains "$tmp/out" "STATE   END DATE   SIGNER" "the table has the state, end date and signer"
expect 6 "activation without an end date is exit 6 (FAILED_PRECONDITION)" -- "$ctl" volunteer-agreements activate "$vagreement"
contains "$tmp/err" "VOLUNTEER_AGREEMENT_INCOMPLETE" "the reason is printed"
contains "$tmp/err" "end_date" "and names the missing field"
expect 0 "set the end date" -- "$ctl" vagreements update "$vagreement" --end-date "$end_date"
contains "$tmp/out" "$end_date" "the end date is shown"
expect 0 "activate the volunteer agreement" -- "$ctl" volunteer-agreements activate "$vagreement"
contains "$tmp/out" "ACTIVE" "the agreement is active"
contains "$tmp/out" "VOLUNTEER" "signed by the volunteer"
expect 6 "an active agreement keeps its place" -- "$ctl" volunteer-agreements update "$vagreement" --place "Вологда, абонемент"
contains "$tmp/err" "VOLUNTEER_AGREEMENT_STATE" "the reason is printed"
expect 0 "an active agreement takes the risk briefing" -- "$ctl" volunteer-agreements update "$vagreement" --risk-briefing-time "$(TZ=Europe/Moscow date -d '-1 day' +%FT%T%:z)" --support-notes "Обед и проезд до 500 ₽ в месяц"
expect 0 "the agreement as json" -- "$ctl" volunteer-agreements get "$vagreement" -o json
contains "$tmp/out" '"riskBriefingTime"' "the briefing time is kept"
contains "$tmp/out" '"place": "Вологда, читальный зал"' "the place is unchanged"
contains "$tmp/out" '"INSURANCE"' "the support is kept"
contains "$tmp/out" '"supportNotes": "Обед и проезд до 500 ₽ в месяц"' "the support notes changed"
expect 0 "the volunteer's agreements" -- "$ctl" volunteer-agreements list "$smirnova"
contains "$tmp/out" "$vagreement" "the agreement is listed under its volunteer"
expect 0 "active agreements of every volunteer" -- "$ctl" volunteer-agreements list --filter 'state = ACTIVE AND signer = VOLUNTEER'
contains "$tmp/out" "$vagreement" "libraries/-/volunteers/- by default"
expect 0 "a library's volunteer agreements" -- "$ctl" volunteer-agreements list oblast -o csv
contains "$tmp/out" "$vagreement,ACTIVE,$end_date,VOLUNTEER" "csv of the agreements of the library's volunteers"
expect 2 "termination needs a reason" -- "$ctl" volunteer-agreements terminate "$vagreement"
expect 0 "terminate the volunteer agreement" -- "$ctl" volunteer-agreements terminate "$vagreement" --reason "Волонтёр переезжает в Череповец"
contains "$tmp/out" "TERMINATED" "the agreement is terminated"
expect 0 "the termination reason" -- "$ctl" volunteer-agreements get "$vagreement" -o yaml
contains "$tmp/out" 'terminationReason: "Волонтёр переезжает в Череповец"' "the reason is kept"
expect 6 "a terminated agreement takes no change" -- "$ctl" volunteer-agreements update "$vagreement" --support-notes "x"
expect 6 "nor a second termination" -- "$ctl" volunteer-agreements terminate "$vagreement" --reason "ещё раз"
# A 12-year-old: the parent or guardian signs (ГК ст. 28).
expect 0 "the parent as a contact" -- "$ctl" contacts create oblast --id kuznetsova --family-name "Кузнецова" --given-name "Ирина" --patronymic "Олеговна" --phone "+7 921 123-45-67"
expect 0 "a 12-year-old with the parent's consent" -- "$ctl" volunteers create oblast --id kuznetsov --family-name "Кузнецов" --given-name "Михаил" --birth-date "$child_birth" --consent-purpose volunteer_work --consent-method paper --consent-document "20/2026" --representative "Кузнецова Ирина Олеговна" --representative-relation parent --representative-document "свидетельство о рождении III-ОД № 777888" --representative-contact libraries/oblast/contacts/kuznetsova
contains "$tmp/out" "12" "the age is shown"
expect 0 "the child's agreement with the child as signer" -- "$ctl" vagreements create "$child" --id library-day --tasks "Помощь на Дне библиотеки: раздача закладок" --end-date "$end_date" --signer volunteer
expect 6 "under 14 the child cannot sign" -- "$ctl" vagreements activate "$child_agreement"
contains "$tmp/err" "AGREEMENT_SIGNER" "the reason is printed"
contains "$tmp/err" "FAILED_PRECONDITION" "with its code"
expect 0 "the parent signs instead" -- "$ctl" vagreements update "$child_agreement" --signer representative --representative-contact libraries/oblast/contacts/kuznetsova
contains "$tmp/out" "REPRESENTATIVE" "the signer is the representative"
expect 0 "activate the child's agreement" -- "$ctl" vagreements activate "$child_agreement"
contains "$tmp/out" "ACTIVE" "the child's agreement is active"
# Qualifications: a certificate of no criminal record that expired yesterday reads EXPIRED.
no_record=$smirnova/qualifications/no-record
expect 0 "a certificate that expired yesterday" -- "$ctl" qualifications create "$smirnova" --id no-record --kind no_criminal_record --title "Справка об отсутствии судимости" --issuer "УМВД России по Вологодской области" --issued-date "$(date -u -d '-1 year' +%F)" --expiry-date "$yesterday" --evidence "№ 35/2025-1234"
contains "$tmp/out" "$no_record" "create prints the qualification"
contains "$tmp/out" "EXPIRED" "past its expiry date it reads EXPIRED"
expect 0 "a valid training" -- "$ctl" qualification create "$smirnova" --id first-aid --kind training --title "Курс первой помощи" --issuer "Российский Красный Крест" --issued-date "$today"
contains "$tmp/out" "VALID" "a training without an expiry date is valid"
expect 0 "expired qualifications" -- "$ctl" qualifications list --filter 'state = EXPIRED'
contains "$tmp/out" "$no_record" "the expired certificate is listed"
contains "$tmp/out" "NO_CRIMINAL_RECORD   Справка об отсутствии судимости   $yesterday   EXPIRED" "with its kind, title and expiry"
expect 1 "the valid training is not" -- grep -q "Курс первой помощи" "$tmp/out"
expect 0 "the volunteer's qualifications" -- "$ctl" qualifications list "$smirnova" --order-by title
contains "$tmp/out" "$smirnova/qualifications/first-aid" "both are listed"
expect 0 "delete the training" -- "$ctl" qualifications delete "$smirnova/qualifications/first-aid"
expect 0 "undelete the training" -- "$ctl" qualifications undelete "$smirnova/qualifications/first-aid"
contains "$tmp/out" "VALID" "the training is back"
expect 3 "an expiry before the issue is exit 3" -- "$ctl" qualifications update "$no_record" --expiry-date 2000-01-01
contains "$tmp/err" "qualification.expiry_date" "the violation names the field"
# Volunteer work: a project with shifts in the library's local time (Vladivostok, UTC+10 all
# year), sign-ups within capacity, a waitlist moved up by a cancellation, a full shift without
# one, sign-ups completed once a shift has started, and the shifts coming up.
project=libraries/oblast/projects/readings
shift_day=$(TZ=Asia/Vladivostok date -d '+2 days' +%F)
morning=$project/shifts/morning
afternoon=$project/shifts/afternoon
evening=$project/shifts/evening
expect 0 "the library's shifts read in Vladivostok time" -- "$ctl" libraries update oblast --time-zone Asia/Vladivostok
expect 0 "create a project" -- "$ctl" projects create oblast --id readings --title "Громкие чтения для детей" --skill "чтение вслух" --minimum-age 14 --start-date "$today"
contains "$tmp/out" "$project" "create prints the project"
contains "$tmp/out" "Громкие чтения для детей" "with its Cyrillic title"
contains "$tmp/out" "PLANNED" "a new project is planned"
expect 0 "activate the project" -- "$ctl" projects activate "$project"
contains "$tmp/out" "ACTIVE" "the project is active"
expect 0 "active projects" -- "$ctl" projects list oblast --filter 'state = ACTIVE' -o csv
contains "$tmp/out" "$project,Громкие чтения для детей,ACTIVE,$today," "csv of the projects"
expect 0 "a shift in the library's local time" -- "$ctl" shifts create "$project" --id morning --start "${shift_day}T10:00" --end "${shift_day}T13:00" --capacity 3 --place "Читальный зал"
contains "$tmp/out" "$morning" "create prints the shift"
contains "$tmp/out" "${shift_day}T10:00   ${shift_day}T13:00   Asia/Vladivostok   3" "the shift shows the same local time back, in the library's zone"
expect 0 "the shift as json" -- "$ctl" shifts get "$morning" -o json
contains "$tmp/out" "\"startTime\": \"${shift_day}T00:00:00Z\"" "10:00 in Vladivostok is 00:00 UTC"
contains "$tmp/out" '"waitlistMode": "AUTO"' "the waitlist is AUTO by default"
expect 0 "move the start in local time" -- "$ctl" shifts update "$morning" --start "${shift_day}T10:30"
contains "$tmp/out" "${shift_day}T10:30   ${shift_day}T13:00" "the start moved, the end stayed"
expect 3 "an end before the start is exit 3" -- "$ctl" shifts update "$morning" --end "${shift_day}T09:00"
contains "$tmp/err" "shift.end_time" "the violation names the field"
expect 2 "a time neither local nor RFC 3339 is a usage error" -- "$ctl" shifts create "$project" --start "${shift_day} 10 часов" --end "${shift_day}T12:00" --capacity 1
contains "$tmp/err" "--start: expected the library's local time YYYY-MM-DDTHH:MM" "the usage error says what is wanted"
expect 0 "activate the second volunteer" -- "$ctl" volunteers activate "$smirnova"
expect 0 "sign an active volunteer up" -- "$ctl" signups create "$morning" --id petrova --volunteer "$volunteer" --notes "Возьмёт свои книги"
contains "$tmp/out" "$morning/signups/petrova" "create prints the sign-up"
contains "$tmp/out" "$volunteer   1       STAFF    CONFIRMED" "confirmed, entered by staff"
expect 6 "an erased volunteer is not signed up" -- "$ctl" signups create "$morning" --volunteer libraries/oblast/volunteers/petrov
contains "$tmp/err" "VOLUNTEER_NOT_ACTIVE" "the reason is printed"
expect 6 "nor one signed up twice" -- "$ctl" signups create "$morning" --volunteer "$volunteer"
contains "$tmp/err" "SIGNUP_EXISTS" "the reason is printed"
expect 0 "a request to be confirmed later" -- "$ctl" signups create "$morning" --id smirnova --volunteer "$smirnova" --request-only
contains "$tmp/out" "REQUESTED" "a request takes no place"
expect 0 "confirm the request" -- "$ctl" signups confirm "$morning/signups/smirnova" --reason "Позвонили, придёт"
contains "$tmp/out" "CONFIRMED" "the request is confirmed"
expect 0 "the places taken" -- "$ctl" shifts get "$morning" -o json
contains "$tmp/out" '"confirmedCount": 2' "two places are confirmed"
contains "$tmp/out" '"placesLeft": 1' "one is left"
# One place with an AUTO waitlist, given as exact instants (15:00-17:00 in Vladivostok).
expect 0 "a one-place shift given in RFC 3339" -- "$ctl" shifts create "$project" --id afternoon --start "${shift_day}T05:00:00Z" --end "${shift_day}T17:00:00+10:00" --capacity 1 --waitlist auto
contains "$tmp/out" "${shift_day}T15:00   ${shift_day}T17:00   Asia/Vladivostok" "read back in local time"
expect 0 "the first takes the place" -- "$ctl" signups create "$afternoon" --id first --volunteer "$volunteer"
contains "$tmp/out" "CONFIRMED" "the first is confirmed"
expect 0 "the second waits" -- "$ctl" signups create "$afternoon" --id second --volunteer "$smirnova"
contains "$tmp/out" "WAITLISTED" "the second is waitlisted"
expect 0 "the shift is full with one waiting" -- "$ctl" shifts get "$afternoon"
contains "$tmp/out" "Asia/Vladivostok   1          1           0      1" "capacity 1, 1 confirmed, 0 left, 1 waiting"
expect 0 "the first cancels" -- "$ctl" signups cancel "$afternoon/signups/first" --reason "Заболела"
contains "$tmp/out" "CANCELED" "the first is canceled"
expect 0 "the second is promoted" -- "$ctl" signups get "$afternoon/signups/second" -o json
contains "$tmp/out" '"state": "CONFIRMED"' "the waitlist's head is confirmed"
contains "$tmp/out" "promoted from the waitlist" "and says why"
expect 0 "the shift's sign-ups" -- "$ctl" signups list "$afternoon" --filter 'state = CONFIRMED'
contains "$tmp/out" "$afternoon/signups/second" "the promoted sign-up is listed"
expect 1 "the canceled one is not" -- grep -q "$afternoon/signups/first" "$tmp/out"
# One place and no waitlist: the second sign-up is refused.
expect 0 "a one-place shift without a waitlist" -- "$ctl" shifts create "$project" --id evening --start "${shift_day}T18:00" --end "${shift_day}T20:00" --capacity 1 --waitlist none
expect 0 "the place is taken" -- "$ctl" signups create "$evening" --volunteer "$smirnova"
expect 6 "a full shift without a waitlist is exit 6" -- "$ctl" signups create "$evening" --volunteer "$volunteer"
contains "$tmp/err" "FAILED_PRECONDITION" "the code is printed"
contains "$tmp/err" "SHIFT_FULL" "the reason is printed"
contains "$tmp/err" "has 0 of 1 places left" "and the message"
expect 0 "nothing was added" -- "$ctl" signups list "$evening" -o json
expect 1 "the refused volunteer has no sign-up" -- grep -q "$volunteer" "$tmp/out"
# A shift that started a minute ago: its sign-ups are completed or marked no-shows.
started=$project/shifts/started
expect 0 "a shift that has started" -- "$ctl" shifts create "$project" --id started --start "$(date -u -d '-1 minute' +%FT%TZ)" --end "$(date -u -d '+2 hours' +%FT%TZ)" --capacity 2
expect 6 "a sign-up not yet started cannot be completed" -- "$ctl" signups complete "$morning/signups/petrova"
contains "$tmp/err" "SHIFT_NOT_STARTED" "the reason is printed"
expect 0 "sign up for the started shift" -- "$ctl" signups create "$started" --id came --volunteer "$volunteer"
expect 0 "and another" -- "$ctl" signups create "$started" --id absent --volunteer "$smirnova" --source import
contains "$tmp/out" "IMPORT" "the source is kept"
expect 0 "complete the sign-up" -- "$ctl" signups complete "$started/signups/came"
contains "$tmp/out" "COMPLETED" "the sign-up is completed"
expect 0 "mark a no-show" -- "$ctl" signups no-show "$started/signups/absent" --reason "Не пришла"
contains "$tmp/out" "NO_SHOW" "the sign-up is a no-show"
# What comes up.
expect 0 "the library's shifts within 72 hours" -- "$ctl" shifts upcoming --parent oblast --within-hours 72
contains "$tmp/out" "$morning" "the morning shift"
contains "$tmp/out" "$afternoon" "the afternoon shift"
contains "$tmp/out" "$evening" "the evening shift"
expect 1 "not the one that has started" -- grep -q "$started" "$tmp/out"
expect 0 "the volunteer's confirmed shifts" -- "$ctl" shifts upcoming --volunteer "$volunteer" --within-hours 72
contains "$tmp/out" "$morning" "the shift she is confirmed for"
expect 1 "not the one she canceled" -- grep -q "$afternoon" "$tmp/out"
expect 0 "none within the default 24 hours" -- "$ctl" shifts upcoming --parent oblast
contains "$tmp/err" "No upcoming shifts found." "an empty list says so"
expect 3 "within-hours out of range is exit 3" -- "$ctl" shifts upcoming --within-hours 9000
expect 6 "a project with live shifts is deleted only with --force" -- "$ctl" projects delete "$project"
expect 2 "cancelling a project needs a reason" -- "$ctl" projects cancel "$project"
# A recurring schedule: every week on the weekday of $shift_day, 08:00 in the library's time
# (Vladivostok), shifts made two weeks ahead; a change of time keeps the shift that has a
# sign-up and moves the others.
schedule=$project/schedules/weekly
weekday=$(LC_ALL=C TZ=Asia/Vladivostok date -d '+2 days' +%a | cut -c1-2 | tr '[:lower:]' '[:upper:]')
next_week=$(date -d "$shift_day +7 days" +%F)
expect 2 "a start time that is not HH:MM is a usage error" -- "$ctl" schedules create "$project" --rule "FREQ=WEEKLY;BYDAY=$weekday" --start-date "$shift_day" --start-time "8 утра" --duration-minutes 90 --capacity 4
contains "$tmp/err" "--start-time: expected a local time of day HH:MM" "the usage error says what is wanted"
expect 3 "a bad rule is exit 3" -- "$ctl" schedules create "$project" --rule "FREQ=DAILY" --start-date "$shift_day" --start-time 08:00 --duration-minutes 90 --capacity 4
contains "$tmp/err" "schedule.rule" "the violation names the rule"
expect 0 "a weekly schedule in the library's local time" -- "$ctl" schedules create "$project" --id weekly --rule "FREQ=WEEKLY;BYDAY=$weekday" --start-date "$shift_day" --start-time 8:00 --duration-minutes 90 --capacity 4 --waitlist-mode manual --place "Абонемент" --horizon-days 14
contains "$tmp/out" "MINUTES   CAPACITY   THROUGH      KEPT" "the table of schedules"
contains "$tmp/out" "$schedule" "create prints the schedule"
contains "$tmp/out" "$shift_day   08:00   90        4          " "its start, local time, minutes and capacity"
expect 0 "the schedule as json" -- "$ctl" schedules get "$schedule" -o json
contains "$tmp/out" '"startTime": "08:00"' "the start time is kept as given, HH:MM"
contains "$tmp/out" '"waitlistMode": "MANUAL"' "the waitlist mode"
contains "$tmp/out" '"generatedThrough": {' "shifts are made up to a day"
expect 0 "the schedule's shifts" -- "$ctl" shifts list "$project" --filter "schedule = \"$schedule\""
contains "$tmp/out" "${shift_day}T08:00   ${shift_day}T09:30   Asia/Vladivostok   4" "the first at 08:00 Vladivostok time"
contains "$tmp/out" "${next_week}T08:00   ${next_week}T09:30" "and a week later"
first_occurrence=$(grep -o "$project/shifts/[^ ]*" "$tmp/out" | head -1)
expect 0 "the project's schedules" -- "$ctl" schedules list "$project" -o csv
contains "$tmp/out" "NAME,RULE,START,TIME,MINUTES,CAPACITY,THROUGH,KEPT" "csv of the schedules"
contains "$tmp/out" "$schedule," "the schedule is listed"
expect 0 "sign up for the first occurrence" -- "$ctl" signups create "$first_occurrence" --volunteer "$volunteer"
contains "$tmp/out" "CONFIRMED" "the sign-up is confirmed"
expect 0 "move the series to 09:00" -- "$ctl" schedules update "$schedule" --start-time 09:00
contains "$tmp/out" "09:00" "the schedule starts at 09:00"
contains "$tmp/err" "kept as they were (they have sign-ups): $first_occurrence" "the booked shift is named on stderr"
expect 0 "the schedule's shifts after the move" -- "$ctl" shifts list "$project" --filter "schedule = \"$schedule\""
contains "$tmp/out" "${shift_day}T08:00   ${shift_day}T09:30" "the booked shift kept its time"
contains "$tmp/out" "${next_week}T09:00   ${next_week}T10:30" "the free one moved"
expect 1 "the booked one has no twin at the new time" -- grep -q "${shift_day}T09:00" "$tmp/out"
expect 0 "a change of place only" -- "$ctl" schedules update "$schedule" --place "Читальный зал"
contains "$tmp/out" "$schedule" "the schedule is printed"
expect 6 "a schedule with booked future shifts ends only with --force" -- "$ctl" schedules delete "$schedule"
contains "$tmp/err" "SCHEDULE_HAS_SIGNUPS" "the reason is printed"
# Hours: entered by staff with a Cyrillic description, approved (final), a rejection that needs
# a reason, a correction; the record book and the CSV for Dobro.rf.
work_day=$(date -u -d '-1 day' +%F)
hours=$volunteer/hours/reading-day
mistake=$volunteer/hours/mistake
correction=$volunteer/hours/early-leave
description="Громкие чтения «Ёлка» для второклассников, с обсуждением"
expect 2 "hours need --minutes or --hours" -- "$ctl" hours create "$volunteer" --project "$project" --date "$work_day"
contains "$tmp/err" "--minutes or --hours is required" "the usage error says so"
expect 0 "hours worked, given in hours" -- "$ctl" hours create "$volunteer" --id reading-day --project "$project" --date "$work_day" --hours 2.5 --description "$description"
contains "$tmp/out" "$hours" "create prints the entry"
contains "$tmp/out" "$work_day   150       2.5     $project   STAFF    SUBMITTED" "150 minutes, entered by staff, submitted"
expect 0 "the entry as json" -- "$ctl" hours get "$hours" -o json
contains "$tmp/out" "\"description\": \"$description\"" "the Cyrillic description is kept"
contains "$tmp/out" '"minutes": 150' "2.5 hours are 150 minutes"
expect 0 "approve the hours" -- "$ctl" hours approve "$hours"
contains "$tmp/out" "APPROVED" "the hours are approved"
expect 6 "approved hours take no change" -- "$ctl" hours update "$hours" --minutes 10
contains "$tmp/err" "HOURS_STATE" "the reason is printed"
expect 6 "nor a delete" -- "$ctl" hours delete "$hours"
contains "$tmp/err" "HOURS_APPROVED" "the reason is printed"
expect 0 "hours that did not happen" -- "$ctl" hours create "$volunteer" --id mistake --project "$project" --date "$work_day" --minutes 60 --source import
expect 2 "a rejection without a reason is refused" -- "$ctl" hours reject "$mistake"
contains "$tmp/err" "--reason is required" "the usage error says why"
expect 0 "the entry is still submitted" -- "$ctl" hours get "$mistake"
contains "$tmp/out" "SUBMITTED" "nothing was sent"
expect 0 "reject with a reason" -- "$ctl" hours reject "$mistake" --reason "Смены в этот день не было"
contains "$tmp/out" "REJECTED" "the hours are rejected"
expect 0 "a correction takes half an hour away" -- "$ctl" hours create "$volunteer" --id early-leave --project "$project" --date "$work_day" --minutes -30 --corrects "$hours" --description "Ушла на полчаса раньше"
contains "$tmp/out" "-30       -0.5" "negative minutes"
contains "$tmp/out" "$hours" "it names the corrected entry"
expect 6 "a rejected entry is not corrected" -- "$ctl" hours create "$volunteer" --project "$project" --date "$work_day" --minutes 10 --corrects "$mistake"
contains "$tmp/err" "CORRECTS_UNAPPROVED" "the reason is printed"
expect 0 "approve the correction" -- "$ctl" hours approve "$correction" --reason "Проверено по журналу"
expect 0 "the volunteer's approved hours" -- "$ctl" hours list "$volunteer" --filter 'state = APPROVED'
contains "$tmp/out" "$hours " "the approved entry"
contains "$tmp/out" "$correction " "and its correction"
expect 1 "not the rejected one" -- grep -q "$mistake" "$tmp/out"
expect 0 "the volunteer's approved minutes" -- "$ctl" volunteers get "$volunteer" -o json
contains "$tmp/out" '"approvedMinutes": "120"' "150 - 30"
expect 0 "the record book as csv" -- "$ctl" volunteers record-book "$volunteer" -o csv
contains "$tmp/out" "date,minutes,hours,project_title,project,description,confirmed_by_name,confirmed_by,confirm_time,corrects,entry" "the csv header"
contains "$tmp/out" "$work_day,150,2.5,Громкие чтения для детей,$project,\"$description\"," "the approved entry, its description quoted"
contains "$tmp/out" "$work_day,-30,-0.5,Громкие чтения для детей,$project,Ушла на полчаса раньше," "the correction"
contains "$tmp/out" ",$hours,$correction" "naming what it corrects"
expect 1 "no rejected hours in the book" -- grep -q "$mistake" "$tmp/out"
expect 0 "the record book for a period" -- "$ctl" volunteers record-book "$volunteer" --from "$work_day" --to "$today"
contains "$tmp/out" "Volunteer:   Петрова Анна Сергеевна ($volunteer)" "whose book"
contains "$tmp/out" "Dobro.rf id: 12345678" "with the Dobro.rf id"
contains "$tmp/out" "Period:      from $work_day to $today" "the period"
contains "$tmp/out" "Approved:    2 hours (120 minutes) in 2 entries" "the total"
contains "$tmp/out" "Totals:" "the totals section"
contains "$tmp/out" "Громкие чтения для детей   2       120       2" "by year and project"
expect 0 "the record book as json" -- "$ctl" volunteers record-book "$volunteer" -o json
contains "$tmp/out" '"totalMinutes": "120"' "the total in the proto"
contains "$tmp/out" '"confirmedBy": "apiKeys/' "who confirmed each entry"
expect 0 "an empty period" -- "$ctl" volunteers record-book "$volunteer" --to 2020-01-01
contains "$tmp/out" "No approved hours in the period." "says so"
from_day=$(date -u -d '-30 days' +%F)
dobro_header="dobro_id,family_name,given_name,patronymic,date,hours,project,organizer,description"
expect 0 "the hours for Dobro.rf" -- "$ctl" hours export oblast --from "$from_day" --to "$today"
cp "$tmp/out" "$tmp/dobro.csv"
expect 0 "the header comes first" -- test "$(head -1 "$tmp/dobro.csv" | tr -d '\r')" = "$dobro_header"
contains "$tmp/dobro.csv" "12345678,Петрова,Анна,Сергеевна,$work_day,2,Громкие чтения для детей,Областная библиотека им. Ё. Ёлкина,\"$description\"" "the volunteer's row, its correction counted in, hours as a decimal"
expect 0 "two lines: no row of its own for the correction" -- test "$(wc -l <"$tmp/dobro.csv")" = 2
expect 0 "CRLF line ends" -- test "$(grep -c $'\r$' "$tmp/dobro.csv")" = 2
expect 0 "every library, into a file, a row a page" -- "$ctl" hours export - --from "$from_day" --to "$today" --file "$tmp/dobro-all.csv" --page-size 1
contains "$tmp/err" "Exported 1 row of approved hours (2 hours) of libraries/- from $from_day to $today to $tmp/dobro-all.csv." "the summary on stderr"
expect 0 "the file is the same CSV" -- diff "$tmp/dobro.csv" "$tmp/dobro-all.csv"
expect 0 "the rows as json" -- "$ctl" hours export oblast --from "$from_day" --to "$today" -o json
contains "$tmp/out" '"familyName": "Петрова"' "the rows as the API gives them"
expect 0 "no hours long ago" -- "$ctl" hours export oblast --from 2020-01-01 --to 2020-12-31
contains "$tmp/out" "$dobro_header" "the header alone"
contains "$tmp/err" "No approved hours from 2020-01-01 to 2020-12-31 in libraries/oblast." "says so"
expect 3 "a period over 366 days is exit 3" -- "$ctl" hours export oblast --from 2025-01-01 --to 2026-12-31
contains "$tmp/err" "end_date" "the violation names the end date"
expect 2 "the period is required" -- "$ctl" hours export oblast --from "$from_day"
# What expires soon: a qualification in 10 days, a volunteer agreement in 20.
soon=$(date -u -d '+10 days' +%F)
later=$(date -u -d '+20 days' +%F)
expect 0 "a health certificate expiring in 10 days" -- "$ctl" qualifications create "$smirnova" --id medical --kind medical_certificate --title "Медицинская книжка" --issued-date "$today" --expiry-date "$soon"
expect 0 "qualifications expiring within 30 days" -- "$ctl" qualifications expiring oblast --within-days 30
contains "$tmp/out" "$smirnova/qualifications/medical" "the certificate is listed"
contains "$tmp/out" "MEDICAL_CERTIFICATE   Медицинская книжка   $soon   VALID" "with its kind, title and expiry"
cp "$tmp/out" "$tmp/expiring.out"
expect 1 "not the training without an expiry" -- grep -q "first-aid" "$tmp/expiring.out"
expect 1 "nor the one already expired" -- grep -q "no-record" "$tmp/expiring.out"
expect 0 "none within 5 days" -- "$ctl" qualifications expiring --within-days 5
contains "$tmp/err" "No expiring qualifications found." "an empty list says so"
expect 0 "a volunteer agreement ending in 20 days" -- "$ctl" volunteer-agreements create "$volunteer" --id summer --tasks "Летние чтения во дворе" --end-date "$later" --signer volunteer
expect 0 "activate it" -- "$ctl" volunteer-agreements activate "$volunteer/agreements/summer"
expect 0 "volunteer agreements expiring within 30 days" -- "$ctl" volunteer-agreements expiring --within-days 30
contains "$tmp/out" "$volunteer/agreements/summer   ACTIVE   $later" "the agreement is listed with its end date"
expect 1 "not the child's, ending in a year" -- grep -q "$child_agreement" "$tmp/out"
expect 0 "within 400 days in the library" -- "$ctl" vagreements expiring oblast --within-days 400 -o csv
contains "$tmp/out" "$child_agreement,ACTIVE,$end_date,REPRESENTATIVE" "the child's agreement too"
expect 3 "within-days out of range is exit 3" -- "$ctl" qualifications expiring --within-days 5000
contains "$tmp/err" "within_days" "the violation names the field"
# Governance: a supervisory board (the 174-FZ preset, its numbers changed as data) run through a
# meeting from the notices to approved minutes and their correction by a later meeting, with
# roll-call votes, a decision and its follow-up; a reader council with the same commands below
# it. Members are named by their ids (m1) on the command line.
board=libraries/oblast/supervisoryBoards/nabl
meeting=$board/meetings/q1
second=$board/meetings/q2
item=$meeting/agendaItems/deal
decision=$board/decisions/deal
council=libraries/oblast/readerCouncils/chitateli
term_start=$(date -u -d '-30 days' +%F)
term_end=$(date -u -d '+4 years' +%F)
yesterday=$(date -u -d '-1 day' +%F)
meeting_day=$(TZ=Asia/Vladivostok date -d '+3 days' +%F)
later_day=$(TZ=Asia/Vladivostok date -d '+10 days' +%F)
motion="Одобрить сделку с ООО «Книжный дом» на сумму 1 200 000 ₽"
expect 2 "a quorum share alone is a usage error" -- "$ctl" boards create oblast --display-name "Совет" --seat-count 5 --quorum '>1/2'
contains "$tmp/err" "give --quorum and --quorum-all-notified" "the usage error says why"
expect 3 "seats beyond the preset's sizes are exit 3" -- "$ctl" boards create oblast --display-name "Совет" --seat-count 12
contains "$tmp/err" "supervisory_board.seat_count" "the violation names the seat count"
expect 0 "a supervisory board under 174-FZ" -- "$ctl" boards create oblast --id nabl --display-name "Наблюдательный совет «Ёлочка»" --seat-count 5 --regulation "Приказ учредителя № 1-ё"
contains "$tmp/out" "KIND          SEATS   MEMBERS   VACANCIES   HELD   REQUIRED   BEHIND" "the table of boards"
contains "$tmp/out" "$board   Наблюдательный совет «Ёлочка»   SUPERVISORY   5       0         5" "create prints the board"
expect 0 "its rules come from the preset" -- "$ctl" board get "$board" -o json
contains "$tmp/out" '"preset": "SUPERVISORY_174FZ"' "the 174-FZ preset"
contains "$tmp/out" '"regulation": "Приказ учредителя № 1-ё"' "the regulation in Cyrillic"
expect 2 "a number of 0 in rules given in part is refused before it is sent" -- "$ctl" boards create oblast --display-name "Совет" --seat-count 5 --max-term-months 0
contains "$tmp/err" "--max-term-months: must be 1 or more here" "the usage error says why"
expect 0 "the term limit lifted on update (whole rules: 0 is taken)" -- "$ctl" boards update "$board" --max-term-months 0
expect 0 "no term limit now" -- "$ctl" boards get "$board" -o json
cp "$tmp/out" "$tmp/unlimited.json"
expect 1 "the limit is gone" -- grep -q maxTermMonths "$tmp/unlimited.json"
expect 0 "and set again" -- "$ctl" boards update "$board" --max-term-months 60
expect 0 "one number of the rules changed as data" -- "$ctl" boards update "$board" --max-size 15
expect 0 "the rest of the rules is kept" -- "$ctl" boards get "$board" -o json
cp "$tmp/out" "$tmp/board.json"
contains "$tmp/board.json" '"maxSize": 15' "the new maximum"
contains "$tmp/board.json" '"seatKind": "STATE"' "the preset's seat kinds kept"
contains "$tmp/board.json" '"quorumRequiresAllNotified": true' "and its quorum"
sed -i 's/"maxSize": 15/"maxSize": 11/' "$tmp/board.json"
expect 0 "the rules from the JSON that get printed, edited" -- "$ctl" boards update "$board" --rules-file "$tmp/board.json"
expect 0 "the edited rules" -- "$ctl" boards get "$board" -o json
contains "$tmp/out" '"maxSize": 11' "back to 11"
contains "$tmp/out" '"questionKind": "INTERESTED_PARTY_DEAL"' "with the question kinds of the file"
families=(Ёлкина Берёзов Сосновская Кедров Пихтина Ясенева)
for i in 1 2 3 4 5 6; do
  expect 0 "a person for the bodies ($i)" -- "$ctl" contacts create oblast --id "sovet-$i" --family-name "${families[$i-1]}" --given-name "Ольга"
done
expect 0 "the chair" -- "$ctl" boards members create "$board" --id m1 --person libraries/oblast/contacts/sovet-1 --seat-kind PUBLIC --role chair --term-start-date "$term_start" --term-end-date "$term_end" --appointment-act "Приказ № 17-ё"
for i in 2 3 4 5; do
  expect 0 "member $i" -- "$ctl" boards members create "$board" --id "m$i" --person "libraries/oblast/contacts/sovet-$i" --seat-kind public --term-start-date "$term_start" --term-end-date "$term_end"
done
expect 6 "a sixth member: the board is full" -- "$ctl" boards members create "$board" --id m6 --person libraries/oblast/contacts/sovet-6 --seat-kind PUBLIC --term-start-date "$term_start" --term-end-date "$term_end"
contains "$tmp/err" "BODY_FULL" "the reason is printed"
expect 0 "the members" -- "$ctl" boards members list "$board"
contains "$tmp/out" "SEAT KIND   ROLE     TERM START   TERM END     IN OFFICE" "the table of members"
contains "$tmp/out" "$board/members/m1   Ёлкина Ольга       PUBLIC      CHAIR    $term_start   $term_end   yes" "the chair with the name from the contact"
contains "$tmp/out" "$board/members/m5   Пихтина Ольга      PUBLIC      MEMBER   $term_start" "the last member"
expect 0 "a meeting in the library's local time (Vladivostok)" -- "$ctl" boards meetings create "$board" --id q1 --title "Заседание № 1: отчёт за квартал" --start "${meeting_day}T18:30" --place "Читальный зал"
contains "$tmp/out" "START              STATE     PRESENT   NOTIFIED   QUORUM" "the table of meetings"
contains "$tmp/out" "$meeting   Заседание № 1: отчёт за квартал   ${meeting_day}T18:30   PLANNED   0/5       0/5        no" "planned, the five members in office on its day"
expect 0 "the meeting as json" -- "$ctl" boards meetings get "$meeting" -o json
contains "$tmp/out" "\"startTime\": \"${meeting_day}T08:30:00Z\"" "18:30 in Vladivostok is 08:30 UTC"
expect 2 "holding needs --present" -- "$ctl" boards meetings hold "$meeting"
contains "$tmp/err" "--present is required" "the usage error says so"
expect 0 "notices to four" -- "$ctl" boards meetings notify "$meeting" --members m1,m2,m3 --members m4
contains "$tmp/out" "PLANNED   0/5       4/5        no" "four of five notified"
expect 0 "the notice to the fifth" -- "$ctl" boards meetings notify "$meeting" --members m5 --time "${today}T09:00:00+03:00"
contains "$tmp/out" "PLANNED   0/5       5/5        no" "all five notified"
expect 0 "held with four present" -- "$ctl" boards meetings hold "$meeting" --present m1,m2,m3,m4
contains "$tmp/out" "HELD    4/5       5/5        yes" "held, with its quorum"
expect 0 "two leave" -- "$ctl" boards meetings attend "$meeting" --absent m2,m3
contains "$tmp/out" "HELD    2/5       5/5        no" "the quorum is lost"
expect 0 "an agenda item about the partner" -- "$ctl" boards agenda create "$meeting" --id deal --title "О сделке с ООО «Книжный дом»" --question-kind GENERAL --partner "$partner"
contains "$tmp/out" "$item   1   О сделке с ООО «Книжный дом»   GENERAL   PENDING" "the first item, pending"
expect 6 "no vote without a quorum" -- "$ctl" boards agenda vote "$item" --motion "$motion" --for m1 --against m4
contains "$tmp/err" "NO_QUORUM" "the reason is printed"
expect 0 "the two come back" -- "$ctl" boards meetings attend "$meeting" --present m2,m3
contains "$tmp/out" "HELD    4/5       5/5        yes" "the quorum is back"
expect 2 "a member named twice is a usage error" -- "$ctl" boards agenda vote "$item" --motion "$motion" --for m1,m2 --against m2
contains "$tmp/err" "$board/members/m2 is already named by --for" "the usage error names the member"
expect 3 "an absent member's vote is exit 3" -- "$ctl" boards agenda vote "$item" --motion "$motion" --for m1,m2,m3,m5 --against m4
expect 0 "the roll call from one command line" -- "$ctl" boards agenda vote "$item" --motion "$motion" --for m1,m2,m3 --against m4
contains "$tmp/out" "OUTCOME   YES   NO   ABSTAIN   RECUSED   NEEDED" "the table of agenda items"
contains "$tmp/out" "GENERAL   ADOPTED   3     1    0         0         3 of 5" "adopted: 3 of the 5 in office"
expect 0 "the roll call as json" -- "$ctl" boards agenda get "$item" -o json
contains "$tmp/out" "\"motion\": \"$motion\"" "the motion in Cyrillic"
contains "$tmp/out" "\"member\": \"$board/members/m4\"," "ids resolved to the board's members"
contains "$tmp/out" '"choice": "NO"' "with their choices"
expect 0 "a procedural item" -- "$ctl" boards agenda create "$meeting" --id order --title "О регламенте заседания" --question-kind procedural
expect 0 "one against, the others for" -- "$ctl" boards agenda vote "$meeting/agendaItems/order" --motion "Утвердить регламент" --against m4 --others for
contains "$tmp/out" "PROCEDURAL   ADOPTED   3     1    0         0         3 of 4" "the three others voted for"
expect 0 "the agenda" -- "$ctl" boards agenda list "$meeting" -o csv
contains "$tmp/out" "$item,1,О сделке с ООО «Книжный дом»,GENERAL,ADOPTED,3,1,0,0,3 of 5" "the first item"
contains "$tmp/out" "$meeting/agendaItems/order,2,О регламенте заседания,PROCEDURAL,ADOPTED,3,1,0,0,3 of 4" "the second"
expect 0 "the decision" -- "$ctl" boards decisions create "$board" --id deal --agenda-item "$item" --title "Об одобрении сделки с ООО «Книжный дом»"
contains "$tmp/out" "$decision   $meeting_day   Об одобрении сделки с ООО «Книжный дом»   no" "dated on the meeting's day, minutes not approved"
expect 0 "the decision's text is the motion" -- "$ctl" boards decisions get "$decision" -o json
contains "$tmp/out" "\"text\": \"$motion\"" "the motion, kept"
expect 0 "the partner's decisions across the network" -- "$ctl" boards decisions list - --filter "partners:\"$partner\""
contains "$tmp/out" "$decision" "found by the partner linked to its item"
expect 0 "an action item already due" -- "$ctl" boards actions create "$decision" --id sign --title "Подписать договор с «Книжным домом»" --owner-member m1 --due-date "$yesterday"
contains "$tmp/out" "Подписать договор с «Книжным домом»   $board/members/m1   $yesterday   OPEN    yes" "open and overdue, owned by the chair"
expect 0 "overdue action items of the library" -- "$ctl" boards actions overdue oblast -o csv
contains "$tmp/out" "$decision/actionItems/sign,Подписать договор с «Книжным домом»,$board/members/m1,$yesterday,OPEN,yes" "listed"
expect 0 "the decision counts it" -- "$ctl" boards decisions list "$board" -o csv
contains "$tmp/out" "$decision,$meeting_day,Об одобрении сделки с ООО «Книжный дом»,no,1,1" "one open, one overdue"
expect 0 "done" -- "$ctl" boards actions complete "$decision/actionItems/sign" --reason "Подписан"
contains "$tmp/out" "DONE    no" "done, no longer overdue"
expect 0 "nothing overdue now" -- "$ctl" boards actions overdue oblast
contains "$tmp/err" "No overdue action items found." "an empty list says so"
expect 6 "minutes need text to be approved" -- "$ctl" boards meetings approve-minutes "$meeting"
contains "$tmp/err" "MINUTES_EMPTY" "the reason is printed"
printf 'Протокол № 1.\nПрисутствовали: 4 из 5.\nРешили: одобрить сделку с ООО «Книжный дом».\n' >"$tmp/protocol.txt"
expect 0 "the minutes from a file" -- "$ctl" boards meetings update "$meeting" --minutes-file "$tmp/protocol.txt"
expect 0 "approve the minutes" -- "$ctl" boards meetings approve-minutes "$meeting"
contains "$tmp/out" "MINUTES_APPROVED" "the minutes are approved"
expect 6 "approved minutes are locked" -- "$ctl" boards agenda vote "$item" --motion "$motion" --for m1,m2,m3,m4
contains "$tmp/err" "MINUTES_APPROVED" "the reason is printed"
expect 0 "the decision's minutes are approved" -- "$ctl" boards decisions get "$decision" -o csv
contains "$tmp/out" ",yes,0,0" "minutes approved, nothing open"
expect 0 "a later meeting, given as an instant" -- "$ctl" boards meetings create "$board" --id q2 --title "Заседание № 2" --start "${later_day}T09:00:00Z"
contains "$tmp/out" "${later_day}T19:00" "shown in Vladivostok time"
expect 0 "notices to all" -- "$ctl" boards meetings notify "$second"
expect 0 "held with all five" -- "$ctl" boards meetings hold "$second" --present m1,m2,m3,m4,m5
contains "$tmp/out" "HELD    5/5       5/5        yes" "all present"
expect 0 "an item approving a correction of the first minutes" -- "$ctl" boards agenda create "$second" --id fix --title "Об исправлении протокола № 1" --question-kind PROCEDURAL --amends-meeting q1
expect 0 "it names the first meeting" -- "$ctl" boards agenda get "$second/agendaItems/fix" -o json
contains "$tmp/out" "\"amendsMeeting\": \"$meeting\"" "the meeting's id resolved in the board"
correction="Читать «присутствовали 4 из 5 членов совета»."
expect 6 "not before the item is adopted" -- "$ctl" boards meetings amend-minutes "$meeting" --text "$correction" --agenda-item "$second/agendaItems/fix"
contains "$tmp/err" "AMENDMENT_NOT_APPROVED" "the reason is printed"
expect 0 "everyone for" -- "$ctl" boards agenda vote "$second/agendaItems/fix" --motion "Исправить протокол № 1" --others for
contains "$tmp/out" "ADOPTED   5     0" "five for"
expect 0 "the correction" -- "$ctl" boards meetings amend-minutes "$meeting" --text "$correction" --agenda-item "$second/agendaItems/fix"
expect 0 "the minutes with their correction" -- "$ctl" boards meetings get "$meeting" -o json
contains "$tmp/out" "\"text\": \"$correction\"" "the correction is recorded"
contains "$tmp/out" '"minutes": "Протокол № 1.\nПрисутствовали: 4 из 5.' "the approved minutes stay as they were"
expect 0 "the board's meetings" -- "$ctl" boards meetings list "$board" -o csv
contains "$tmp/out" "$meeting,Заседание № 1: отчёт за квартал,${meeting_day}T18:30,MINUTES_APPROVED,4/5,5/5,yes" "the first, approved"
contains "$tmp/out" "$second,Заседание № 2,${later_day}T19:00,HELD,5/5,5/5,yes" "the second, held"
expect 6 "a board with members is deleted only with --force" -- "$ctl" boards delete "$board"
expect 0 "the library's boards" -- "$ctl" boards list oblast -o csv
contains "$tmp/out" "$board,Наблюдательный совет «Ёлочка»,SUPERVISORY,5,5,0," "five members in office, no vacancy"
# A reader council: the same commands below it, its own preset.
expect 0 "a reader council" -- "$ctl" reader-councils create oblast --id chitateli --display-name "Читательский совет «Ёжик»" --seat-count 3 --max-term-months 24
expect 0 "its rules" -- "$ctl" council get "$council" -o json
contains "$tmp/out" '"preset": "READER_COUNCIL"' "the reader council's preset"
contains "$tmp/out" '"maxTermMonths": 24' "with the term changed"
expect 0 "a reader whose term ends in 10 days" -- "$ctl" reader-councils members create "$council" --id r1 --person libraries/oblast/contacts/sovet-6 --seat-kind READER --role chair --term-start-date "$term_start" --term-end-date "$soon"
contains "$tmp/out" "Ясенева Ольга" "the member's name"
expect 2 "a person given here needs their consent" -- "$ctl" reader-councils members create "$council" --family-name Читателев --given-name Семён --seat-kind READER --term-start-date "$term_start"
contains "$tmp/err" "needs their consent" "the usage error says why"
expect 0 "a reader given here with their consent" -- "$ctl" reader-councils members create "$council" --id r2 --family-name Читателев --given-name Семён --email semyon@example.ru --seat-kind READER --term-start-date "$term_start" --term-end-date "$soon" --consent-purpose GOVERNANCE --consent-method paper --consent-document "Согласие № 5-ё"
contains "$tmp/out" "Читателев Семён" "the member shows the name given"
expect 0 "the person is a contact of the library now" -- "$ctl" contacts list oblast --filter 'family_name = "Читателев"' -o csv
contains "$tmp/out" "Читателев" "the contact recorded with the member"
expect 0 "terms ending within 30 days" -- "$ctl" reader-councils members expiring oblast --within-days 30 -o csv
contains "$tmp/out" "$council/members/r1,Ясенева Ольга,READER,CHAIR,$term_start,$soon,yes" "the reader is listed"
expect 0 "no board member's term ends soon" -- "$ctl" boards members expiring oblast --within-days 30
contains "$tmp/err" "No expiring terms found." "the boards' members are listed apart"
expect 0 "create a key" -- "$ctl" keys create --display-name "Методист ЦБС" --role methodist --library oblast
contains "$tmp/out" "The key (shown only now; keep it safe):" "the secret is printed once"
key_name=$(grep -o 'apiKeys/[a-z0-9-]*' "$tmp/out" | head -1)
expect 0 "list keys" -- "$ctl" keys list --filter 'role = METHODIST'
contains "$tmp/out" "$key_name" "the key is listed"
expect 0 "revoke the key" -- "$ctl" keys revoke "$key_name"
expect 6 "revoking twice is exit 6" -- "$ctl" keys revoke "$key_name"
expect 2 "a network key needs ADMIN" -- "$ctl" keys create --display-name x --role nobody
expect 0 "scoped key for a librarian" -- "$ctl" keys create --display-name "Библиотекарь" --role librarian --library cbs
librarian_key=$(tail -1 "$tmp/out")
expect 0 "a key created with CSV output" -- "$ctl" keys create --display-name "Координатор" --role coordinator --library cbs -o csv
contains "$tmp/out" "NAME,DISPLAY NAME,ROLE,LIBRARY,EXPIRES,REVOKED,KEY" "CSV has a KEY column"
contains "$tmp/out" ",allies_" "CSV carries the secret, shown only now"
expect 7 "a librarian may not change libraries" -- env ALLIES_API_KEY="$librarian_key" "$ctl" libraries update cbs --region x
expect 7 "nor read outside its library" -- env ALLIES_API_KEY="$librarian_key" "$ctl" libraries get oblast
expect 0 "but reads its own" -- env ALLIES_API_KEY="$librarian_key" "$ctl" libraries get cbs
expect 7 "no key is exit 7" -- env ALLIES_API_KEY_FILE=/nonexistent "$ctl" libraries list
contains "$tmp/err" "hint: no API key: set ALLIES_API_KEY, ALLIES_API_KEY_FILE or run ./allies up to create .allies/admin.key" "the hint names the variables"
expect 7 "a wrong key is exit 7" -- env ALLIES_API_KEY=allies_nokey_0000000000000000000000000000000000000000000000000000000000000000 "$ctl" libraries list
not_contains "$tmp/err" "hint: no API key" "no hint when a key was sent"
expect 0 "force delete" -- "$ctl" libraries delete oblast --force
expect 0 "undelete" -- "$ctl" libraries undelete oblast
expect 6 "undelete a live library is exit 6" -- "$ctl" libraries undelete oblast
expect 2 "usage error is exit 2" -- "$ctl" libraries frobnicate
expect 5 "unreachable is exit 5" -- "$ctl" --endpoint 127.0.0.1:1 libraries list

# The client's version.
expect 0 "version" -- "$ctl" --version
contains "$tmp/out" "alliesctl 0." "--version names the project's version"
# -o name: the names alone, for scripts.
expect 0 "a name for a script" -- "$ctl" libraries get oblast -o name
[[ $(cat "$tmp/out") == libraries/oblast ]] && pass || fail "-o name prints only the name: $(cat "$tmp/out")"
expect 0 "names of a list" -- "$ctl" libraries list -o name
contains "$tmp/out" "libraries/oblast" "-o name lists every name"
not_contains "$tmp/out" "DISPLAY NAME" "and no table"
expect 0 "names of a created resource" -- "$ctl" partners create oblast --display-name "Клуб" --kind nonprofit --support-form material,informational -o name
grep -qx 'libraries/oblast/partners/[a-z0-9-]*' "$tmp/out" && pass || fail "create -o name: $(cat "$tmp/out")"
club=$(cat "$tmp/out")
# describe: every field, the empty ones too.
expect 0 "describe a library" -- "$ctl" libraries describe oblast
contains "$tmp/out" "display_name: Областная библиотека им. Ё. Ёлкина" "describe shows the fields by their names"
contains "$tmp/out" "website:      <none>" "and the empty ones"
contains "$tmp/out" "kind:         REGIONAL" "enums by name"
expect 0 "describe a partner" -- "$ctl" partners describe "$club"
contains "$tmp/out" "support_forms:" "a list is shown"
contains "$tmp/out" "  - MATERIAL" "item by item"
# Tables fit the terminal ($COLUMNS here); output to a file is never cut.
expect 0 "a table fitted to COLUMNS" -- env COLUMNS=60 "$ctl" libraries list
contains "$tmp/out" "…" "cells are cut"
/usr/bin/python3 -c 'import sys; sys.exit(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().splitlines()) > 60)' "$tmp/out" && pass || fail "a line is wider than 60 columns: $(cat "$tmp/out")"
expect 0 "not cut in a file" -- env -u COLUMNS "$ctl" libraries list
not_contains "$tmp/out" "…" "output that is not a terminal is never cut"
# Bash completion, made from the command table.
expect 0 "completion script" -- "$ctl" completion bash
cp "$tmp/out" "$tmp/completion.bash"
# completes WORD...: what the script offers for the last word (may be "") after the others.
completes() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _alliesctl; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$tmp/completion.bash" alliesctl "$@"
}
expect 0 "complete a resource" -- completes part
contains "$tmp/out" "partners" "resources complete"
expect 0 "complete a verb after an alias" -- completes lib des
[[ $(cat "$tmp/out") == describe ]] && pass || fail "lib des completes to: $(cat "$tmp/out")"
expect 0 "complete a word below a resource" -- completes boards mem
contains "$tmp/out" "members" "words below a resource complete"
expect 0 "complete a command's flags" -- completes -o json partners create --di
contains "$tmp/out" "--display-name" "a command's flags complete"
expect 0 "complete the list flags" -- completes libraries list --page-
[[ $(sort "$tmp/out" | tr '\n' ' ') == "--page-size --page-token " ]] && pass || fail "--page- completes to: $(cat "$tmp/out")"
expect 0 "complete -o values" -- completes libraries get oblast -o ""
contains "$tmp/out" "name" "-o's values complete"
expect 0 "nothing for an operand" -- completes libraries get ""
[[ ! -s $tmp/out || $(cat "$tmp/out") == "" ]] && pass || fail "an operand completes to: $(cat "$tmp/out")"

finish
