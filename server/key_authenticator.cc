#include "server/key_authenticator.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "api/credentials.h"
#include "api/errors.h"
#include "api/names.h"
#include "api/proto_time.h"
#include "storage/core_tables.h"
#include "storage/transaction.h"

namespace allies::server {
namespace {

constexpr size_t kMaxCachedKeys = 10000;

absl::Status Rejected(absl::string_view why) {
  return api::Error(absl::StatusCode::kUnauthenticated, "INVALID_CREDENTIALS", why);
}

}  // namespace

bool KeyAuthenticator::Entry::Matches(absl::string_view secret) const {
  {
    absl::ReaderMutexLock lock(&mu);
    if (!verified_secret.empty() && api::SameHash(verified_secret, secret)) return true;
  }
  if (!api::SameHash(api::HashSecret(secret), secret_hash)) return false;
  absl::MutexLock lock(&mu);
  verified_secret = std::string(secret);
  return true;
}

absl::StatusOr<api::Principal> KeyAuthenticator::Authenticate(absl::string_view token) {
  auto parsed = api::ParseToken(token);
  if (!parsed.ok()) return parsed.status();
  const absl::Time now = absl::Now();
  std::shared_ptr<Entry> entry;
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(parsed->id);
    if (it != cache_.end() && now - it->second->fetched < cache_for_) entry = it->second;
  }
  if (!entry) {
    auto fetched = std::make_shared<Entry>();
    absl::Status status = storage::RunRead(pool_, [&](storage::Session& s) -> absl::Status {
      storage::ResourceTable::Row row;
      absl::Status read = storage::ApiKeysTable().Get(s, {"", parsed->id}, storage::Lock::kNone,
                                                      &row, &fetched->key);
      if (read.code() == absl::StatusCode::kNotFound) return absl::OkStatus();
      if (!read.ok()) return read;
      fetched->found = true;
      if (!row.extra.empty()) {
        if (const auto* hash = std::get_if<std::string>(&row.extra[0]))
          fetched->secret_hash = *hash;
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;  // UNAVAILABLE: cannot tell who this is
    fetched->fetched = now;
    fetched->principal.name = fetched->key.name();
    fetched->principal.role = static_cast<api::Role>(fetched->key.role());
    fetched->principal.library_id = std::string(api::LibraryIdOf(fetched->key.library()));
    absl::MutexLock lock(&mu_);
    if (cache_.size() >= kMaxCachedKeys) cache_.clear();
    cache_[parsed->id] = entry = std::move(fetched);
  }
  // The same answer, and the same work (a hash), for an unknown key and a wrong secret.
  if (!entry->found) {
    (void)api::HashSecret(parsed->secret);
    return Rejected("unknown API key");
  }
  if (!entry->Matches(parsed->secret)) return Rejected("unknown API key");
  if (entry->key.has_revoke_time()) return Rejected("the API key was revoked");
  if (entry->key.has_expire_time() && api::FromTimestamp(entry->key.expire_time()) <= now) {
    return Rejected("the API key has expired");
  }
  return entry->principal;
}

}  // namespace allies::server
