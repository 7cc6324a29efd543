#include "services/report/review.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "allies/v1/activity.pb.h"
#include "allies/v1/agreement.pb.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/partner.pb.h"
#include "allies/v1/project.pb.h"
#include "allies/v1/volunteer.pb.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "services/common/local_time.h"
#include "storage/library_tree.h"
#include "storage/network_review.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::services::review {
namespace {

namespace nr = storage::network_review;
using Library = storage::library_tree::SubtreeLibrary;

constexpr int kMaxDays = 366;

// ---------------------------------------------------------------------------------------------
// Labels: what each key means, in Russian.

const std::map<std::string, std::string>& Labels() {
  static const auto* labels = new std::map<std::string, std::string>{
      {"partners.total", "Партнёры на конец периода"},
      {"partners.new", "Новые партнёры за период"},
      {"partners.by_kind", "Партнёры по типу"},
      {"partners.by_state", "Партнёры по состоянию (сейчас)"},
      {"partners.by_support_form", "Партнёры по формам поддержки"},
      {"agreements.in_force", "Соглашения, действующие на конец периода"},
      {"agreements.signed", "Соглашения, подписанные за период"},
      {"agreements.expired", "Соглашения, истёкшие за период"},
      {"agreements.terminated", "Соглашения, расторгнутые за период"},
      {"agreements.value_signed", "Сумма подписанных за период соглашений"},
      {"volunteers.registered", "Волонтёры на конец периода"},
      {"volunteers.by_state", "Волонтёры по состоянию (сейчас)"},
      {"volunteers.new", "Новые волонтёры за период"},
      {"volunteers.new_minors", "Новые волонтёры до 18 лет"},
      {"volunteers.active", "Активные волонтёры (с подтверждёнными часами)"},
      {"volunteers.active_minors", "Активные волонтёры до 18 лет"},
      {"volunteers.active_under_14", "Активные волонтёры до 14 лет"},
      {"hours.approved_minutes", "Подтверждённое время работы волонтёров"},
      {"hours.entries", "Записи о подтверждённых часах"},
      {"hours.by_month", "Подтверждённое время по месяцам"},
      {"hours.by_project", "Подтверждённое время по проектам"},
      {"hours.by_project_month", "Подтверждённое время по проектам и месяцам"},
      {"signups.total", "Записи на смены в периоде"},
      {"signups.places", "Места, занятые записями"},
      {"signups.by_state", "Записи на смены по состоянию"},
      {"signups.no_show_rate", "Доля неявок (неявки / (выполнено + неявки))"},
      {"consents.given", "Согласия на обработку ПДн, данные за период"},
      {"consents.given_by_representative", "Из них данные законным представителем"},
      {"consents.withdrawn", "Согласия, отозванные за период"},
      {"consents.withdrawn_by_erasure", "Из них в связи с удалением по требованию"},
      {"destructions.overdue_at_end", "ПДн, не уничтоженные в срок, на конец периода"},
      {"destructions.done", "Акты уничтожения ПДн за период"},
      {"destructions.done_late", "Из них с опозданием более суток"},
      {"interactions.total", "Взаимодействия за период"},
      {"interactions.by_kind", "Взаимодействия по виду"},
      {"interactions.with_partners", "Взаимодействия с партнёрами"},
  };
  return *labels;
}

const std::map<std::string, std::string>& BodyLabels() {
  static const auto* labels = new std::map<std::string, std::string>{
      {"reader_councils", "Читательские советы"},
      {"supervisory_boards", "Наблюдательные советы"},
      {"trustee_boards", "Попечительские советы"},
      {"bodies", "органов"},
      {"seats", "мест по положению"},
      {"members", "членов на конец периода"},
      {"vacancies", "вакансий"},
      {"meetings_held", "заседаний проведено"},
      {"meetings_required", "заседаний требуется по положению"},
      {"bodies_behind", "органов, отстающих от графика заседаний"},
      {"quorum_failures", "заседаний без кворума"},
      {"decisions", "решений принято"},
      {"action_items_overdue", "просроченных поручений на конец периода"},
  };
  return *labels;
}

// The values of the dimensions (enum names) in Russian.
const std::map<std::string, std::string>& ValueLabels() {
  static const auto* labels = new std::map<std::string, std::string>{
      // Partner kinds and states, support forms.
      {"BUSINESS", "коммерческие организации"},
      {"NONPROFIT", "некоммерческие организации"},
      {"GOVERNMENT", "органы власти"},
      {"MEDIA", "СМИ"},
      {"EDUCATION", "образовательные организации"},
      {"CULTURE", "учреждения культуры"},
      {"RELIGIOUS", "религиозные организации"},
      {"INDIVIDUAL", "частные лица"},
      {"PROSPECT", "потенциальные"},
      {"PAUSED", "приостановлены"},
      {"FORMER", "бывшие"},
      {"MATERIAL", "материальная"},
      {"INFORMATIONAL", "информационная"},
      {"ORGANIZATIONAL", "организационная"},
      {"EXPERTISE", "экспертная"},
      {"VENUE", "площадка"},
      // Agreement kinds.
      {"COOPERATION", "сотрудничество"},
      {"SPONSORSHIP", "спонсорство"},
      {"DONATION", "пожертвование"},
      {"INFORMATION_SUPPORT", "информационная поддержка"},
      {"VOLUNTEERING", "волонтёрство"},
      {"OTHER", "прочее"},
      // Volunteer and sign-up states.
      {"APPLICANT", "кандидаты"},
      {"ACTIVE", "активные"},
      {"INACTIVE", "неактивные"},
      {"REQUESTED", "заявки"},
      {"CONFIRMED", "подтверждены"},
      {"WAITLISTED", "в листе ожидания"},
      {"COMPLETED", "выполнены"},
      {"NO_SHOW", "неявки"},
      {"CANCELED", "отменены"},
      // Interactions, destructions.
      {"MEETING", "встречи"},
      {"CALL", "звонки"},
      {"EMAIL", "электронные письма"},
      {"LETTER", "письма"},
      {"EVENT", "мероприятия"},
      {"PUBLICATION", "публикации"},
      {"CONSENT_WITHDRAWN", "после отзыва согласия"},
      {"ERASURE_REQUEST", "по требованию об удалении"},
      {"none", "без проекта"},
  };
  return *labels;
}

// The figure keys every review shows (zeros included), in the order the sections read.
std::vector<std::string> FixedKeys() {
  std::vector<std::string> keys{"partners.total", "partners.new"};
  auto add = [&](const std::string& prefix, const google::protobuf::EnumDescriptor* e) {
    for (int i = 0; i < e->value_count(); ++i) {
      if (e->value(i)->number() == 0) continue;
      keys.push_back(absl::StrCat(prefix, e->value(i)->name()));
    }
  };
  add("partners.by_kind.", v1::Partner::Kind_descriptor());
  add("partners.by_state.", v1::Partner::State_descriptor());
  add("partners.by_support_form.", v1::Partner::SupportForm_descriptor());
  for (const char* m : {"in_force", "signed", "expired", "terminated"}) {
    keys.push_back(absl::StrCat("agreements.", m));
    add(absl::StrCat("agreements.", m, ".by_kind."), v1::Agreement::Kind_descriptor());
  }
  for (const char* k :
       {"volunteers.registered", "volunteers.new", "volunteers.new_minors", "volunteers.active",
        "volunteers.active_minors", "volunteers.active_under_14"}) {
    keys.push_back(k);
  }
  add("volunteers.by_state.", v1::Volunteer::State_descriptor());
  keys.push_back("hours.approved_minutes");
  keys.push_back("hours.entries");
  keys.push_back("signups.total");
  keys.push_back("signups.places");
  add("signups.by_state.", v1::Signup::State_descriptor());
  keys.push_back("signups.no_show_rate");
  for (const char* body : {"reader_councils", "supervisory_boards", "trustee_boards"}) {
    for (const char* m :
         {"bodies", "seats", "members", "vacancies", "meetings_held", "meetings_required",
          "bodies_behind", "quorum_failures", "decisions", "action_items_overdue"}) {
      keys.push_back(absl::StrCat("governance.", body, ".", m));
    }
  }
  for (const char* k : {"consents.given", "consents.given_by_representative", "consents.withdrawn",
                        "consents.withdrawn_by_erasure", "destructions.overdue_at_end",
                        "destructions.done", "destructions.done_late"}) {
    keys.push_back(k);
  }
  add("destructions.done.by_reason.", v1::DestructionRecord::Reason_descriptor());
  keys.push_back("interactions.total");
  keys.push_back("interactions.with_partners");
  const google::protobuf::EnumDescriptor* kinds = v1::Activity::Kind_descriptor();
  for (int i = 0; i < kinds->value_count(); ++i) {
    if (kinds->value(i)->number() <= v1::Activity::SYSTEM) continue;
    keys.push_back(absl::StrCat("interactions.by_kind.", kinds->value(i)->name()));
  }
  return keys;
}

std::string LabelOf(const std::string& key,
                    const std::map<std::string, std::string>& project_titles) {
  const auto& labels = Labels();
  if (auto it = labels.find(key); it != labels.end()) return it->second;
  if (absl::StartsWith(key, "governance.")) {
    std::vector<std::string> parts = absl::StrSplit(key, '.');
    if (parts.size() == 3) {
      const auto& b = BodyLabels();
      auto body = b.find(parts[1]);
      auto measure = b.find(parts[2]);
      if (body != b.end() && measure != b.end()) {
        return absl::StrCat(body->second, ": ", measure->second);
      }
    }
    return key;
  }
  if (absl::StartsWith(key, "agreements.value_signed.")) {
    std::vector<std::string> parts = absl::StrSplit(key, '.');
    std::string label = absl::StrCat(labels.at("agreements.value_signed"), ", ", parts[2]);
    if (parts.size() == 5) {
      auto v = ValueLabels().find(parts[4]);
      absl::StrAppend(&label, ": ", v == ValueLabels().end() ? parts[4] : v->second);
    }
    return label;
  }
  if (absl::StartsWith(key, "hours.by_project_month.")) {
    absl::string_view rest = absl::StripPrefix(key, "hours.by_project_month.");
    const size_t dot = rest.rfind('.');
    const std::string project(rest.substr(0, dot));
    auto title = project_titles.find(project);
    return absl::StrCat(labels.at("hours.by_project_month"), ": ",
                        title != project_titles.end() ? title->second : ValueLabels().at("none"),
                        ", ", rest.substr(dot + 1));
  }
  if (absl::StartsWith(key, "hours.by_project.")) {
    const std::string project(absl::StripPrefix(key, "hours.by_project."));
    auto title = project_titles.find(project);
    return absl::StrCat(labels.at("hours.by_project"), ": ",
                        title != project_titles.end() ? title->second : ValueLabels().at("none"));
  }
  if (absl::StartsWith(key, "hours.by_month.")) {
    return absl::StrCat(labels.at("hours.by_month"), ": ",
                        absl::StripPrefix(key, "hours.by_month."));
  }
  // "<section>.<measure>[.by_x].VALUE"
  const size_t dot = key.rfind('.');
  std::string base = key.substr(0, dot);
  const std::string value = key.substr(dot + 1);
  std::string suffix;
  if (absl::EndsWith(base, ".by_kind") && base != "partners.by_kind" &&
      base != "interactions.by_kind") {
    base = base.substr(0, base.size() - sizeof(".by_kind") + 1);  // agreements.<m>.by_kind
  }
  if (absl::StartsWith(base, "destructions.done.by_reason")) base = "destructions.done";
  auto it = labels.find(base);
  auto v = ValueLabels().find(value);
  return absl::StrCat(it != labels.end() ? it->second : base, ": ",
                      v != ValueLabels().end() ? v->second : value);
}

// ---------------------------------------------------------------------------------------------

bool IsMoney(const std::string& key) { return absl::StartsWith(key, "agreements.value_signed."); }

void SetValue(const std::string& key, absl::int128 value, v1::Figure* f) {
  if (IsMoney(key)) {
    std::vector<std::string> parts = absl::StrSplit(key, '.');
    google::type::Money* m = f->mutable_money();
    m->set_currency_code(parts[2]);
    constexpr int64_t kNano = 1000000000;
    m->set_units(static_cast<int64_t>(value / kNano));
    m->set_nanos(static_cast<int32_t>(value % kNano));
  } else {
    f->set_count(static_cast<int64_t>(value));
  }
}

using Sums = std::map<std::string, absl::int128>;

void AddInto(const Sums& from, Sums& to) {
  for (const auto& [key, value] : from) to[key] += value;
}

// A set of figures from sums: every fixed key (zeros too), the period's months, then every
// other key present (`projects`: also those of projects), each with its query.
void Fill(const Sums& sums, const std::vector<std::string>& fixed,
          const std::vector<std::string>& months, bool projects, bool labels,
          const nr::Collected& c, google::protobuf::RepeatedPtrField<v1::Figure>* out) {
  std::set<std::string> done;
  auto emit = [&](const std::string& key) {
    if (!done.insert(key).second) return;
    v1::Figure* f = out->Add();
    f->set_key(key);
    if (labels) f->set_label(LabelOf(key, c.project_titles));
    if (key == "signups.no_show_rate") {
      auto get = [&](const char* k) {
        auto it = sums.find(k);
        return it == sums.end() ? absl::int128(0) : it->second;
      };
      const absl::int128 no_show = get("signups.by_state.NO_SHOW");
      const absl::int128 base = no_show + get("signups.by_state.COMPLETED");
      if (base > 0) {
        f->set_ratio(static_cast<double>(no_show) / static_cast<double>(base));
      }
      f->set_query("signups@1");
      return;
    }
    auto it = sums.find(key);
    SetValue(key, it == sums.end() ? absl::int128(0) : it->second, f);
    auto q = c.key_query.find(key);
    f->set_query(q != c.key_query.end() ? q->second : nr::QueryOfKey(key));
  };
  for (const std::string& key : fixed) emit(key);
  for (const std::string& month : months) emit("hours.by_month." + month);
  for (const auto& [key, value] : sums) {
    if (!projects && absl::StartsWith(key, "hours.by_project")) continue;
    emit(key);
  }
}

// The statement with its lists of bound libraries (and the CASE over time zones) written as
// one: what the query is, whatever network it ran over.
std::string Canonical(const std::string& sql) {
  static const std::regex kCase(R"(\(CASE( WHEN [a-z_.]+ IN \(\?[^)]*\) THEN \?)+ END\))");
  static const std::regex kList(R"(\?(, \?)+)");
  return std::regex_replace(std::regex_replace(sql, kCase, "?"), kList, "?");
}

struct TemplateRow {
  v1::TemplateLine line;
  double scale = 1;
};

absl::StatusOr<std::vector<TemplateRow>> TemplateLines(storage::Session& s) {
  static const std::string kSql =
      "SELECT template, edition, section, line, col, indicator, expression, scale, unit, "
      "approximate, note FROM report_template_lines ORDER BY template, edition, position";
  return s.Run([&]() -> absl::StatusOr<std::vector<TemplateRow>> {
    auto rs = s.Query(kSql);
    std::vector<TemplateRow> rows;
    while (rs->next()) {
      TemplateRow r;
      r.line.set_template_(storage::GetString(*rs, 1));
      r.line.set_edition(storage::GetString(*rs, 2));
      r.line.set_section(storage::GetString(*rs, 3));
      r.line.set_line(storage::GetString(*rs, 4));
      r.line.set_column(storage::GetString(*rs, 5));
      r.line.set_indicator(storage::GetString(*rs, 6));
      r.line.set_expression(storage::GetString(*rs, 7));
      r.scale = rs->getDouble(8);
      r.line.set_unit(storage::GetString(*rs, 9));
      r.line.set_approximate(rs->getBoolean(10));
      r.line.set_note(storage::GetString(*rs, 11));
      rows.push_back(std::move(r));
    }
    return rows;
  });
}

// A line's value: the sum of the figures its expression names, divided by its scale.
void Evaluate(const TemplateRow& row, const google::protobuf::RepeatedPtrField<v1::Figure>& figs,
              v1::TemplateLine* out) {
  *out = row.line;
  if (row.line.expression().empty() || row.scale == 0) return;
  std::map<std::string, const v1::Figure*> by_key;
  for (const v1::Figure& f : figs) by_key[f.key()] = &f;
  double sum = 0;
  for (absl::string_view term : absl::StrSplit(row.line.expression(), '+')) {
    const std::string key(absl::StripAsciiWhitespace(term));
    auto it = by_key.find(key);
    if (it == by_key.end()) continue;  // no such figure in this review: nothing to add
    const v1::Figure& f = *it->second;
    if (f.has_money()) {
      sum += static_cast<double>(f.money().units()) + f.money().nanos() / 1e9;
    } else if (f.value_case() == v1::Figure::kCount) {
      sum += static_cast<double>(f.count());
    } else if (f.value_case() == v1::Figure::kRatio) {
      sum += f.ratio();
    }
  }
  out->set_amount(sum / row.scale);
}

}  // namespace

