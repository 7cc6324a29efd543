#include "server/key_authenticator.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "storage/transaction.h"

namespace allies::server {
namespace {

constexpr size_t kMaxCachedKeys = 10000;

absl::Status Rejected(absl::string_view why) {
  return api::Error(absl::StatusCode::kUnauthenticated, "INVALID_CREDENTIALS", why);
}

}  // namespace

absl::StatusOr<api::Principal> KeyAuthenticator::Authenticate(absl::string_view token) {
  auto parsed = api::ParseToken(token);
  if (!parsed.ok()) return parsed.status();
  const absl::Time now = absl::Now();
  Entry entry;
  bool cached = false;
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(parsed->id);
    if (it != cache_.end() && now - it->second.fetched < cache_for_) {
      entry = it->second;
      cached = true;
    }
  }
  if (!cached) {
    absl::Status status = storage::RunRead(pool_, [&](storage::Session& s) -> absl::Status {
      auto key = storage::api_keys::Get(s, parsed->id);
      if (key.ok()) {
        entry.found = true;
        entry.key = *std::move(key);
        return absl::OkStatus();
      }
      if (key.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
      return key.status();
    });
    if (!status.ok()) return status;  // UNAVAILABLE: cannot tell who this is
    entry.fetched = now;
    absl::MutexLock lock(&mu_);
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();
    cache_[parsed->id] = entry;
  }
  // The same answer for an unknown key and a wrong secret.
  if (!entry.found || !api::SameHash(entry.key.secret_hash, parsed->secret_hash)) {
    return Rejected("unknown API key");
  }
  if (entry.key.revoke_time) return Rejected("the API key was revoked");
  if (entry.key.expire_time && *entry.key.expire_time <= now) {
    return Rejected("the API key has expired");
  }
  api::Principal principal;
  principal.name = absl::StrCat("apiKeys/", entry.key.id);
  principal.role = static_cast<api::Role>(entry.key.role);
  principal.library_id = entry.key.library_id;
  return principal;
}

}  // namespace allies::server
