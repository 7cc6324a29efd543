#include "storage/network_review.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "allies/v1/activity.pb.h"
#include "allies/v1/agreement.pb.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/partner.pb.h"
#include "allies/v1/project.pb.h"
#include "allies/v1/supervisory_board.pb.h"
#include "allies/v1/volunteer.pb.h"
#include "storage/due.h"
#include "storage/governance_tables.h"
#include "storage/partnership_tables.h"
#include "storage/sql_time.h"
#include "storage/volunteer_tables.h"

namespace allies::storage::network_review {
namespace {

// A statement being written: its text and its arguments, in the order they appear.
struct Stmt {
  std::string sql;
  std::vector<SqlValue> params;

  Stmt& operator<<(absl::string_view text) {
    absl::StrAppend(&sql, text);
    return *this;
  }
  Stmt& Bind(SqlValue value) {
    sql += "?";
    params.push_back(std::move(value));
    return *this;
  }
};

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

// What binds a statement to the frame.
class Binder {
 public:
  explicit Binder(const Frame& frame) : frame_(frame) {}
  const Frame& frame() const { return frame_; }

  // `column` IN (the subtree's libraries).
  void Libraries(Stmt& s, absl::string_view column) const {
    s << column << " IN (";
    for (size_t i = 0; i < frame_.libraries.size(); ++i) {
      if (i > 0) s << ", ";
      s.Bind(frame_.libraries[i]);
    }
    s << ")";
  }
  enum class Which { kBegin, kEnd, kAtEnd };
  // The instant the period begins at, ends at, or its day "at the end" ends at, for the row's
  // library (`library_column`).
  void Instant(Stmt& s, absl::string_view library_column, Which which) const {
    auto value = [&](const Frame::Instants& in) {
      return which == Which::kBegin ? in.begin : which == Which::kEnd ? in.end : in.at_end;
    };
    if (frame_.instants.size() == 1) {
      s.Bind(value(frame_.instants[0]));
      return;
    }
    s << "(CASE";
    for (const Frame::Instants& in : frame_.instants) {
      s << " WHEN " << library_column << " IN (";
      for (size_t i = 0; i < in.libraries.size(); ++i) {
        if (i > 0) s << ", ";
        s.Bind(in.libraries[i]);
      }
      s << ") THEN ";
      s.Bind(value(in));
    }
    s << " END)";
  }
  // `column` (a UTC time) falls within the library's local period.
  void Within(Stmt& s, absl::string_view column, absl::string_view library_column) const {
    s << "(" << column << " >= ";
    Instant(s, library_column, Which::kBegin);
    s << " AND " << column << " < ";
    Instant(s, library_column, Which::kEnd);
    s << ")";
  }
  // `column` (a UTC time) comes before the library's local period ends.
  void BeforeEnd(Stmt& s, absl::string_view column, absl::string_view library_column) const {
    s << "(" << column << " < ";
    Instant(s, library_column, Which::kEnd);
    s << ")";
  }

  std::vector<std::string> Filters() const {
    std::vector<std::string> out{absl::StrCat("libraries: ", absl::StrJoin(frame_.libraries, ", ")),
                                 absl::StrCat("days: ", Day(frame_.start), " .. ", Day(frame_.end)),
                                 absl::StrCat("at the end: ", Day(frame_.at_end))};
    for (const Frame::Instants& in : frame_.instants) {
      out.push_back(absl::StrCat("instants (", in.zone, "): [", ToSqlDatetime(in.begin), ", ",
                                 ToSqlDatetime(in.end), ") UTC for ",
                                 absl::StrJoin(in.libraries, ", ")));
    }
    return out;
  }

 private:
  const Frame& frame_;
};

absl::int128 ParseInt128(const std::string& text) {
  absl::int128 value = 0;
  bool negative = false;
  for (char c : text) {
    if (c == '-') {
      negative = true;
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      value = value * 10 + (c - '0');
    } else {
      break;  // a decimal point: the sums are whole
    }
  }
  return negative ? -value : value;
}

// Runs the queries into `out`.
class Collector {
 public:
  Collector(Session& session, const Frame& frame, Collected* out)
      : session_(session), bind_(frame), out_(out) {}

