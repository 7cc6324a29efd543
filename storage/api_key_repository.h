// SQL for API keys.
#ifndef ALLIES_STORAGE_API_KEY_REPOSITORY_H_
#define ALLIES_STORAGE_API_KEY_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/filter.h"
#include "storage/list_query.h"
#include "storage/session.h"

namespace allies::storage {

struct ApiKeyRecord {
  std::string id;
  std::string library_id;  // empty: the whole network
  std::string display_name;
  int role = 0;
  std::string secret_hash;
  std::optional<absl::Time> expire_time;
  std::optional<absl::Time> revoke_time;
  int64_t revision = 1;
  absl::Time create_time;
  absl::Time update_time;
};

struct ApiKeyListQuery {
  bool show_revoked = false;
  ListWindow window;  // no order: keys list by id
};

namespace api_keys {

const std::vector<ColumnSpec>& Columns();
// NOT_FOUND when no key has this id.
absl::StatusOr<ApiKeyRecord> Get(Session& session, absl::string_view id, bool for_update = false);
absl::StatusOr<std::vector<ApiKeyRecord>> List(Session& session, const ApiKeyListQuery& query);
absl::Status Insert(Session& session, const ApiKeyRecord& record);
// Sets revoke_time, revision and update_time.
absl::Status Update(Session& session, const ApiKeyRecord& record);

}  // namespace api_keys
}  // namespace allies::storage

#endif  // ALLIES_STORAGE_API_KEY_REPOSITORY_H_