absl::StatusOr<Period> PeriodOf(int32_t year, const google::type::Date& start,
                                const google::type::Date& end, absl::CivilDay today) {
  const bool has_days = start.year() != 0 || end.year() != 0;
  Period p;
  if (year != 0) {
    if (has_days) {
      return api::InvalidField("year", "give a year or start_date and end_date, not both");
    }
    if (year < 1900 || year > today.year()) {
      return api::InvalidField("year", absl::StrCat("must be from 1900 to ", today.year(),
                                                    " (the current year), got ", year));
    }
    p.start = absl::CivilDay(year, 1, 1);
    p.end = absl::CivilDay(year, 12, 31);
    return p;
  }
  if (!has_days) return api::InvalidField("year", "is required (or start_date and end_date)");
  api::FieldViolations v;
  if (start.year() == 0) v.Add("start_date", "is required with end_date");
  if (end.year() == 0) v.Add("end_date", "is required with start_date");
  if (!v.empty()) return v.ToStatus();
  api::CheckDate(v, "start_date", true, start);
  api::CheckDate(v, "end_date", true, end);
  if (v.empty() && start.year() < 1900) v.Add("start_date", "must not be before 1900");
  if (!v.empty()) return v.ToStatus();
  p.start = ToCivilDay(start);
  p.end = ToCivilDay(end);
  if (p.end < p.start) return api::InvalidField("end_date", "must not be before start_date");
  if (p.end - p.start >= kMaxDays) {
    return api::InvalidField("end_date",
                             absl::StrCat("the period may span at most ", kMaxDays, " days"));
  }
  if (p.start > today) {
    return api::InvalidField("start_date", "the period has not begun yet");
  }
  return p;
}

