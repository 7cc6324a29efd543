#include "services/reminder/reminders.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/credentials.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "services/common/local_time.h"
#include "services/volunteer/ledger.h"
#include "services/volunteer/volunteer_service.h"
#include "storage/core_tables.h"
#include "storage/due.h"
#include "storage/governance_tables.h"
#include "storage/partnership_tables.h"
#include "storage/project_tables.h"
#include "storage/scope.h"
#include "storage/transaction.h"
#include "storage/volunteer_tables.h"

namespace allies::services::reminders {
namespace {

template <typename M>
ResourceRules<M> Plain(const storage::ResourceTable& table) {
  ResourceRules<M> rules;
  rules.table = &table;
  return rules;
}

// Every row a List with this condition returns, page after page, as the caller sees them.
// `library` ("-" or an id) narrows it to that library's subtree.
template <typename M>
absl::Status ListAll(ResourceMethods<M>& methods, const api::Call& call, absl::string_view method,
                     const std::string& parent, storage::SqlClause condition,
                     const std::string& library, std::vector<M>* out) {
  ListArgs args;
  args.method = method;
  args.parent = parent;
  args.condition = std::move(condition);
  if (library != "-" && !library.empty()) args.WithinSubtree(library);
  args.context = absl::StrCat("reminders|library=", library);
  args.page_size = api::kMaxPageSize;
  std::string token;
  google::protobuf::RepeatedPtrField<M> page;
  do {
    args.page_token = token;
    std::string next;
    absl::Status ok = methods.List(call, args, &page, &next);
    if (!ok.ok()) return ok;
    for (M& m : page) out->push_back(std::move(m));
    token = std::move(next);
  } while (!token.empty());
  return absl::OkStatus();
}

absl::CivilDay UtcDayOf(const google::protobuf::Timestamp& t) {
  return absl::ToCivilDay(api::FromTimestamp(t), absl::UTCTimeZone());
}

// The resource a nested name is under: "libraries/l/readerCouncils/c" of ".../c/members/m".
std::string Before(absl::string_view name, absl::string_view marker) {
  const size_t at = name.find(marker);
  return std::string(at == absl::string_view::npos ? name : name.substr(0, at));
}

std::string Quoted(absl::string_view text) { return absl::StrCat("«", text, "»"); }

// "Осталось 7 дней." / "Сегодня последний день." / "Просрочено на 3 дня."
std::string DaysLeftSentence(int days_left) {
  if (days_left > 0) return absl::StrCat("Осталось ", RussianDays(days_left), ".");
  if (days_left == 0) return "Это сегодня.";
  return absl::StrCat("Просрочено на ", RussianDays(-days_left), ".");
}

}  // namespace

int AgreementStage(int days_left) {
  if (days_left < 0) return -1;
  int stage = -1;
  for (int s : kAgreementStages) {
    if (days_left <= s) stage = s;  // the stages go down: the last that holds is the smallest
  }
  return stage;
}

std::string RussianDays(int n) {
  const int mod100 = n % 100;
  const int mod10 = n % 10;
  const char* word = "дней";
  if (mod100 < 11 || mod100 > 14) {
    if (mod10 == 1) {
      word = "день";
    } else if (mod10 >= 2 && mod10 <= 4) {
      word = "дня";
    }
  }
  return absl::StrCat(n, " ", word);
}

std::string RussianDate(absl::CivilDay day) {
  return absl::StrFormat("%02d.%02d.%04d", day.day(), day.month(), day.year());
}

std::string ReminderId(absl::string_view key) {
  return absl::BytesToHexString(api::Sha256(key)).substr(0, 32);
}

template <typename Body>
struct Engine::Family {
  Family(storage::ConnectionPool& pool, const storage::GovernanceTables& t)
      : tables(t),
        bodies(pool, Plain<Body>(*t.bodies)),
        members(pool, Plain<v1::Member>(*t.members)),
        actions(pool, Plain<v1::ActionItem>(*t.action_items)) {}
  const storage::GovernanceTables& tables;
  ResourceMethods<Body> bodies;
  ResourceMethods<v1::Member> members;
  ResourceMethods<v1::ActionItem> actions;
};

struct Engine::Run {
  Engine& engine;
  const api::Call& call;
  std::string library;
  absl::CivilDay today;
  std::vector<Due> out;
  std::map<std::string, v1::Library> libraries;  // by id