  // Runs `stmt` as query `id`; `row` adds each result row's sums through Add.
  template <typename RowFn>
  void Run(const std::string& id, const std::string& description, const Stmt& stmt, RowFn row) {
    out_->queries.push_back({id, description, stmt.sql, bind_.Filters()});
    current_ = id;
    try {
      auto rs = session_.QueryValues(stmt.sql, stmt.params);
      while (rs->next()) row(*rs);
    } catch (const sql::SQLException& e) {
      // The error names the query.
      throw sql::SQLException(absl::StrCat("query ", id, ": ", e.what()), e.getSQLStateCStr(),
                              e.getErrorCode());
    }
  }
  void Add(const std::string& library, const std::string& key, absl::int128 value) {
    out_->sums[library][key] += value;
    out_->key_query.emplace(key, current_);
  }
  const Binder& bind() const { return bind_; }

 private:
  Session& session_;
  Binder bind_;
  Collected* out_;
  std::string current_;
};

int64_t Int(sql::ResultSet& rs, unsigned column) { return rs.getInt64(column); }

template <typename Name>
std::string EnumKey(Name name, int value) {
  std::string n = name(value);
  return n.empty() ? absl::StrCat(value) : n;
}

void Partners(Collector& c) {
  const Binder& b = c.bind();
  Stmt s;
  s << "SELECT t.library_id, t.kind, t.state, COUNT(*), COALESCE(SUM(";
  b.Within(s, "t.create_time", "t.library_id");
  s << "), 0) FROM partners t WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.delete_time IS NULL AND ";
  b.BeforeEnd(s, "t.create_time", "t.library_id");
  s << " GROUP BY t.library_id, t.kind, t.state";
  c.Run("partners@1",
        "Live partners created before the period's end (total, by kind, by state as it is now) "
        "and those created in the period (new).",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          const int64_t n = Int(rs, 4);
          c.Add(lib, "partners.total", n);
          c.Add(lib, "partners.new", Int(rs, 5));
          c.Add(lib, "partners.by_kind." + EnumKey(v1::Partner::Kind_Name<int>, rs.getInt(2)), n);
          c.Add(lib, "partners.by_state." + EnumKey(v1::Partner::State_Name<int>, rs.getInt(3)), n);
        });
}

void SupportForms(Collector& c) {
  const Binder& b = c.bind();
  Stmt f;
  // From the subtree's partners to their forms (the other way round read every library's
  // forms); a partner lists a form once, so rows count partners.
  f << "SELECT t.library_id, CAST(v.value AS SIGNED) AS form, COUNT(*) FROM partners t "
       "STRAIGHT_JOIN resource_values v ON v.collection = 'partners' AND v.library_id = "
       "t.library_id AND v.owner_id = t.id AND v.field = 'support_forms' WHERE ";
  b.Libraries(f, "t.library_id");
  f << " AND t.delete_time IS NULL AND ";
  b.BeforeEnd(f, "t.create_time", "t.library_id");
  f << " GROUP BY t.library_id, form";
  c.Run("partners.support_forms@1",
        "Live partners created before the period's end, by the "
        "forms of support they give.",
        f, [&](sql::ResultSet& rs) {
          c.Add(GetString(rs, 1),
                "partners.by_support_form." +
                    EnumKey(v1::Partner::SupportForm_Name<int>, rs.getInt(2)),
                Int(rs, 3));
        });
}

void Agreements(Collector& c) {
  const Binder& b = c.bind();
  // When a TERMINATED agreement was terminated: its TERMINATE entry in the activity log.
  // (Looked up for TERMINATED rows only, in the agreement's own library, where a resource's
  // entries are: activities_by_resource leads with library_id, and without it each lookup read
  // the whole log, a million SYSTEM rows per terminated agreement in bench/review_bench. One
  // without its entry, as imported data may be, was terminated when it last changed: a
  // terminated agreement changes no more.)
  const std::string terminated_at =
      "(CASE WHEN t.state = 4 THEN COALESCE((SELECT MIN(a.create_time) FROM activities a WHERE "
      "a.library_id = t.library_id AND a.resource = CONCAT('libraries/', t.library_id, "
      "'/agreements/', t.id) AND a.kind = 1 AND a.verb = 'TERMINATE'), t.update_time) END)";
  Stmt s;
  s << "SELECT t.library_id, t.kind, COALESCE(SUM(" << AgreementInForceOnSql("@review_at_end")
    << " AND NOT (t.state = 4 AND COALESCE(" << terminated_at << " < ";
  b.Instant(s, "t.library_id", Binder::Which::kEnd);
  s << ", FALSE))), 0), COALESCE(SUM(t.state <> 1 AND t.sign_date BETWEEN @review_start AND "
       "@review_end), 0), "
       "COALESCE(SUM("
    << kAgreementStateSql << " = 5 AND t.end_date BETWEEN @review_start AND @review_end), 0), "
    << "COALESCE(SUM(t.state = 4 AND COALESCE(" << terminated_at << " >= ";
  b.Instant(s, "t.library_id", Binder::Which::kBegin);
  s << " AND " << terminated_at << " < ";
  b.Instant(s, "t.library_id", Binder::Which::kEnd);
  s << ", FALSE)), 0) FROM agreements t";
  s << " WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.delete_time IS NULL GROUP BY t.library_id, t.kind";
  c.Run("agreements@1",
        "Live agreements: in force at the end (active or suspended then, not yet terminated), "
        "signed in the period (not drafts), expired in the period without renewal (as read "
        "today), terminated in the period (by their TERMINATE entry in the activity log); "
        "each by kind.",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          const std::string kind = EnumKey(v1::Agreement::Kind_Name<int>, rs.getInt(2));
          const char* measures[] = {"in_force", "signed", "expired", "terminated"};
          for (unsigned i = 0; i < 4; ++i) {
            const int64_t n = Int(rs, 3 + i);
            c.Add(lib, absl::StrCat("agreements.", measures[i]), n);
            c.Add(lib, absl::StrCat("agreements.", measures[i], ".by_kind.", kind), n);
          }
        });

