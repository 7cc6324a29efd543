// A test-only API of three collections nested in one another, declared on the shared machinery
// (tests/proto/allies/test/v1/shelves.proto):
//   libraries/{library}/shelves/{shelf}/books/{book}/notes/{note}
// This file is what a new nested resource writes: its table declarations, its rules (nothing but
// the mutable fields), one line per method, and the migration of its tables.
#ifndef ALLIES_TESTS_SUPPORT_SHELVES_H_
#define ALLIES_TESTS_SUPPORT_SHELVES_H_

#include "allies/test/v1/shelves.grpc.pb.h"
#include "server/host.h"
#include "storage/resource_table.h"

namespace allies::testing {

const storage::ResourceTable& ShelvesTable();
const storage::ResourceTable& BooksTable();
const storage::ResourceTable& NotesTable();

// The tables' migration: library_id first, then each ancestor's id.
extern const char kShelfTablesSql[];

// allies.test.v1.ShelfService, for a TestServer's extra services.
server::ServiceRegistration ShelfServiceRegistration();

}  // namespace allies::testing

#endif  // ALLIES_TESTS_SUPPORT_SHELVES_H_