  // The library `id` as the caller sees it (read once per run).
  absl::StatusOr<const v1::Library*> Library(const std::string& id) {
    auto it = libraries.find(id);
    if (it == libraries.end()) {
      v1::Library library;
      absl::Status ok = engine.libraries_.Get(call, api::LibraryName(id), &library);
      if (!ok.ok()) return ok;
      it = libraries.emplace(id, std::move(library)).first;
    }
    return &it->second;
  }

  // A reminder of `library_id` with what every kind shares filled in.
  absl::StatusOr<Due*> Add(v1::Reminder::Kind kind, v1::Reminder::Audience audience,
                           const std::string& library_id, const std::string& subject,
                           const std::string& recipient, std::string key) {
    auto library = Library(library_id);
    if (!library.ok()) return library.status();
    Due due;
    due.key = std::move(key);
    due.library_id = library_id;
    due.from = (*library)->email();
    due.from_name = (*library)->display_name();
    if (audience == v1::Reminder::STAFF) due.to = (*library)->email();
    v1::Reminder& r = due.reminder;
    r.set_name(absl::StrCat(api::LibraryName(library_id), "/reminders/", ReminderId(due.key)));
    r.set_kind(kind);
    r.set_audience(audience);
    r.set_subject(subject);
    r.set_recipient(recipient);
    r.set_delivery_state(v1::Reminder::PENDING);
    out.push_back(std::move(due));
    return &out.back();
  }

  // A reminder to the staff of the subject's library about a day (`due_day`).
  absl::Status AddStaff(v1::Reminder::Kind kind, const std::string& subject, absl::CivilDay due_day,
                        std::string key, std::string title, std::string text) {
    const std::string library_id(api::LibraryIdOf(subject));
    auto due = Add(kind, v1::Reminder::STAFF, library_id, subject, api::LibraryName(library_id),
                   std::move(key));
    if (!due.ok()) return due.status();
    v1::Reminder& r = (*due)->reminder;
    ToProtoDate(due_day, r.mutable_due_date());
    r.set_days_left(static_cast<int32_t>(due_day - today));
    r.set_title(std::move(title));
    r.set_text(absl::StrCat(text, "\n\n", (*due)->from_name, "\n", "(", subject, ")\n"));
    return absl::OkStatus();
  }
};

Engine::Engine(storage::ConnectionPool& pool)
    : pool_(pool),
      libraries_(pool, Plain<v1::Library>(storage::LibrariesTable())),
      projects_(pool, Plain<v1::Project>(storage::ProjectsTable())),
      shifts_(pool, Plain<v1::Shift>(storage::ShiftsTable())),
      signups_(pool, Plain<v1::Signup>(storage::SignupsTable())),
      volunteers_(pool, Plain<v1::Volunteer>(storage::VolunteersTable())),
      qualifications_(pool, Plain<v1::Qualification>(storage::QualificationsTable())),
      agreements_(pool, Plain<v1::Agreement>(storage::AgreementsTable())),
      partners_(pool, Plain<v1::Partner>(storage::PartnersTable())),
      consents_(pool, Plain<v1::Consent>(storage::ConsentsTable())),
      councils_(std::make_unique<Family<v1::ReaderCouncil>>(pool, storage::ReaderCouncilTables())),
      boards_(std::make_unique<Family<v1::SupervisoryBoard>>(pool,
                                                             storage::SupervisoryBoardTables())) {}

Engine::~Engine() = default;

absl::StatusOr<std::vector<Due>> Engine::Compute(const api::Call& call,
                                                 const std::string& library) {
  std::string today;
  absl::Status ok = storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        auto day = storage::UtcToday(s);
        if (!day.ok()) return day.status();
        today = *day;
        return absl::OkStatus();
      },
      call.deadline());
  if (!ok.ok()) return ok;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(today, &day)) {
    return absl::InternalError(absl::StrCat("the database's date ", today, " does not parse"));
  }
  Run run{*this, call, library, day, {}, {}};
  for (auto step :
       {&Engine::Shifts, &Engine::Agreements, &Engine::Qualifications, &Engine::Destructions}) {
    ok = (this->*step)(run);
    if (!ok.ok()) return ok;
  }
  ok = Governance(run, *councils_);
  if (ok.ok()) ok = Governance(run, *boards_);
  if (!ok.ok()) return ok;
  std::sort(run.out.begin(), run.out.end(),
            [](const Due& a, const Due& b) { return a.reminder.name() < b.reminder.name(); });
  return std::move(run.out);
}

