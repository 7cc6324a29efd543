// The library scope of a caller: a key reaches its library and that library's subtree (or,
// without a library, the whole network). Handlers call Check with the library of the resource a
// call touches; lists add WithinSubtree to their query.
#ifndef ALLIES_STORAGE_SCOPE_H_
#define ALLIES_STORAGE_SCOPE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "api/list_request.h"
#include "api/policy.h"
#include "storage/list_query.h"
#include "storage/session.h"

namespace allies::storage::scope {

// OK when the principal reaches library_id. Otherwise PERMISSION_DENIED naming `resource`, the
// same answer whether or not the library (or resource) exists.
absl::Status Check(Session& session, const api::Principal& principal, absl::string_view library_id,
                   absl::string_view resource);

// For what belongs to no library (root libraries, network-wide keys): network principals only.
absl::Status CheckNetwork(const api::Principal& principal, absl::string_view resource);

// The root of the principal's scope for restricting lists; nullopt: no restriction.
std::optional<std::string> Root(const api::Principal& principal);

// The window of a List: its parsed inputs, limited to the principal's scope.
ListWindow Window(const api::ListParams& list, const api::Principal& principal);

// "`column` IN (the ids of `root` and every library below it)".
SqlClause WithinSubtree(const std::string& column, const std::string& root);

// The statement of one List page: `select` ("SELECT ... FROM <table> [alias]") with the
// non-empty `conditions`, the window's filter (over `columns`), its scope (`library_column`
// within the window's subtree) and keyset, ordered by the window's order then `key_columns`,
// and the window's limit.
absl::StatusOr<SqlClause> ListStatement(const std::string& select,
                                        const std::vector<ColumnSpec>& columns,
                                        const std::vector<std::string>& key_columns,
                                        const std::string& library_column,
                                        std::vector<SqlClause> conditions,
                                        const ListWindow& window);

}  // namespace allies::storage::scope

#endif  // ALLIES_STORAGE_SCOPE_H_
