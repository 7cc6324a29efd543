#include "storage/reminder_ledger.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/utf8.h"

namespace allies::storage::reminder_ledger {
namespace {

constexpr char kLockName[] = "allies_reminder_delivery";
constexpr size_t kMaxError = 1000;

constexpr char kColumns[] =
    "library_id, id, reminder_key, kind, recipient, state, attempts, resends, "
    "possible_duplicate, last_error, "
    "DATE_FORMAT(next_attempt_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(attempt_time, '%Y-%m-%d %H:%i:%s.%f'), "
    "DATE_FORMAT(send_time, '%Y-%m-%d %H:%i:%s.%f')";

Entry EntryOf(sql::ResultSet& rs) {
  Entry e;
  e.library_id = GetString(rs, 1);
  e.id = GetString(rs, 2);
  e.key = GetString(rs, 3);
  e.kind = rs.getInt(4);
  e.recipient = GetString(rs, 5);
  e.state = static_cast<State>(rs.getInt(6));
  e.attempts = rs.getInt(7);
  e.resends = rs.getInt(8);
  e.possible_duplicate = rs.getBoolean(9);
  e.last_error = GetString(rs, 10);
  e.next_attempt_time = GetOptionalTime(rs, 11);
  e.attempt_time = GetOptionalTime(rs, 12);
  e.send_time = GetOptionalTime(rs, 13);
  return e;
}

}  // namespace

absl::StatusOr<std::map<EntryKey, Entry>> Read(Session& s, const std::vector<EntryKey>& keys) {
  std::map<EntryKey, Entry> out;
  constexpr size_t kBatch = 200;
  for (size_t begin = 0; begin < keys.size(); begin += kBatch) {
    const size_t end = std::min(keys.size(), begin + kBatch);
    std::vector<SqlValue> params;
    std::vector<std::string> tuples;
    for (size_t i = begin; i < end; ++i) {
      tuples.push_back("(?, ?)");
      params.push_back(keys[i].first);
      params.push_back(keys[i].second);
    }
    absl::Status ok = s.Run([&]() -> absl::Status {
      auto rs = s.QueryValues(
          absl::StrCat("SELECT ", kColumns, " FROM reminder_deliveries WHERE (library_id, id) IN (",
                       absl::StrJoin(tuples, ", "), ")"),
          params);
      while (rs->next()) {
        Entry e = EntryOf(*rs);
        EntryKey key{e.library_id, e.id};
        out.emplace(std::move(key), std::move(e));
      }
      return absl::OkStatus();
    });
    if (!ok.ok()) return ok;
  }
  return out;
}

absl::StatusOr<std::vector<Entry>> ReadAll(Session& s) {
  return s.Run([&]() -> absl::StatusOr<std::vector<Entry>> {
    std::vector<Entry> out;
    auto rs = s.Query(
        absl::StrCat("SELECT ", kColumns, " FROM reminder_deliveries ORDER BY library_id, id"));
    while (rs->next()) out.push_back(EntryOf(*rs));
    return out;
  });
}

absl::Status BeginAttempt(Session& s, const Entry& entry, bool resend, absl::Time now) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "INSERT INTO reminder_deliveries (library_id, id, reminder_key, kind, recipient, state, "
        "attempts, resends, possible_duplicate, create_time, attempt_time) "
        "VALUES (?, ?, ?, ?, ?, 1, 1, 0, FALSE, ?, ?) "
        "ON DUPLICATE KEY UPDATE state = 1, attempts = attempts + 1, "
        "resends = resends + ?, possible_duplicate = possible_duplicate OR ?, "
        "next_attempt_time = NULL, attempt_time = VALUES(attempt_time)",
        entry.library_id, entry.id, entry.key, static_cast<int64_t>(entry.kind), entry.recipient,
        now, now, static_cast<int64_t>(resend ? 1 : 0), resend);
    return absl::OkStatus();
  });
}

absl::Status MarkSent(Session& s, const EntryKey& key, absl::Time now) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "UPDATE reminder_deliveries SET state = 2, send_time = ?, next_attempt_time = NULL "
        "WHERE library_id = ? AND id = ?",
        now, key.first, key.second);
    return absl::OkStatus();
  });
}

absl::Status MarkRetrying(Session& s, const EntryKey& key, absl::string_view error, absl::Time next,
                          bool maybe_delivered) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "UPDATE reminder_deliveries SET state = 3, last_error = ?, next_attempt_time = ?, "
        "possible_duplicate = possible_duplicate OR ? WHERE library_id = ? AND id = ?",
        api::TruncateChars(error, kMaxError), next, maybe_delivered, key.first, key.second);
    return absl::OkStatus();
  });
}

absl::Status MarkUnconfirmed(Session& s, const EntryKey& key) {
  return s.Run([&]() -> absl::Status {
    s.Execute(
        "UPDATE reminder_deliveries SET state = 4, next_attempt_time = NULL "
        "WHERE library_id = ? AND id = ?",
        key.first, key.second);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> TryLock(Session& s) {
  return s.Run([&]() -> absl::StatusOr<bool> {
    auto rs = s.Query("SELECT GET_LOCK(?, 0)", std::string(kLockName));
    return rs->next() && !rs->isNull(1) && rs->getInt(1) == 1;
  });
}

absl::Status Unlock(Session& s) {
  return s.Run([&]() -> absl::Status {
    s.Query("SELECT RELEASE_LOCK(?)", std::string(kLockName));
    return absl::OkStatus();
  });
}

}  // namespace allies::storage::reminder_ledger