absl::StatusOr<std::string> Engine::ContactAddress(const std::string& volunteer,
                                                   absl::Time deadline) {
  std::string address;
  absl::Status ok = storage::RunRead(
      pool_,
      [&](storage::Session& s) -> absl::Status {
        address.clear();
        auto key = storage::VolunteersTable().ParseName(volunteer, "volunteer");
        if (!key.ok()) return key.status();
        storage::ResourceTable::Row row;
        v1::Volunteer v;
        absl::Status got = storage::VolunteersTable().Get(s, *key, storage::Lock::kNone, &row, &v);
        if (absl::IsNotFound(got)) return absl::OkStatus();
        if (!got.ok()) return got;
        if (v.has_delete_time() || v.has_erase_time() || v.do_not_contact() ||
            v.state() == v1::Volunteer::INACTIVE || v.emails().empty() ||
            std::count(v.opt_outs().begin(), v.opt_outs().end(), v1::Volunteer::EMAIL) > 0) {
          return absl::OkStatus();
        }
        auto consents = ActiveConsentsOf(s, v.name());
        if (!consents.ok()) return consents.status();
        if (AllowContact(*consents)) address = v.emails(0);
        return absl::OkStatus();
      },
      deadline);
  if (!ok.ok()) return ok;
  return address;
}

// Shifts starting within 24 hours: a reminder to each CONFIRMED volunteer who may be contacted
// (read as stored, whatever the caller may see: the decision is the engine's), at their first
// e-mail address.
absl::Status Engine::Shifts(Run& run) {
  std::vector<v1::Shift> shifts;
  absl::Status ok = ListAll(shifts_, run.call, "ListReminders/shifts", "libraries/-/projects/-",
                            storage::due::ShiftsStartingWithin(kShiftHours), run.library, &shifts);
  if (!ok.ok()) return ok;
  std::map<std::string, v1::Project> projects;
  for (const v1::Shift& shift : shifts) {
    std::vector<v1::Signup> signups;
    ok = ListAll(signups_, run.call, "ListReminders/signups", shift.name(),
                 storage::SqlClause{"t.state = ?", {static_cast<int64_t>(v1::Signup::CONFIRMED)}},
                 "-", &signups);
    if (!ok.ok()) return ok;
    if (signups.empty()) continue;
    const std::string project_name = Before(shift.name(), "/shifts/");
    if (!projects.count(project_name)) {
      ok = projects_.Get(run.call, project_name, &projects[project_name]);
      if (!ok.ok()) return ok;
    }
    const v1::Project& project = projects[project_name];
    const std::string library_id(api::LibraryIdOf(shift.name()));
    auto library = run.Library(library_id);
    if (!library.ok()) return library.status();
    absl::TimeZone zone = absl::UTCTimeZone();
    if (!absl::LoadTimeZone((*library)->time_zone(), &zone)) zone = absl::UTCTimeZone();
    const absl::Time start = api::FromTimestamp(shift.start_time());
    const absl::Time end = api::FromTimestamp(shift.end_time());
    const absl::CivilMinute local_start = absl::ToCivilMinute(start, zone);
    const absl::CivilMinute local_end = absl::ToCivilMinute(end, zone);
    const std::string when =
        absl::StrFormat("%s в %02d:%02d", RussianDate(absl::CivilDay(local_start)),
                        local_start.hour(), local_start.minute());
    for (const v1::Signup& signup : signups) {
      auto address = ContactAddress(signup.volunteer(), run.call.deadline());
      if (!address.ok()) return address.status();
      if (address->empty()) continue;
      auto due =
          run.Add(v1::Reminder::SHIFT_STARTING, v1::Reminder::VOLUNTEER, library_id, signup.name(),
                  signup.volunteer(),
                  absl::StrCat("SHIFT_STARTING|", signup.name(), "|",
                               absl::FormatTime(absl::RFC3339_full, start, absl::UTCTimeZone())));
      if (!due.ok()) return due.status();
      (*due)->to = *address;
      v1::Reminder& r = (*due)->reminder;
      *r.mutable_event_time() = shift.start_time();
      r.set_title(absl::StrCat("Напоминание: смена ", Quoted(project.title()), " ", when));
      std::string text =
          absl::StrCat("Здравствуйте!\n\nНапоминаем, что вы записаны на смену проекта ",
                       Quoted(project.title()), ".\nНачало: ", when, ", окончание: ",
                       absl::StrFormat("%s в %02d:%02d", RussianDate(absl::CivilDay(local_end)),
                                       local_end.hour(), local_end.minute()),
                       " (местное время, ", zone.name(), ").\n");
      if (!shift.place().empty()) absl::StrAppend(&text, "Место: ", shift.place(), "\n");
      absl::StrAppend(&text,
                      "\nЕсли вы не сможете прийти, пожалуйста, сообщите об этом библиотеке.\n\n",
                      (*due)->from_name, "\n");
      r.set_text(std::move(text));
    }
  }
  return absl::OkStatus();
}