absl::StatusOr<v1::NetworkReview> Build(storage::ConnectionPool& pool, const api::Call& call,
                                        const std::string& library, const Period& period) {
  const absl::Time now = absl::Now();
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  nr::Frame frame;
  frame.start = period.start;
  frame.end = period.end;
  frame.at_end = std::min(period.end, today);
  std::vector<Library> libraries;
  nr::Collected collected;
  std::vector<TemplateRow> template_rows;
  const std::string parent = api::LibraryName(library);
  absl::Status ok = storage::RunRead(
      pool,
      [&](storage::Session& s) -> absl::Status {
        absl::Status in_scope = storage::scope::Check(s, call.principal(), library, parent);
        if (!in_scope.ok()) return in_scope;
        // A library closed before the period began has nothing to report (no zone's day
        // begins more than 14 hours before UTC's).
        auto subtree = storage::library_tree::Subtree(
            s, library, absl::FromCivil(period.start, absl::UTCTimeZone()) - absl::Hours(14));
        if (!subtree.ok()) return subtree.status();
        libraries = *std::move(subtree);
        std::map<std::string, nr::Frame::Instants> zones;
        frame.libraries.clear();
        for (const Library& l : libraries) {
          frame.libraries.push_back(l.id);
          absl::TimeZone zone;
          std::string zone_name = l.time_zone.empty() ? "UTC" : l.time_zone;
          if (!absl::LoadTimeZone(zone_name, &zone)) {
            return api::Error(absl::StatusCode::kFailedPrecondition, "TIME_ZONE_UNKNOWN",
                              absl::StrCat("the time zone ", api::Quote(zone_name), " of ",
                                           api::LibraryName(l.id), " does not load"));
          }
          nr::Frame::Instants& in = zones[zone_name];
          in.zone = zone_name;
          in.begin = absl::FromCivil(period.start, zone);
          in.end = absl::FromCivil(period.end + 1, zone);
          in.at_end = std::min(absl::FromCivil(frame.at_end + 1, zone), now);
          in.libraries.push_back(l.id);
        }
        frame.instants.clear();
        for (auto& [name, in] : zones) frame.instants.push_back(std::move(in));
        // A second connection, when the pool has one to spare at once, runs the largest
        // scans alongside.
        auto second =
            pool.Checkout(std::min(call.deadline(), absl::Now() + absl::Milliseconds(50)));
        auto c = nr::Collect(s, frame, second.ok() ? &**second : nullptr);
        if (!c.ok()) return c.status();
        collected = *std::move(c);
        auto t = TemplateLines(s);
        if (!t.ok()) return t.status();
        template_rows = *std::move(t);
        return absl::OkStatus();
      },
      call.deadline());
  if (!ok.ok()) return ok;

  // Roll up: the whole subtree, the parent's own rows, each child's subtree. The subtree lists
  // every parent before its children, so one pass finds the child of the root each library
  // lies under (one whose parent was left out, closed before the period, goes under that
  // parent, which is never shown).
  std::map<std::string, std::string> top;  // library -> the child of the root it lies under
  std::map<std::string, int> child_count;
  std::vector<const Library*> direct;  // the root's children
  for (const Library& l : libraries) {
    if (l.id == library) continue;
    auto above = top.find(l.parent_id);
    const std::string under = l.parent_id == library ? l.id
                              : above != top.end()   ? above->second
                                                     : l.parent_id;
    top[l.id] = under;
    ++child_count[under];
    if (under == l.id) direct.push_back(&l);
  }
  Sums whole;
  Sums own;
  std::map<std::string, Sums> children;
  for (const auto& [lib, sums] : collected.sums) {
    AddInto(sums, whole);
    if (lib == library) {
      AddInto(sums, own);
    } else {
      AddInto(sums, children[top[lib]]);
    }
  }

  std::vector<std::string> months;
  for (absl::CivilMonth m = absl::CivilMonth(period.start); m <= absl::CivilMonth(period.end);
       ++m) {
    months.push_back(
        absl::FormatTime("%Y-%m", absl::FromCivil(m, absl::UTCTimeZone()), absl::UTCTimeZone()));
  }
  const std::vector<std::string> fixed = FixedKeys();

  v1::NetworkReview review;
  review.set_parent(parent);
  review.set_display_name(libraries.front().display_name);
  ToProtoDate(period.start, review.mutable_start_date());
  ToProtoDate(period.end, review.mutable_end_date());
  ToProtoDate(frame.at_end, review.mutable_at_date());
  api::ToTimestamp(now, review.mutable_build_time());
  review.set_library_count(static_cast<int32_t>(libraries.size()));
  Fill(whole, fixed, months, /*projects=*/true, /*labels=*/true, collected,
       review.mutable_figures());
  auto entry = [&](const Library& l, v1::LibraryFigures::Extent extent, int count,
                   const Sums& sums) {
    v1::LibraryFigures* e = review.add_libraries();
    e->set_library(api::LibraryName(l.id));
    e->set_display_name(l.display_name);
    e->set_extent(extent);
    e->set_library_count(count);
    // Closed within the period (one closed later was open all through it).
    e->set_deleted(l.delete_time.has_value() &&
                   *l.delete_time < absl::FromCivil(period.end + 1, absl::UTCTimeZone()));
    Fill(sums, fixed, months, /*projects=*/false, /*labels=*/false, collected,
         e->mutable_figures());
  };
  entry(libraries.front(), v1::LibraryFigures::OWN, 1, own);
  // The children by name, as a reader looks them up.
  std::sort(direct.begin(), direct.end(), [](const Library* a, const Library* b) {
    return std::tie(a->display_name, a->id) < std::tie(b->display_name, b->id);
  });
  for (const Library* l : direct) {
    static const Sums kNone;
    auto it = children.find(l->id);
    entry(*l, v1::LibraryFigures::SUBTREE, child_count[l->id],
          it == children.end() ? kNone : it->second);
  }
  for (const nr::QueryRun& q : collected.queries) {
    v1::ReviewQuery* out = review.add_queries();
    out->set_id(q.id);
    out->set_description(q.description);
    out->set_sql_sha256(absl::BytesToHexString(api::Sha256(Canonical(q.sql))));
    for (const std::string& f : q.filters) out->add_filters(f);
  }
  for (const TemplateRow& row : template_rows) {
    Evaluate(row, review.figures(), review.add_template_lines());
  }
  return review;
}

