#include "storage/core_tables.h"

#include "allies/v1/activity.pb.h"
#include "allies/v1/api_key.pb.h"
#include "allies/v1/library.pb.h"
#include "storage/governance_tables.h"
#include "storage/partnership_tables.h"
#include "storage/project_tables.h"
#include "storage/report_tables.h"
#include "storage/volunteer_tables.h"

namespace allies::storage {

const ResourceTable& LibrariesTable() {
  static const auto* table = [] {
    TableOptions options;
    options.root = true;
    options.container_field = "parent";
    return new ResourceTable("libraries", "libraries", v1::Library::descriptor(),
                             {
                                 Field("display_name").Sortable(),
                                 Field("parent")
                                     .Column("parent_id")
                                     .StoredAsId("libraries/")
                                     .References("libraries", Reach::kAnyLibrary, "PARENT"),
                                 Field("kind").Sortable(),
                                 Field("region").Sortable(),
                                 Field("address"),
                                 Field("website"),
                                 Field("time_zone").Sortable(),
                                 Field("email"),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& ApiKeysTable() {
  static const auto* table = [] {
    TableOptions options;
    options.root = true;
    options.scope_field = "library";
    options.soft_delete = false;
    options.extra_columns = {"secret_hash"};
    options.read_permission = v1::MANAGE_KEYS;
    return new ResourceTable("api_keys", "apiKeys", v1::ApiKey::descriptor(),
                             {
                                 Field("display_name"),
                                 Field("role"),
                                 Field("library")
                                     .Column("library_id")
                                     .StoredAsId("libraries/")
                                     .References("libraries", Reach::kAnyLibrary, "LIBRARY"),
                                 Field("expire_time"),
                                 Field("revoke_time"),
                             },
                             options);
  }();
  return *table;
}

const ResourceTable& ActivitiesTable() {
  static const auto* table = [] {
    TableOptions options;
    options.logged = false;  // the log does not log itself
    options.values_column = "repeated_values";
    return new ResourceTable("activities", "activities", v1::Activity::descriptor(),
                             {
                                 Field("kind").Sortable(),
                                 Field("actor"),
                                 Field("verb"),
                                 Field("resource").Names(),
                                 Field("changed_fields").Joined(','),
                                 Field("request_id"),
                                 Field("subject").FreeText(300),
                                 Field("description").FreeText(10000),
                                 Field("occurred_time").Sortable(),
                                 Field("related").References("*", Reach::kMention),
                                 Field("follow_up_date"),
                             },
                             options);
  }();
  return *table;
}

// Every built-in table, declared before the registry is first read (resource_table.cc).
void DeclareBuiltInTables() {
  LibrariesTable();
  ApiKeysTable();
  ActivitiesTable();
  PartnersTable();
  ContactsTable();
  AgreementsTable();
  ConsentsTable();
  DestructionsTable();
  VolunteersTable();
  VolunteerAgreementsTable();
  QualificationsTable();
  ProjectsTable();
  SchedulesTable();
  ShiftsTable();
  SignupsTable();
  HoursTable();
  ReaderCouncilTables();
  SupervisoryBoardTables();
  ReportsTable();
}

}  // namespace allies::storage