// Partner agreements in force ending within 30 days: one reminder per stage (30, 7, 0).
absl::Status Engine::Agreements(Run& run) {
  std::vector<v1::Agreement> agreements;
  absl::Status ok =
      ListAll(agreements_, run.call, "ListReminders/agreements", "libraries/-",
              storage::due::AgreementsEndingWithin(kAgreementStages[0]), run.library, &agreements);
  if (!ok.ok()) return ok;
  for (const v1::Agreement& a : agreements) {
    const absl::CivilDay end = ToCivilDay(a.end_date());
    const int days_left = static_cast<int>(end - run.today);
    const int stage = AgreementStage(days_left);
    if (stage < 0) continue;
    v1::Partner partner;
    ok = partners_.Get(run.call, a.partner(), &partner);
    if (!ok.ok()) return ok;
    const std::string title =
        days_left == 0 ? absl::StrCat("Соглашение № ", a.number(), " заканчивается сегодня")
                       : absl::StrCat("Соглашение № ", a.number(), " заканчивается через ",
                                      RussianDays(days_left));
    const std::string text =
        absl::StrCat("Соглашение № ", a.number(), " ", Quoted(a.title()), " с партнёром ",
                     Quoted(partner.display_name()), " действует до ", RussianDate(end),
                     " включительно. ", DaysLeftSentence(days_left),
                     "\nЕсли сотрудничество продолжается, подготовьте продление заранее.");
    ok =
        run.AddStaff(v1::Reminder::AGREEMENT_ENDING, a.name(), end,
                     absl::StrCat("AGREEMENT_ENDING|", a.name(), "|", RussianDate(end), "|", stage),
                     title, text);
    if (!ok.ok()) return ok;
    run.out.back().reminder.set_stage_days(stage);
  }
  return absl::OkStatus();
}