  Stmt m;
  m << "SELECT t.library_id, t.kind, JSON_VALUE(t.value, '$.currency_code') AS currency, "
       "CAST(SUM(CAST(COALESCE(JSON_VALUE(t.value, '$.units'), '0') AS DECIMAL(38, 0)) * "
       "1000000000 + CAST(COALESCE(JSON_VALUE(t.value, '$.nanos'), '0') AS DECIMAL(38, 0))) AS "
       "CHAR) FROM agreements t";
  m << " WHERE ";
  b.Libraries(m, "t.library_id");
  m << " AND t.delete_time IS NULL AND t.value <> '' AND t.state <> 1 AND t.sign_date BETWEEN "
       "@review_start AND @review_end GROUP BY t.library_id, t.kind, currency";
  c.Run("agreements.value@1",
        "The value of the agreements signed in the period (not drafts), by currency and kind.", m,
        [&](sql::ResultSet& rs) {
          if (rs.isNull(3)) return;
          const std::string lib = GetString(rs, 1);
          const std::string currency = GetString(rs, 3);
          const absl::int128 nanos = ParseInt128(GetString(rs, 4));
          c.Add(lib, "agreements.value_signed." + currency, nanos);
          c.Add(lib,
                absl::StrCat("agreements.value_signed.", currency, ".by_kind.",
                             EnumKey(v1::Agreement::Kind_Name<int>, rs.getInt(2))),
                nanos);
        });
}

