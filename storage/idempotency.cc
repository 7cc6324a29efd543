#include "storage/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/errors.h"
#include "storage/transaction.h"

namespace allies::storage {
namespace {

struct Prior {
  std::string request_hash;
  std::string response;
};

// SHA-256 of the deterministic serialization: the same request always hashes the same.
std::string RequestHash(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  EVP_Digest(bytes.data(), bytes.size(), digest, nullptr, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<std::optional<Prior>> FindPrior(Session& session, absl::string_view library_id,
                                               absl::string_view principal,
                                               absl::string_view request_id,
                                               absl::string_view method) {
  // Requests remembered before responses were kept by library have library_id ''.
  static const std::string kSql =
      "SELECT request_hash, response FROM request_log "
      "WHERE library_id IN (?, '') AND principal = ? AND request_id = ? AND method = ? "
      "ORDER BY library_id DESC LIMIT 1";
  return session.Run([&]() -> absl::StatusOr<std::optional<Prior>> {
    auto rs = session.Query(kSql, library_id, principal, request_id, method);
    if (!rs->next()) return std::optional<Prior>();
    return std::optional<Prior>(Prior{GetString(*rs, 1), GetString(*rs, 2)});
  });
}

// The stored answer to a repeated request, or ALREADY_EXISTS when the id came with another one.
absl::Status Replay(const Prior& prior, const std::string& hash, absl::string_view request_id,
                    absl::string_view method, google::protobuf::Message* response) {
  if (prior.request_hash != hash) {
    return api::Error(absl::StatusCode::kAlreadyExists, "REQUEST_ID_REUSED",
                      absl::StrCat("request_id ", api::Quote(request_id),
                                   " was already used with a different request to ", method),
                      {{"request_id", std::string(request_id)}, {"method", std::string(method)}});
  }
  if (!response->ParseFromString(prior.response)) {
    return absl::InternalError("stored response does not parse");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) return absl::OkStatus();
  bool ok = request_id.size() <= 64;
  for (char c : request_id) {
    ok = ok && (absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-');
  }
  if (ok) return absl::OkStatus();
  return api::InvalidField("request_id",
                           absl::StrCat("must be 1-64 characters of [A-Za-z0-9._:-] (a UUID is "
                                        "a good choice), got ",
                                        api::Quote(request_id)),
                           "INVALID_REQUEST_ID");
}

absl::Status RunIdempotent(ConnectionPool& pool, absl::string_view library_id,
                           absl::string_view principal, absl::string_view method,
                           absl::string_view request_id, const google::protobuf::Message& request,
                           google::protobuf::Message* response,
                           absl::FunctionRef<absl::Status(Session&)> change, absl::Time deadline) {
  if (request_id.empty()) return RunInTransaction(pool, change, Until(deadline));
  const std::string hash = RequestHash(request);
  auto replay_if_seen = [&](absl::Status* out) -> bool {
    std::optional<Prior> prior;
    absl::Status read = RunRead(
        pool,
        [&](Session& s) -> absl::Status {
          auto found = FindPrior(s, library_id, principal, request_id, method);
          if (!found.ok()) return found.status();
          prior = *std::move(found);
          return absl::OkStatus();
        },
        deadline);
    if (!read.ok()) {
      *out = read;
      return true;
    }
    if (!prior) return false;
    *out = Replay(*prior, hash, request_id, method, response);
    return true;
  };
  absl::Status status;
  if (replay_if_seen(&status)) return status;  // a retry: nothing to do
  static const std::string kInsert =
      "INSERT INTO request_log (library_id, principal, request_id, method, request_hash, "
      "response, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)";
  status = RunInTransaction(
      pool,
      [&](Session& s) -> absl::Status {
        absl::Status changed = change(s);
        if (!changed.ok()) return changed;
        return s.Run([&]() -> absl::Status {
          s.Execute(kInsert, library_id, principal, request_id, method, hash,
                    response->SerializeAsString(), NowMicros());
          return absl::OkStatus();
        });
      },
      Until(deadline));
  if (status.ok()) return status;
  // A twin of this request may have committed first (our INSERT, or the change itself, then
  // failed on it): answer as it was answered.
  absl::Status replayed;
  if (replay_if_seen(&replayed) && replayed.code() != absl::StatusCode::kUnavailable) {
    return replayed;
  }
  return status;
}

absl::StatusOr<int64_t> ForgetResponsesContaining(Session& session, absl::string_view name) {
  // Every library: a response in one library may name a resource of another (an activity's
  // related resources).
  static const std::string kFind =
      "SELECT library_id, principal, request_id, method, response FROM request_log WHERE "
      "LOCATE(CAST(? AS BINARY), response) > 0 FOR UPDATE";
  static const std::string kDelete =
      "DELETE FROM request_log WHERE library_id = ? AND principal = ? AND request_id = ? AND "
      "method = ?";
  // The name itself, not a longer one it begins ("…/contacts/ivan" is not "…/contacts/ivan-2"):
  // the byte after it cannot continue an id.
  auto names_it = [&](absl::string_view response) {
    for (size_t at = response.find(name); at != absl::string_view::npos;
         at = response.find(name, at + 1)) {
      const size_t end = at + name.size();
      if (end == response.size()) return true;
      const char c = response[end];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return true;
    }
    return false;
  };
  return session.Run([&]() -> absl::StatusOr<int64_t> {
    std::vector<std::vector<std::string>> keys;
    auto rs = session.Query(kFind, name);
    while (rs->next()) {
      const std::string response = GetString(*rs, 5);
      if (names_it(response)) {
        keys.push_back(
            {GetString(*rs, 1), GetString(*rs, 2), GetString(*rs, 3), GetString(*rs, 4)});
      }
    }
    for (const auto& k : keys) session.Execute(kDelete, k[0], k[1], k[2], k[3]);
    return static_cast<int64_t>(keys.size());
  });
}

absl::StatusOr<int64_t> PruneRequestLog(ConnectionPool& pool, absl::Time now) {
  static const std::string kSql = "DELETE FROM request_log WHERE create_time < ? LIMIT 10000";
  int64_t removed = 0;
  absl::Status status = RunInTransaction(pool, [&](Session& s) {
    return s.Run([&]() -> absl::Status {
      removed = static_cast<int64_t>(s.Execute(kSql, now - kRequestIdRetention));
      return absl::OkStatus();
    });
  });
  if (!status.ok()) return status;
  return removed;
}

}  // namespace allies::storage
