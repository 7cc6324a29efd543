// Authenticates API keys against the api_keys table, with a short cache so that a call costs
// no database round trip for a key seen in the last few seconds. A revoked key stops working
// within that time.
#ifndef ALLIES_SERVER_KEY_AUTHENTICATOR_H_
#define ALLIES_SERVER_KEY_AUTHENTICATOR_H_

#include <memory>
#include <string>
#include <unordered_map>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "allies/v1/api_key.pb.h"
#include "api/rpc.h"
#include "storage/pool.h"

namespace allies::server {

class KeyAuthenticator final : public api::Authenticator {
 public:
  explicit KeyAuthenticator(storage::ConnectionPool& pool,
                            absl::Duration cache_for = absl::Seconds(5))
      : pool_(pool), cache_for_(cache_for) {}

  absl::StatusOr<api::Principal> Authenticate(absl::string_view token) override;

 private:
  // A key as read from the database, shared by the calls that use it until it is re-read.
  struct Entry {
    bool found = false;
    v1::ApiKey key;
    std::string secret_hash;
    api::Principal principal;
    absl::Time fetched;
    // Whether `secret` is the key's. A secret once seen to match is kept (for the cache's
    // lifetime, like the key), so that later calls compare bytes instead of hashing.
    bool Matches(absl::string_view secret) const;

    mutable absl::Mutex mu;
    mutable std::string verified_secret ABSL_GUARDED_BY(mu);
  };

  storage::ConnectionPool& pool_;
  const absl::Duration cache_for_;
  absl::Mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace allies::server

#endif  // ALLIES_SERVER_KEY_AUTHENTICATOR_H_