void Volunteers(Collector& c) {
  const Binder& b = c.bind();
  Stmt s;
  s << "SELECT t.library_id, t.state, COUNT(*), COALESCE(SUM(";
  b.Within(s, "t.create_time", "t.library_id");
  s << "), 0), COALESCE(SUM(";
  b.Within(s, "t.create_time", "t.library_id");
  s << " AND t.birth_date > DATE_SUB(@review_at_end, INTERVAL 18 YEAR)), 0) FROM volunteers t";
  s << " WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.delete_time IS NULL AND ";
  b.BeforeEnd(s, "t.create_time", "t.library_id");
  s << " GROUP BY t.library_id, t.state";
  c.Run("volunteers@1",
        "Live volunteers registered before the period's end (by state as it is now), those "
        "registered in the period, and of them those under 18 at the end.",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          const int64_t n = Int(rs, 3);
          c.Add(lib, "volunteers.registered", n);
          c.Add(lib, "volunteers.by_state." + EnumKey(v1::Volunteer::State_Name<int>, rs.getInt(2)),
                n);
          c.Add(lib, "volunteers.new", Int(rs, 4));
          c.Add(lib, "volunteers.new_minors", Int(rs, 5));
        });
}

// A period cut into whole units (months or years) and the days left over at either end.
struct Cut {
  // The first and last whole unit, as numbers (202503 for a month, 2025 for a year); none when
  // the period holds no whole unit.
  std::optional<std::pair<int64_t, int64_t>> whole;
  std::vector<std::pair<absl::CivilDay, absl::CivilDay>> rest;  // both days included
};

template <typename Unit>
Cut CutPeriod(absl::CivilDay start, absl::CivilDay end, int64_t (*number)(Unit)) {
  Cut cut;
  Unit first(start);
  if (absl::CivilDay(first) != start) ++first;
  Unit last(end);
  if (Unit(end + 1) == last) --last;
  if (first > last) {
    cut.rest.emplace_back(start, end);
    return cut;
  }
  cut.whole.emplace(number(first), number(last));
  if (start < absl::CivilDay(first)) cut.rest.emplace_back(start, absl::CivilDay(first) - 1);
  if (absl::CivilDay(last + 1) <= end) cut.rest.emplace_back(absl::CivilDay(last + 1), end);
  return cut;
}

int64_t MonthNumber(absl::CivilMonth m) { return m.year() * 100 + m.month(); }
int64_t YearNumber(absl::CivilYear y) { return y.year(); }

// The body of a derived table: the rows of a summary (`summary_select`, aliased m) for the cut's
// whole units (its column `unit`), UNION ALL the approved hours rows (aliased t) of the days
// left over, selected by `rows_select` and grouped by `rows_group`.
void SummaryAndRows(Stmt& s, const Binder& b, const Cut& cut, absl::string_view summary_select,
                    absl::string_view unit, absl::string_view rows_select,
                    absl::string_view rows_group) {
  if (cut.whole) {
    s << summary_select << " WHERE ";
    b.Libraries(s, "m.library_id");
    s << " AND m." << unit << " BETWEEN ";
    s.Bind(cut.whole->first);
    s << " AND ";
    s.Bind(cut.whole->second);
    s << " AND m.entries > 0";
    if (!cut.rest.empty()) s << " UNION ALL ";
  }
  if (cut.rest.empty()) return;
  s << rows_select << " WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.state = 2 AND t.delete_time IS NULL AND (";
  for (size_t i = 0; i < cut.rest.size(); ++i) {
    if (i > 0) s << " OR ";
    s << "t.work_date BETWEEN CAST(";
    s.Bind(Day(cut.rest[i].first));
    s << " AS DATE) AND CAST(";
    s.Bind(Day(cut.rest[i].second));
    s << " AS DATE)";
  }
  s << ") GROUP BY " << rows_group;
}

