#include "storage/governance_tables.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "allies/v1/governance.pb.h"
#include "allies/v1/reader_council.pb.h"
#include "allies/v1/supervisory_board.pb.h"

namespace allies::storage {

std::string GovernanceInOfficeSql(const std::string& day) {
  return absl::StrCat("(m.term_start_date <= ", day, " AND COALESCE(m.end_date, m.term_end_date, ",
                      "'9999-12-31') >= ", day, ")");
}

std::string GovernanceMeetingsHeldSql(const std::string& prefix, const std::string& from,
                                      const std::string& to) {
  return absl::StrCat("(SELECT COUNT(*) FROM ", prefix,
                      "_meetings m WHERE m.library_id = t.library_id AND m.body_id = t.id AND "
                      "m.delete_time IS NULL AND m.state IN (2, 3) AND m.meeting_date >= ",
                      from, " AND m.meeting_date <= ", to, ")");
}

std::string GovernanceMeetingsRequiredSql(const std::string& from, const std::string& to) {
  // The share of a year (the year from `from`) the body has existed by `to` (from `from`, or
  // from its establishment, or its creation, when later), times the meetings a year it must
  // hold. (From 1 January, a year's length is that year's number of days.)
  return absl::StrCat(
      "FLOOR(COALESCE(JSON_VALUE(t.rules, '$.meetings_per_year'), 0) * GREATEST(0, DATEDIFF(", to,
      ", GREATEST(", from, ", COALESCE(t.established_date, DATE(t.create_time)))) + 1) / DATEDIFF(",
      from, " + INTERVAL 1 YEAR, ", from, "))");
}

namespace {

// The tables of one family: `prefix` names its SQL tables ("reader_council": reader_councils,
// reader_council_members, ...), `collection` its bodies' collection ("readerCouncils").
const GovernanceTables* MakeTables(const std::string& prefix, const std::string& collection,
                                   const google::protobuf::Descriptor* body) {
  auto* out = new GovernanceTables;
  out->prefix = prefix;
  // {P} stands for the prefix in the computed SQL below.
  auto sql = [&](const std::string& text) { return absl::StrReplaceAll(text, {{"{P}", prefix}}); };
  const std::string bodies_table = absl::StrCat(prefix, "s");
  const std::string member_in_office = GovernanceInOfficeSql("UTC_DATE()");
  const std::string member_count =
      sql("(SELECT COUNT(*) FROM {P}_members m WHERE m.library_id = t.library_id AND m.body_id = "
          "t.id AND m.delete_time IS NULL AND " +
          member_in_office + ")");
  // This year so far.
  const std::string held =
      GovernanceMeetingsHeldSql(prefix, "MAKEDATE(YEAR(UTC_DATE()), 1)", "UTC_DATE()");
  const std::string required =
      GovernanceMeetingsRequiredSql("MAKEDATE(YEAR(UTC_DATE()), 1)", "UTC_DATE()");
  {
    TableOptions options;
    options.child_column = "body_id";
    std::vector<FieldColumn> fields{
        Field("display_name").Sortable(),
        Field("description"),
        Field("rules"),
        Field("seat_count").Sortable(),
        Field("established_date").Sortable(),
        Field("regulation"),
        Field("member_count").Column("").Computed(member_count).Sortable(),
        Field("vacancies")
            .Column("")
            .Computed(absl::StrCat("(t.seat_count - ", member_count, ")"))
            .Sortable(),
        Field("meetings_held_this_year").Column("").Computed(held).Sortable(),
        Field("meetings_required_to_date").Column("").Computed(required),
        Field("behind_schedule").Column("").Computed(absl::StrCat("(", held, " < ", required, ")")),
    };
    if (body->FindFieldByName("kind") != nullptr) fields.push_back(Field("kind").Sortable());
    out->bodies = new ResourceTable(bodies_table, collection, body, std::move(fields), options);
  }
  {
    TableOptions options;
    options.parent = out->bodies;
    // The person's name as their own record has it now (erased there, erased here).
    const std::string display_name =
        "(CASE WHEN t.person LIKE 'libraries/%/contacts/%' THEN (SELECT CONCAT_WS(' ', "
        "c.family_name, c.given_name, NULLIF(c.patronymic, '')) FROM contacts c WHERE "
        "c.library_id = t.library_id AND c.id = SUBSTRING_INDEX(t.person, '/', -1)) ELSE (SELECT "
        "CONCAT_WS(' ', v.family_name, v.given_name, NULLIF(v.patronymic, '')) FROM volunteers v "
        "WHERE v.library_id = t.library_id AND v.id = SUBSTRING_INDEX(t.person, '/', -1)) END)";
    std::string in_office = GovernanceInOfficeSql("UTC_DATE()");
    absl::StrReplaceAll({{"m.", "t."}}, &in_office);
    out->members =
        new ResourceTable(absl::StrCat(prefix, "_members"), "members", v1::Member::descriptor(),
                          {
                              Field("person").References("*", Reach::kSameLibrary, "PERSON"),
                              Field("display_name")
                                  .Column("")
                                  .Computed(display_name)
                                  .PersonalData(Personal::kName, "person"),
                              Field("seat_kind").Sortable(),
                              Field("staff_position").Sortable(),
                              Field("role").Sortable(),
                              Field("term_start_date").Sortable(),
                              Field("term_end_date").Sortable(),
                              Field("end_date").Sortable(),
                              Field("end_reason").Sortable(),
                              Field("appointment_act").FreeText(500),
                              Field("in_office").Column("").Computed(in_office).Sortable(),
                          },
                          options);
  }
  {
    TableOptions options;
    options.parent = out->bodies;
    options.child_column = "meeting_id";
    out->meetings =
        new ResourceTable(absl::StrCat(prefix, "_meetings"), "meetings", v1::Meeting::descriptor(),
                          {
                              Field("title").Sortable(),
                              Field("start_time").Sortable(),
                              Field("local_start_time"),
                              Field("meeting_date").Sortable(),
                              Field("place"),
                              Field("online_url"),
                              Field("state").Sortable(),
                              Field("attendance"),
                              Field("members_in_office"),
                              Field("present_count").Sortable(),
                              Field("notified_count"),
                              Field("quorum").Sortable(),
                              Field("minutes"),
                              Field("minutes_approve_time").Sortable(),
                              Field("minutes_approved_at").Names(),
                              Field("amendments"),
                          },
                          options);
  }
  const std::string meetings_path = absl::StrCat(collection, "/meetings");
  const std::string items_path = absl::StrCat(meetings_path, "/agendaItems");
  {
    TableOptions options;
    options.parent = out->meetings;
    options.values_column = "repeated_values";
    out->agenda_items = new ResourceTable(
        absl::StrCat(prefix, "_agenda_items"), "agendaItems", v1::AgendaItem::descriptor(),
        {
            Field("position").Sortable(),
            Field("title").Sortable(),
            Field("question_kind").Sortable(),
            Field("description"),
            Field("partners").References("partners", Reach::kSameLibrary, "PARTNER"),
            Field("agreements").References("agreements", Reach::kSameLibrary, "AGREEMENT"),
            Field("projects").References("projects", Reach::kSameLibrary, "PROJECT"),
            Field("volunteers").References("volunteers", Reach::kSameLibrary, "VOLUNTEER"),
            Field("amends_meeting").References(meetings_path, Reach::kSameLibrary, "MEETING"),
            Field("motion"),
            Field("votes"),
            Field("outcome").Sortable(),
            Field("yes_count"),
            Field("no_count"),
            Field("abstain_count"),
            Field("recused_count"),
            Field("base"),
            Field("required_yes"),
            Field("casting_vote"),
            Field("decision_rule"),
        },
        options);
  }
  {
    TableOptions options;
    options.parent = out->bodies;
    options.child_column = "decision_id";
    options.values_column = "repeated_values";
    const std::string items =
        sql("(SELECT COUNT(*) FROM {P}_action_items a WHERE a.library_id = t.library_id AND "
            "a.body_id = t.body_id AND a.decision_id = t.id AND a.delete_time IS NULL AND "
            "a.state = 1");
    out->decisions = new ResourceTable(
        absl::StrCat(prefix, "_decisions"), "decisions", v1::Decision::descriptor(),
        {
            Field("agenda_item").References(items_path, Reach::kSameLibrary, "AGENDA_ITEM"),
            Field("meeting").Names(),
            Field("decision_date").Sortable(),
            Field("minutes_approved")
                .Column("")
                .Computed(sql("COALESCE((SELECT m.state = 3 FROM {P}_meetings m WHERE "
                              "m.library_id = t.library_id AND m.body_id = t.body_id AND m.id = "
                              "SUBSTRING_INDEX(t.meeting, '/', -1)), FALSE)")),
            Field("title").Sortable(),
            Field("text"),
            Field("partners").References("partners", Reach::kSameLibrary, "PARTNER"),
            Field("agreements").References("agreements", Reach::kSameLibrary, "AGREEMENT"),
            Field("projects").References("projects", Reach::kSameLibrary, "PROJECT"),
            Field("volunteers").References("volunteers", Reach::kSameLibrary, "VOLUNTEER"),
            Field("open_action_items").Column("").Computed(items + ")").Sortable(),
            Field("overdue_action_items")
                .Column("")
                .Computed(items + " AND a.due_date < UTC_DATE())")
                .Sortable(),
        },
        options);
  }
  {
    TableOptions options;
    options.parent = out->decisions;
    out->action_items = new ResourceTable(
        absl::StrCat(prefix, "_action_items"), "actionItems", v1::ActionItem::descriptor(),
        {
            Field("title").Sortable(),
            Field("owner_member")
                .References(absl::StrCat(collection, "/members"), Reach::kSameLibrary, "MEMBER"),
            Field("owner"),
            Field("due_date").Sortable(),
            Field("state").Sortable(),
            Field("state_reason"),
            Field("state_time").Sortable(),
            Field("overdue")
                .Column("")
                .Computed("(t.state = 1 AND t.due_date < UTC_DATE())")
                .Sortable(),
        },
        options);
  }
  return out;
}

}  // namespace

const GovernanceTables& ReaderCouncilTables() {
  static const GovernanceTables* tables =
      MakeTables("reader_council", "readerCouncils", v1::ReaderCouncil::descriptor());
  return *tables;
}

const GovernanceTables& SupervisoryBoardTables() {
  static const GovernanceTables* tables =
      MakeTables("supervisory_board", "supervisoryBoards", v1::SupervisoryBoard::descriptor());
  return *tables;
}

}  // namespace allies::storage