std::vector<v1::FigureChange> Differences(const v1::NetworkReview& approved,
                                          const v1::NetworkReview& current) {
  using Entry = std::pair<std::string, int>;  // library, extent ("" for the whole subtree)
  std::map<Entry, std::map<std::string, const v1::Figure*>> a, b;
  auto index = [](const v1::NetworkReview& r, auto& into) {
    for (const v1::Figure& f : r.figures()) into[{"", 0}][f.key()] = &f;
    for (const v1::LibraryFigures& l : r.libraries()) {
      for (const v1::Figure& f : l.figures()) into[{l.library(), l.extent()}][f.key()] = &f;
    }
  };
  index(approved, a);
  index(current, b);
  std::set<Entry> entries;
  for (const auto& [e, _] : a) entries.insert(e);
  for (const auto& [e, _] : b) entries.insert(e);
  auto same = [](const v1::Figure& x, const v1::Figure& y) {
    if (x.value_case() != y.value_case()) return false;
    switch (x.value_case()) {
      case v1::Figure::kCount:
        return x.count() == y.count();
      case v1::Figure::kMoney:
        return x.money().currency_code() == y.money().currency_code() &&
               x.money().units() == y.money().units() && x.money().nanos() == y.money().nanos();
      case v1::Figure::kRatio:
        return x.ratio() == y.ratio();
      default:
        return true;
    }
  };
  std::vector<v1::FigureChange> out;
  for (const Entry& e : entries) {
    const auto& fa = a[e];
    const auto& fb = b[e];
    std::set<std::string> keys;
    for (const auto& [k, _] : fa) keys.insert(k);
    for (const auto& [k, _] : fb) keys.insert(k);
    for (const std::string& k : keys) {
      auto x = fa.find(k);
      auto y = fb.find(k);
      if (x != fa.end() && y != fb.end() && same(*x->second, *y->second)) continue;
      v1::FigureChange c;
      c.set_library(e.first);
      c.set_extent(static_cast<v1::LibraryFigures::Extent>(e.second));
      c.set_key(k);
      if (x != fa.end()) *c.mutable_approved() = *x->second;
      if (y != fb.end()) *c.mutable_current() = *y->second;
      out.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace allies::services::review