void VolunteersActive(Collector& c) {
  const Binder& b = c.bind();
  const Cut cut = CutPeriod<absl::CivilYear>(b.frame().start, b.frame().end, YearNumber);
  Stmt a;
  a << "SELECT x.library_id, COUNT(*), COALESCE(SUM(v.birth_date > DATE_SUB(@review_at_end, "
       "INTERVAL 18 YEAR)), 0), COALESCE(SUM(v.birth_date > DATE_SUB(@review_at_end, INTERVAL 14 "
       "YEAR)), 0) FROM (SELECT u.library_id, u.volunteer_id FROM (";
  SummaryAndRows(a, b, cut, "SELECT m.library_id, m.volunteer_id, m.minutes FROM hours_yearly m",
                 "year",
                 "SELECT t.library_id, t.volunteer_id, SUM(t.minutes) AS minutes FROM hours t",
                 "t.library_id, t.volunteer_id");
  a << ") u GROUP BY u.library_id, u.volunteer_id HAVING SUM(u.minutes) > 0) x JOIN volunteers v "
       "ON v.library_id = x.library_id AND v.id = x.volunteer_id GROUP BY x.library_id";
  c.Run("volunteers.active@1",
        "Volunteers with approved hours worked in the period (a positive net), and of them those "
        "under 18 and under 14 at the end (erased volunteers have no birth date). Whole years "
        "are read from hours_yearly (the approved minutes by library, year and volunteer, kept "
        "by triggers on hours), the other days from the hours themselves.",
        a, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          c.Add(lib, "volunteers.active", Int(rs, 2));
          c.Add(lib, "volunteers.active_minors", Int(rs, 3));
          c.Add(lib, "volunteers.active_under_14", Int(rs, 4));
        });
}

void Hours(Collector& c) {
  const Binder& b = c.bind();
  const Cut cut = CutPeriod<absl::CivilMonth>(b.frame().start, b.frame().end, MonthNumber);
  Stmt s;
  // The month as a number (202503): grouping by it is cheaper than by a formatted string.
  s << "SELECT u.library_id, u.project, u.month, SUM(u.minutes), SUM(u.entries) FROM (";
  SummaryAndRows(
      s, b, cut,
      "SELECT m.library_id, m.project, m.month, m.minutes, m.entries FROM hours_monthly m", "month",
      "SELECT t.library_id, COALESCE(t.project, '') AS project, EXTRACT(YEAR_MONTH FROM "
      "t.work_date) AS month, SUM(t.minutes) AS minutes, COUNT(*) AS entries FROM hours t",
      "t.library_id, project, month");
  s << ") u GROUP BY u.library_id, u.project, u.month";
  c.Run("hours@1",
        "Approved hours entries worked in the period (corrections by their own day and project): "
        "minutes, by month and by project. Whole months are read from hours_monthly (the "
        "approved minutes and entries by library, month and project, kept by triggers on "
        "hours), the other days from the hours themselves.",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          std::string project = GetString(rs, 2);
          if (project.empty()) project = "none";
          const int64_t ym = Int(rs, 3);  // 202503
          const std::string month = absl::StrFormat("%04d-%02d", ym / 100, ym % 100);
          const int64_t minutes = Int(rs, 4);
          c.Add(lib, "hours.approved_minutes", minutes);
          c.Add(lib, "hours.entries", Int(rs, 5));
          c.Add(lib, "hours.by_month." + month, minutes);
          c.Add(lib, "hours.by_project." + project, minutes);
          c.Add(lib, absl::StrCat("hours.by_project_month.", project, ".", month), minutes);
        });
}

void Signups(Collector& c) {
  const Binder& b = c.bind();
  Stmt s;
  // Places: those of the sign-ups that held one (CONFIRMED, COMPLETED, NO_SHOW).
  s << "SELECT t.library_id, t.state, COUNT(*), COALESCE(SUM(IF(t.state IN (2, 4, 5), "
       "t.party_size, 0)), 0) FROM signups t "
       "JOIN shifts sh ON sh.library_id = t.library_id AND sh.project_id = t.project_id AND "
       "sh.id = t.shift_id WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.delete_time IS NULL AND sh.delete_time IS NULL AND ";
  b.Within(s, "sh.start_time", "sh.library_id");
  s << " GROUP BY t.library_id, t.state";
  c.Run("signups@1", "Live sign-ups for live shifts starting in the period: by state, and places.",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          const int64_t n = Int(rs, 3);
          c.Add(lib, "signups.total", n);
          c.Add(lib, "signups.places", Int(rs, 4));
          c.Add(lib, "signups.by_state." + EnumKey(v1::Signup::State_Name<int>, rs.getInt(2)), n);
        });
}

