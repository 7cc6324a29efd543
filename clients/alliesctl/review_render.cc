#include "clients/alliesctl/review_render.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "api/proto_time.h"
#include "clients/alliesctl/output.h"

namespace allies::ctl {
namespace {

struct Section {
  const char* prefix;
  const char* title;
};

// The review's sections, in the order the analytical review reads.
const std::vector<Section>& Sections() {
  static const auto* s = new std::vector<Section>{
      {"partners.", "Социальное партнёрство: партнёры"},
      {"agreements.", "Социальное партнёрство: соглашения"},
      {"interactions.", "Взаимодействия"},
      {"volunteers.", "Волонтёрство: волонтёры"},
      {"hours.", "Волонтёрство: часы"},
      {"signups.", "Волонтёрство: записи на смены"},
      {"governance.", "Общественные и наблюдательные советы"},
      {"consents.", "Защита персональных данных: согласия"},
      {"destructions.", "Защита персональных данных: уничтожение"},
  };
  return *s;
}

// The drill-down's columns: the headline figures per library.
const std::vector<std::pair<const char*, const char*>>& Headline() {
  static const auto* h = new std::vector<std::pair<const char*, const char*>>{
      {"partners.total", "Партнёры"},
      {"agreements.in_force", "Действующие соглашения"},
      {"volunteers.active", "Активные волонтёры"},
      {"hours.approved_minutes", "Часы"},
      {"signups.no_show_rate", "Неявки"},
      {"interactions.total", "Взаимодействия"},
      {"consents.withdrawn", "Отзывы согласий"},
  };
  return *h;
}

// Minutes as hours ("12.5").
std::string Hours(int64_t minutes) {
  return minutes % 60 == 0 ? absl::StrCat(minutes / 60) : absl::StrFormat("%.1f", minutes / 60.0);
}

std::string Value(const v1::Figure& f) {
  if (f.key() == "hours.approved_minutes" || absl::StartsWith(f.key(), "hours.by_")) {
    return f.value_case() == v1::Figure::kCount ? absl::StrCat(Hours(f.count()), " ч") : "—";
  }
  return FigureValue(f);
}

std::map<std::string, const v1::Figure*> ByKey(
    const google::protobuf::RepeatedPtrField<v1::Figure>& figures) {
  std::map<std::string, const v1::Figure*> out;
  for (const v1::Figure& f : figures) out[f.key()] = &f;
  return out;
}

std::string EntryName(const v1::LibraryFigures& e) {
  std::string name = e.display_name().empty() ? e.library() : e.display_name();
  if (e.extent() == v1::LibraryFigures::OWN) absl::StrAppend(&name, " (только собственные данные)");
  if (e.extent() == v1::LibraryFigures::SUBTREE && e.library_count() > 1) {
    absl::StrAppend(&name, " (", e.library_count(), " библ.)");
  }
  if (e.deleted()) absl::StrAppend(&name, " [закрыта]");
  return name;
}

// A horizontal bar chart: one bar per (label, value), scaled to the largest.
std::string BarChart(const std::string& title,
                     const std::vector<std::pair<std::string, double>>& bars,
                     const std::string& unit) {
  double max = 0;
  for (const auto& [label, value] : bars) max = std::max(max, value);
  constexpr int kRow = 22;
  constexpr int kLabel = 230;
  constexpr int kBar = 380;
  const int height = static_cast<int>(bars.size()) * kRow + 10;
  std::string svg = absl::StrCat("<figure><figcaption>", HtmlEscape(title),
                                 "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" "
                                 "role=\"img\" width=\"",
                                 kLabel + kBar + 120, "\" height=\"", height, "\">");
  int y = 5;
  for (const auto& [label, value] : bars) {
    // A month's net may be negative (corrections): its bar is empty, its number shown.
    const int width = max > 0 && value > 0 ? static_cast<int>(value / max * kBar) : 0;
    const std::string shown =
        unit == "ч" ? absl::StrFormat("%.1f", value) : absl::StrCat(static_cast<int64_t>(value));
    absl::StrAppend(&svg, "<text x=\"", kLabel - 6, "\" y=\"", y + 15, "\" text-anchor=\"end\">",
                    HtmlEscape(label), "</text><rect class=\"bar\" x=\"", kLabel, "\" y=\"", y + 3,
                    "\" width=\"", width, "\" height=\"", kRow - 6, "\"><title>", HtmlEscape(label),
                    ": ", shown, "</title></rect><text x=\"", kLabel + width + 6, "\" y=\"", y + 15,
                    "\">", shown, " ", HtmlEscape(unit), "</text>");
    y += kRow;
  }
  absl::StrAppend(&svg, "</svg></figure>\n");
  return svg;
}

}  // namespace

std::string FigureValue(const v1::Figure& f) {
  switch (f.value_case()) {
    case v1::Figure::kCount:
      return absl::StrCat(f.count());
    case v1::Figure::kMoney:
      return FormatMoney(f.money());
    case v1::Figure::kRatio:
      return absl::StrFormat("%.1f%%", f.ratio() * 100);
    default:
      return "—";
  }
}

std::string ReviewTable(const v1::NetworkReview& review, size_t table_width) {
  std::string out = absl::StrCat(
      review.display_name(), " (", review.parent(), "), ", api::FormatDate(review.start_date()),
      " — ", api::FormatDate(review.end_date()), ", на ", api::FormatDate(review.at_date()),
      "; библиотек: ", review.library_count(), "\n\n");
  Table figures{{"РАЗДЕЛ", "ПОКАЗАТЕЛЬ", "ЗНАЧЕНИЕ", "КЛЮЧ"}, {}};
  for (const Section& s : Sections()) {
    for (const v1::Figure& f : review.figures()) {
      if (!absl::StartsWith(f.key(), s.prefix)) continue;
      if (absl::StartsWith(f.key(), "hours.by_project_month.")) continue;  // in csv, json, html
      figures.rows.push_back({s.title, f.label(), Value(f), f.key()});
    }
  }
  absl::StrAppend(&out, RenderTable(figures, table_width), "\n");
  Table drill{{"БИБЛИОТЕКА"}, {}};
  for (const auto& [key, title] : Headline()) drill.headers.push_back(title);
  for (const v1::LibraryFigures& e : review.libraries()) {
    auto by = ByKey(e.figures());
    std::vector<std::string> row{EntryName(e)};
    for (const auto& [key, title] : Headline()) {
      auto it = by.find(key);
      row.push_back(it == by.end() ? "—" : Value(*it->second));
    }
    drill.rows.push_back(std::move(row));
  }
  absl::StrAppend(&out, RenderTable(drill, table_width));
  if (!review.template_lines().empty()) {
    Table lines{{"ФОРМА", "РАЗДЕЛ/СТРОКА/ГРАФА", "ПОКАЗАТЕЛЬ", "ЗНАЧЕНИЕ", "ПРИМЕЧАНИЕ"}, {}};
    for (const v1::TemplateLine& l : review.template_lines()) {
      lines.rows.push_back({absl::StrCat(l.template_(), " (", l.edition(), ")"),
                            absl::StrCat(l.section(), "/", l.line(), "/", l.column()),
                            l.indicator(),
                            l.has_amount() ? absl::StrFormat("%.3f %s%s", l.amount(), l.unit(),
                                                             l.approximate() ? " (прибл.)" : "")
                                           : "—",
                            l.note()});
    }
    absl::StrAppend(&out, "\n", RenderTable(lines, table_width));
  }
  return out;
}

std::string ReviewCsv(const v1::NetworkReview& review) {
  Table t{{"section", "key", "label", "query", "whole"}, {}};
  std::vector<std::map<std::string, const v1::Figure*>> entries;
  for (const v1::LibraryFigures& e : review.libraries()) {
    t.headers.push_back(EntryName(e));
    entries.push_back(ByKey(e.figures()));
  }
  for (const v1::Figure& f : review.figures()) {
    std::vector<std::string> row{f.key().substr(0, f.key().find('.')), f.key(), f.label(),
                                 f.query(), FigureValue(f)};
    for (const auto& by : entries) {
      auto it = by.find(f.key());
      row.push_back(it == by.end() ? "" : FigureValue(*it->second));
    }
    t.rows.push_back(std::move(row));
  }
  return RenderCsv(t);
}

std::string ReviewHtml(const v1::NetworkReview& review, const std::string& title) {
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\"><title>", HtmlEscape(title),
      " — ", HtmlEscape(review.display_name()),
      "</title><style>"
      "body{font-family:sans-serif;margin:2em;max-width:72em;color:#222}"
      "table{border-collapse:collapse;margin:.5em 0 1.5em}"
      "td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}"
      "td.n{text-align:right;white-space:nowrap}th{background:#eee}"
      "rect.bar{fill:#3b6ea5}svg text{font-size:12px}figcaption{font-weight:bold}"
      "code{font-size:90%;color:#555}"
      "</style></head><body>\n<h1>",
      HtmlEscape(title), "</h1>\n<p>", HtmlEscape(review.display_name()), " (<code>",
      HtmlEscape(review.parent()), "</code>). Период: ", api::FormatDate(review.start_date()),
      " — ", api::FormatDate(review.end_date()), ", состояние на ",
      api::FormatDate(review.at_date()), ". Библиотек в сети: <span id=\"library-count\">",
      review.library_count(),
      "</span>. Построен: ", HtmlEscape(FormatTimestamp(review.build_time())), "</p>\n");
  // Charts: hours by month, partners by kind.
  std::vector<std::pair<std::string, double>> months, kinds;
  for (const v1::Figure& f : review.figures()) {
    if (absl::StartsWith(f.key(), "hours.by_month.")) {
      months.emplace_back(f.key().substr(sizeof("hours.by_month.") - 1), f.count() / 60.0);
    } else if (absl::StartsWith(f.key(), "partners.by_kind.")) {
      std::string label = f.label();
      const size_t colon = label.find(": ");
      if (colon != std::string::npos) label = label.substr(colon + 2);
      kinds.emplace_back(label, static_cast<double>(f.count()));
    }
  }
  absl::StrAppend(&html, "<section id=\"charts\">",
                  BarChart("Подтверждённые часы волонтёров по месяцам", months, "ч"),
                  BarChart("Партнёры по типу", kinds, "орг."), "</section>\n");
  for (const Section& s : Sections()) {
    absl::StrAppend(&html, "<h2>", HtmlEscape(s.title),
                    "</h2>\n<table><tr><th>Показатель</th>"
                    "<th>Значение</th><th>Ключ</th></tr>\n");
    for (const v1::Figure& f : review.figures()) {
      if (!absl::StartsWith(f.key(), s.prefix)) continue;
      absl::StrAppend(&html, "<tr><td>", HtmlEscape(f.label()), "</td><td class=\"n\" data-key=\"",
                      HtmlEscape(f.key()), "\">", HtmlEscape(Value(f)), "</td><td><code>",
                      HtmlEscape(f.key()), "</code></td></tr>\n");
    }
    absl::StrAppend(&html, "</table>\n");
  }
  absl::StrAppend(&html,
                  "<h2>По библиотекам сети</h2>\n<table id=\"drill-down\"><tr>"
                  "<th>Библиотека</th>");
  for (const auto& [key, t] : Headline()) absl::StrAppend(&html, "<th>", HtmlEscape(t), "</th>");
  absl::StrAppend(&html, "</tr>\n");
  for (const v1::LibraryFigures& e : review.libraries()) {
    auto by = ByKey(e.figures());
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(EntryName(e)), "</td>");
    for (const auto& [key, t] : Headline()) {
      auto it = by.find(key);
      absl::StrAppend(&html, "<td class=\"n\">",
                      it == by.end() ? "—" : HtmlEscape(Value(*it->second)), "</td>");
    }
    absl::StrAppend(&html, "</tr>\n");
  }
  absl::StrAppend(&html, "</table>\n");
  if (!review.template_lines().empty()) {
    absl::StrAppend(&html,
                    "<h2>Строки статистических форм</h2>\n<table><tr><th>Форма</th>"
                    "<th>Раздел / строка / графа</th><th>Показатель</th><th>Значение</th>"
                    "<th>Примечание</th></tr>\n");
    for (const v1::TemplateLine& l : review.template_lines()) {
      absl::StrAppend(
          &html, "<tr><td>", HtmlEscape(l.template_()), " (", HtmlEscape(l.edition()), ")</td><td>",
          HtmlEscape(absl::StrCat(l.section(), " / ", l.line(), " / ", l.column())), "</td><td>",
          HtmlEscape(l.indicator()), "</td><td class=\"n\">",
          l.has_amount() ? HtmlEscape(absl::StrFormat("%.3f %s", l.amount(), l.unit())) : "—",
          l.approximate() ? " (прибл.)" : "", "</td><td>", HtmlEscape(l.note()), "</td></tr>\n");
    }
    absl::StrAppend(&html, "</table>\n");
  }
  absl::StrAppend(&html,
                  "<details><summary>Откуда взяты показатели (запросы и фильтры)</summary>"
                  "<ul>\n");
  for (const v1::ReviewQuery& q : review.queries()) {
    absl::StrAppend(&html, "<li><code>", HtmlEscape(q.id()),
                    "</code>: ", HtmlEscape(q.description()), " <code>sha256 ",
                    HtmlEscape(q.sql_sha256().substr(0, 12)), "</code><br><small>",
                    HtmlEscape(absl::StrJoin(q.filters(), "; ")), "</small></li>\n");
  }
  absl::StrAppend(&html, "</ul></details>\n</body></html>\n");
  return html;
}

}  // namespace allies::ctl