// Volunteers' qualifications expiring within 30 days.
absl::Status Engine::Qualifications(Run& run) {
  std::vector<v1::Qualification> qualifications;
  absl::Status ok = ListAll(
      qualifications_, run.call, "ListReminders/qualifications", "libraries/-/volunteers/-",
      storage::due::QualificationsExpiringWithin(kExpiringDays), run.library, &qualifications);
  if (!ok.ok()) return ok;
  for (const v1::Qualification& q : qualifications) {
    const absl::CivilDay expiry = ToCivilDay(q.expiry_date());
    v1::Volunteer volunteer;
    ok = volunteers_.Get(run.call, q.volunteer(), &volunteer);
    if (!ok.ok()) return ok;
    const std::string who = volunteer.personal_data_withheld() || FullName(volunteer).empty()
                                ? q.volunteer()
                                : FullName(volunteer);
    const int days_left = static_cast<int>(expiry - run.today);
    ok = run.AddStaff(
        v1::Reminder::QUALIFICATION_EXPIRING, q.name(), expiry,
        absl::StrCat("QUALIFICATION_EXPIRING|", q.name(), "|", RussianDate(expiry)),
        absl::StrCat("Истекает квалификация ", Quoted(q.title()), " (", RussianDate(expiry), ")"),
        absl::StrCat("Квалификация ", Quoted(q.title()), " волонтёра ", who, " действительна до ",
                     RussianDate(expiry), " включительно. ", DaysLeftSentence(days_left),
                     "\nБез действующей квалификации волонтёр не сможет записываться на смены, "
                     "которые её требуют."));
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

// Members' terms expiring within 30 days and overdue action items of one governance family.
template <typename Body>
absl::Status Engine::Governance(Run& run, Family<Body>& family) {
  const std::string bodies =
      absl::StrCat("libraries/-/", family.tables.bodies->collection_path(), "/-");
  std::map<std::string, Body> read;
  auto body_name = [&](const std::string& name) -> absl::StatusOr<std::string> {
    auto it = read.find(name);
    if (it == read.end()) {
      Body body;
      absl::Status ok = family.bodies.Get(run.call, name, &body);
      if (!ok.ok()) return ok;
      it = read.emplace(name, std::move(body)).first;
    }
    return it->second.display_name();
  };
  std::vector<v1::Member> members;
  absl::Status ok =
      ListAll(family.members, run.call, "ListReminders/terms", bodies,
              storage::due::TermsExpiringWithin(kExpiringDays), run.library, &members);
  if (!ok.ok()) return ok;
  for (const v1::Member& m : members) {
    auto body = body_name(Before(m.name(), "/members/"));
    if (!body.ok()) return body.status();
    const absl::CivilDay end = ToCivilDay(m.term_end_date());
    const std::string who = m.display_name().empty() ? m.name() : m.display_name();
    ok = run.AddStaff(
        v1::Reminder::TERM_EXPIRING, m.name(), end,
        absl::StrCat("TERM_EXPIRING|", m.name(), "|", RussianDate(end)),
        absl::StrCat("Истекает срок полномочий: ", Quoted(*body), ", ", RussianDate(end)),
        absl::StrCat("Срок полномочий члена ", Quoted(*body), " ", who, " заканчивается ",
                     RussianDate(end), ". ", DaysLeftSentence(static_cast<int>(end - run.today)),
                     "\nПодготовьте избрание или назначение на это место."));
    if (!ok.ok()) return ok;
  }
  std::vector<v1::ActionItem> items;
  ok = ListAll(family.actions, run.call, "ListReminders/actions",
               absl::StrCat(bodies, "/decisions/-"), storage::due::ActionItemsOverdue(),
               run.library, &items);
  if (!ok.ok()) return ok;
  for (const v1::ActionItem& a : items) {
    auto body = body_name(Before(a.name(), "/decisions/"));
    if (!body.ok()) return body.status();
    const absl::CivilDay due = ToCivilDay(a.due_date());
    const std::string owner = !a.owner_member().empty() ? a.owner_member() : a.owner();
    std::string text =
        absl::StrCat("Поручение ", Quoted(a.title()), " (", Quoted(*body), ") не выполнено в срок ",
                     RussianDate(due), ". ", DaysLeftSentence(static_cast<int>(due - run.today)));
    if (!owner.empty()) absl::StrAppend(&text, "\nОтветственный: ", owner, ".");
    ok = run.AddStaff(v1::Reminder::ACTION_ITEM_OVERDUE, a.name(), due,
                      absl::StrCat("ACTION_ITEM_OVERDUE|", a.name(), "|", RussianDate(due)),
                      absl::StrCat("Просрочено поручение ", Quoted(a.title())), std::move(text));
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

// Withdrawn consents whose data is due for destruction within 7 days (or overdue).
absl::Status Engine::Destructions(Run& run) {
  std::vector<v1::Consent> consents;
  absl::Status ok =
      ListAll(consents_, run.call, "ListReminders/destructions", "libraries/-",
              storage::due::DestructionsDueWithin(kDestructionDays), run.library, &consents);
  if (!ok.ok()) return ok;
  for (const v1::Consent& c : consents) {
    const absl::CivilDay due = UtcDayOf(c.destroy_due());
    std::string subject = c.subject();
    if (!c.subject_name().empty()) subject = absl::StrCat(c.subject_name(), " (", c.subject(), ")");
    ok = run.AddStaff(
        v1::Reminder::DESTRUCTION_DUE, c.name(), due,
        absl::StrCat("DESTRUCTION_DUE|", c.name(), "|", RussianDate(due)),
        absl::StrCat("Срок уничтожения персональных данных: ", RussianDate(due)),
        absl::StrCat("Согласие на обработку персональных данных отозвано; данные субъекта ",
                     subject, " должны быть уничтожены до ", RussianDate(due), ". ",
                     DaysLeftSentence(static_cast<int>(due - run.today)),
                     "\nСервер уничтожит их в этот срок сам, если их не удерживает другое "
                     "действующее согласие; акт уничтожения появится в журнале."));
    if (!ok.ok()) return ok;
  }
  return absl::OkStatus();
}

}  // namespace allies::services::reminders