void Governance(Collector& c, const GovernanceTables& tables, const std::string& family) {
  const Binder& b = c.bind();
  const std::string p = tables.prefix;
  Stmt s;
  s << "SELECT x.library_id, x.kind, COUNT(*), COALESCE(SUM(x.seat_count), 0), "
       "COALESCE(SUM(x.members), 0), COALESCE(SUM(GREATEST(x.seat_count - x.members, 0)), 0), "
       "COALESCE(SUM(x.held), 0), COALESCE(SUM(x.required), 0), COALESCE(SUM(x.held < "
       "x.required), 0), COALESCE(SUM(x.no_quorum), 0), COALESCE(SUM(x.decisions), 0), "
       "COALESCE(SUM(x.overdue), 0) FROM (SELECT t.library_id, "
    << (p == "reader_council" ? "0" : "t.kind") << " AS kind, t.seat_count, (SELECT COUNT(*) FROM "
    << p
    << "_members m WHERE m.library_id = t.library_id AND m.body_id = t.id AND m.delete_time IS "
       "NULL AND "
    << GovernanceInOfficeSql("@review_at_end") << ") AS members, "
    << GovernanceMeetingsHeldSql(p, "@review_start", "@review_end")
    << " AS held, (SELECT COUNT(*) FROM " << p
    << "_meetings m WHERE m.library_id = t.library_id AND m.body_id = t.id AND m.delete_time IS "
       "NULL AND m.state IN (2, 3) AND m.meeting_date BETWEEN @review_start AND @review_end AND "
       "NOT m.quorum) AS "
       "no_quorum, "
    << GovernanceMeetingsRequiredSql("@review_start", "@review_at_end")
    << " AS required, (SELECT COUNT(*) FROM " << p
    << "_decisions d WHERE d.library_id = t.library_id AND d.body_id = t.id AND d.delete_time IS "
       "NULL AND d.decision_date BETWEEN @review_start AND @review_end) AS decisions, (SELECT "
       "COUNT(*) FROM "
    << p
    << "_action_items a WHERE a.library_id = t.library_id AND a.body_id = t.id AND "
       "a.delete_time IS NULL AND "
    << due::ActionItemOverdueOnSql("a", "@review_at_end") << ") AS overdue FROM " << p << "s t";
  s << " WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.delete_time IS NULL AND COALESCE(t.established_date, DATE(t.create_time)) <= "
       "@review_end"
       ") x GROUP BY x.library_id, x.kind";
  c.Run(absl::StrCat("governance.", family, "@1"),
        absl::StrCat("Live ", family,
                     " established by the period's end: seats, members in office at the end and "
                     "vacancies, meetings held in the period against those the rules require "
                     "by the end, held meetings without quorum, decisions in the period, action "
                     "items overdue at the end."),
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          std::string body = "reader_councils";
          if (p != "reader_council") {
            body = rs.getInt(2) == v1::SupervisoryBoard::TRUSTEE ? "trustee_boards"
                                                                 : "supervisory_boards";
          }
          const char* measures[] = {"bodies",        "seats",
                                    "members",       "vacancies",
                                    "meetings_held", "meetings_required",
                                    "bodies_behind", "quorum_failures",
                                    "decisions",     "action_items_overdue"};
          for (unsigned i = 0; i < 10; ++i) {
            c.Add(lib, absl::StrCat("governance.", body, ".", measures[i]), Int(rs, 3 + i));
          }
        });
}

