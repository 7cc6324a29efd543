#include "storage/volunteer_tables.h"

#include "absl/strings/str_cat.h"
#include "allies/v1/consent.pb.h"
#include "allies/v1/volunteer.pb.h"

namespace allies::storage {

const char kConsentStateSql[] =
    "(CASE WHEN t.state = 1 AND t.valid_until < UTC_DATE() THEN 3 ELSE t.state END)";

std::string ConsentDestructionOverdueOnSql(const std::string& instant) {
  return absl::StrCat("(t.destroy_due IS NOT NULL AND t.retained_by = '' AND t.destroy_due < ",
                      instant, " AND (t.destroy_time IS NULL OR t.destroy_time >= ", instant, "))");
}

namespace {

// A state that reads as `expired` once the date in `column` has passed (UTC) while the row is
// `active` (VolunteerAgreement, Qualification).
std::string ExpiresAfter(const std::string& column, int active, int expired) {
  return absl::StrCat("(CASE WHEN t.state = ", active, " AND t.", column, " < UTC_DATE() THEN ",
                      expired, " ELSE t.state END)");
}

}  // namespace

const ResourceTable& ConsentsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    // The ledger keeps every consent as given: nothing is deleted.
    options.soft_delete = false;
    options.need_to_know = v1::MANAGE_CONSENTS;
    return new ResourceTable(
        "consents", "consents", v1::Consent::descriptor(),
        {
            // A volunteer or contact (checked by the consent service: a table holding people).
            Field("subject").References("*", Reach::kSameLibrary, "SUBJECT"),
            Field("subject_name").PersonalData(Personal::kName, "subject"),
            Field("representative_name").PersonalData(Personal::kName, "subject"),
            Field("representative_relation"),
            Field("representative_document").PersonalData(Personal::kData, "subject"),
            Field("representative_contact").References("contacts"),
            Field("purposes"),
            Field("data_categories"),
            Field("processors"),
            Field("given_time").Sortable(),
            Field("valid_until").Sortable(),
            Field("method"),
            Field("document_number").PersonalData(Personal::kData, "subject"),
            Field("state").Sortable().Computed(kConsentStateSql),
            Field("withdraw_time").Sortable(),
            Field("withdrawal_channel"),
            Field("destroy_due").Sortable(),
            Field("destroy_time").Sortable(),
            Field("destruction_record").Names(),
            Field("retained_by").Names(),
            Field("destruction_overdue")
                .Column("")
                .Computed(ConsentDestructionOverdueOnSql("UTC_TIMESTAMP(6)")),
        },
        options);
  }();
  return *table;
}

const ResourceTable& DestructionsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    options.soft_delete = false;
    return new ResourceTable("destructions", "destructions", v1::DestructionRecord::descriptor(),
                             {
                                 Field("subject").Names(),
                                 Field("consent").Names(),
                                 Field("reason").Sortable(),
                                 Field("categories"),
                                 Field("rewritten").Names(),
                                 Field("destroy_time").Sortable(),
                                 Field("destroyed_by").Names(),
                                 Field("due_time").Sortable(),
                                 Field("overdue"),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& VolunteersTable() {
  static const auto* table = [] {
    TableOptions options;
    options.values_column = "repeated_values";
    options.child_column = "volunteer_id";
    options.need_to_know = v1::MANAGE_VOLUNTEERS;
    return new ResourceTable(
        "volunteers", "volunteers", v1::Volunteer::descriptor(),
        {
            Field("family_name").Sortable().PersonalData(Personal::kName),
            Field("given_name").Sortable().PersonalData(Personal::kName),
            Field("patronymic").PersonalData(Personal::kName),
            Field("birth_date").Sortable().PersonalData(Personal::kData),
            // Derived from the birth date, and as personal as it.
            Field("age")
                .Column("")
                .Computed("COALESCE(TIMESTAMPDIFF(YEAR, t.birth_date, UTC_DATE()), 0)")
                .PersonalData(Personal::kData),
            Field("emails").PersonalData(Personal::kContactPoint),
            Field("phones").PersonalData(Personal::kContactPoint),
            Field("city").PersonalData(Personal::kData),
            Field("skills"),
            Field("interests"),
            Field("languages"),
            Field("availability"),
            Field("blackouts"),
            Field("preferred_channel"),
            Field("opt_outs"),
            Field("do_not_contact"),
            Field("dobro_id").NullIfEmpty().PersonalData(Personal::kData),
            Field("guardian").References("contacts", Reach::kSameLibrary, "GUARDIAN"),
            Field("notes").PersonalData(Personal::kData),
            Field("state").Sortable(),
            Field("state_reason"),
            Field("erase_time"),
            // Statistics an erasure keeps (services/project).
            Field("approved_minutes")
                .Column("")
                .Computed("(SELECT COALESCE(SUM(h.minutes), 0) FROM hours h WHERE h.library_id = "
                          "t.library_id AND h.volunteer_id = t.id AND h.state = 2 AND "
                          "h.delete_time IS NULL)"),
            Field("no_show_count")
                .Column("")
                .Computed("(SELECT COUNT(*) FROM signups n WHERE n.library_id = t.library_id AND "
                          "n.volunteer = CONCAT('libraries/', t.library_id, '/volunteers/', t.id) "
                          "AND n.state = 5 AND n.delete_time IS NULL)"),
        },
        options);
  }();
  return *table;
}

const ResourceTable& VolunteerAgreementsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.parent = &VolunteersTable();
    options.values_column = "repeated_values";
    return new ResourceTable("volunteer_agreements", "agreements",
                             v1::VolunteerAgreement::descriptor(),
                             {
                                 Field("volunteer").References("volunteers"),
                                 Field("number").Sortable().NullIfEmpty(),
                                 Field("tasks").FreeText(10000),
                                 Field("place"),
                                 Field("start_date").Sortable(),
                                 Field("end_date").Sortable(),
                                 Field("support"),
                                 Field("support_notes").FreeText(10000),
                                 Field("risk_briefing_time"),
                                 Field("signer"),
                                 Field("representative_contact").References("contacts"),
                                 Field("state").Sortable().Computed(ExpiresAfter("end_date", 2, 4)),
                                 Field("termination_reason").FreeText(1000),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& QualificationsTable() {
  static const auto* table = [] {
    TableOptions options;
    options.parent = &VolunteersTable();
    options.need_to_know = v1::MANAGE_VOLUNTEERS;
    return new ResourceTable(
        "qualifications", "qualifications", v1::Qualification::descriptor(),
        {
            Field("volunteer").References("volunteers"),
            Field("kind").Sortable(),
            Field("title").Sortable(),
            Field("issuer"),
            Field("issued_date").Sortable(),
            Field("expiry_date").Sortable(),
            // A document number identifies the person (a certificate of no criminal record).
            Field("evidence").PersonalData(Personal::kData, "volunteer"),
            Field("state").Sortable().Computed(ExpiresAfter("expiry_date", 1, 2)),
        },
        options);
  }();
  return *table;
}

}  // namespace allies::storage