void Consents(Collector& c) {
  const Binder& b = c.bind();
  Stmt s;
  s << "SELECT t.library_id, COALESCE(SUM(";
  b.Within(s, "COALESCE(t.given_time, t.create_time)", "t.library_id");
  s << "), 0), COALESCE(SUM(";
  b.Within(s, "COALESCE(t.given_time, t.create_time)", "t.library_id");
  s << " AND t.representative_relation <> 0), 0), COALESCE(SUM(t.withdraw_time IS NOT NULL AND ";
  b.Within(s, "t.withdraw_time", "t.library_id");
  s << "), 0), COALESCE(SUM(t.withdraw_time IS NOT NULL AND t.withdrawal_channel = 0 AND ";
  b.Within(s, "t.withdraw_time", "t.library_id");
  s << "), 0), COALESCE(SUM(";
  {
    // The condition names the instant more than once: its arguments go in once per use.
    Stmt end;
    b.Instant(end, "t.library_id", Binder::Which::kAtEnd);
    const std::string overdue = ConsentDestructionOverdueOnSql(end.sql);
    s << overdue;
    const size_t uses = static_cast<size_t>(std::count(overdue.begin(), overdue.end(), '?')) /
                        std::max<size_t>(end.params.size(), 1);
    for (size_t i = 0; i < uses; ++i) {
      s.params.insert(s.params.end(), end.params.begin(), end.params.end());
    }
  }
  s << "), 0) FROM consents t WHERE ";
  b.Libraries(s, "t.library_id");
  s << " GROUP BY t.library_id";
  c.Run("consents@1",
        "The consent ledger (everything, nothing is deleted): consents given in the period, of "
        "them by a representative; withdrawn in the period, of them by erasure; consents whose "
        "data was due for destruction and not destroyed at the period's end.",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          c.Add(lib, "consents.given", Int(rs, 2));
          c.Add(lib, "consents.given_by_representative", Int(rs, 3));
          c.Add(lib, "consents.withdrawn", Int(rs, 4));
          c.Add(lib, "consents.withdrawn_by_erasure", Int(rs, 5));
          c.Add(lib, "destructions.overdue_at_end", Int(rs, 6));
        });

  Stmt d;
  d << "SELECT t.library_id, t.reason, COUNT(*), COALESCE(SUM(t.overdue), 0) FROM destructions t "
       "WHERE ";
  b.Libraries(d, "t.library_id");
  d << " AND ";
  b.Within(d, "t.destroy_time", "t.library_id");
  d << " GROUP BY t.library_id, t.reason";
  c.Run("destructions@1",
        "Acts of destruction of personal data in the period, by reason, and those done later "
        "than a day after they were due.",
        d, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          const int64_t n = Int(rs, 3);
          c.Add(lib, "destructions.done", n);
          c.Add(lib,
                "destructions.done.by_reason." +
                    EnumKey(v1::DestructionRecord::Reason_Name<int>, rs.getInt(2)),
                n);
          c.Add(lib, "destructions.done_late", Int(rs, 4));
        });
}

void Interactions(Collector& c) {
  const Binder& b = c.bind();
  Stmt s;
  s << "SELECT t.library_id, t.kind, COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM "
       "resource_values v WHERE v.library_id = t.library_id AND v.collection = 'activities' AND "
       "v.owner_id = t.id AND v.field = 'related' AND v.value LIKE 'libraries/%/partners/%')), 0) "
       "FROM activities t WHERE ";
  b.Libraries(s, "t.library_id");
  s << " AND t.kind > 1 AND t.delete_time IS NULL AND ";
  b.Within(s, "t.occurred_time", "t.library_id");
  s << " GROUP BY t.library_id, t.kind";
  c.Run("interactions@1",
        "Interactions recorded by staff (not the system's entries) that occurred in the period, "
        "by kind, and those relating a partner.",
        s, [&](sql::ResultSet& rs) {
          const std::string lib = GetString(rs, 1);
          const int64_t n = Int(rs, 3);
          c.Add(lib, "interactions.total", n);
          c.Add(lib, "interactions.by_kind." + EnumKey(v1::Activity::Kind_Name<int>, rs.getInt(2)),
                n);
          c.Add(lib, "interactions.with_partners", Int(rs, 4));
        });
}

void ProjectTitles(Session& session, const Frame& frame, Collected* out) {
  Stmt s;
  s << "SELECT t.library_id, t.id, t.title FROM projects t WHERE ";
  Binder(frame).Libraries(s, "t.library_id");
  auto rs = session.QueryValues(s.sql, s.params);
  while (rs->next()) {
    out->project_titles[absl::StrCat("libraries/", GetString(*rs, 1), "/projects/",
                                     GetString(*rs, 2))] = GetString(*rs, 3);
  }
}

// Starts the snapshot the queries of `session` read, with the frame's days as variables.
void BeginSnapshot(Session& session, const Frame& frame) {
  session.ExecuteDirect("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  session.ExecuteDirect("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
  // The period's days and the day "at the end", which the queries (and the shared SQL they call
  // with a day) name as variables. (A derived table of them was lost by MariaDB 10.11 on a
  // prepared statement's second run: error 1054 in correlated subqueries.)
  session.Execute(
      "SET @review_start = CAST(? AS DATE), @review_end = CAST(? AS DATE), "
      "@review_at_end = CAST(? AS DATE)",
      Day(frame.start), Day(frame.end), Day(frame.at_end));
}

// The families read over the second connection: about half the time of all of them (the
// partners' support forms, the interactions and the hours: 480 ms of 950 in the database over
// bench/review_bench's network).
void SecondHalf(Collector& c) {
  SupportForms(c);
  Interactions(c);
  Hours(c);
}

void FirstHalf(Session& session, const Frame& frame, Collector& c, Collected* out,
               bool with_second_half) {
  Partners(c);
  Agreements(c);
  Volunteers(c);
  VolunteersActive(c);
  Signups(c);
  Governance(c, ReaderCouncilTables(), "reader_councils");
  Governance(c, SupervisoryBoardTables(), "supervisory_boards");
  Consents(c);
  if (!with_second_half) SecondHalf(c);
  ProjectTitles(session, frame, out);
}

}  // namespace

// By the longest prefix that names the key (the ids are those the queries above run as).
std::string QueryOfKey(const std::string& key) {
  static const auto* queries = new std::vector<std::pair<std::string, std::string>>{
      {"partners.by_support_form.", "partners.support_forms@1"},
      {"partners.", "partners@1"},
      {"agreements.value_signed.", "agreements.value@1"},
      {"agreements.", "agreements@1"},
      {"volunteers.active", "volunteers.active@1"},
      {"volunteers.", "volunteers@1"},
      {"hours.", "hours@1"},
      {"signups.", "signups@1"},
      {"governance.reader_councils.", "governance.reader_councils@1"},
      {"governance.", "governance.supervisory_boards@1"},
      {"consents.", "consents@1"},
      {"destructions.overdue_at_end", "consents@1"},
      {"destructions.", "destructions@1"},
      {"interactions.", "interactions@1"},
  };
  for (const auto& [prefix, query] : *queries) {
    if (absl::StartsWith(key, prefix)) return query;
  }
  return "";
}

absl::StatusOr<Collected> Collect(Session& session, const Frame& frame, Session* second) {
  Collected out;
  Collected more;
  absl::Status ok = session.Run([&]() -> absl::Status {
    BeginSnapshot(session, frame);
    return absl::OkStatus();
  });
  absl::Status second_ok = absl::OkStatus();
  std::thread other;
  if (ok.ok() && second != nullptr) {
    // Its snapshot starts right after the first one's: a change committed in between (a few
    // milliseconds) can be in one half's figures and not in the other's.
    second_ok = second->Run([&]() -> absl::Status {
      BeginSnapshot(*second, frame);
      return absl::OkStatus();
    });
    if (second_ok.ok()) {
      other = std::thread([&] {
        second_ok = second->Run([&]() -> absl::Status {
          Collector c(*second, frame, &more);
          SecondHalf(c);
          second->Commit();
          return absl::OkStatus();
        });
      });
    }
  }
  const bool split = other.joinable();
  if (ok.ok()) {
    ok = session.Run([&]() -> absl::Status {
      Collector c(session, frame, &out);
      FirstHalf(session, frame, c, &out, split);
      session.Commit();
      return absl::OkStatus();
    });
  }
  if (split) other.join();
  if (ok.ok() && !second_ok.ok()) ok = second_ok;
  if (!ok.ok()) {
    // A connection may be left inside its snapshot, or with its next transaction's isolation
    // level set: neither goes back to the pool.
    session.MarkBroken();
    if (second != nullptr) second->MarkBroken();
    return ok;
  }
  for (auto& [library, sums] : more.sums) {
    for (auto& [key, value] : sums) out.sums[library][key] += value;
  }
  out.key_query.insert(more.key_query.begin(), more.key_query.end());
  out.queries.insert(out.queries.end(), more.queries.begin(), more.queries.end());
  return out;
}

}  // namespace allies::storage::network_review
