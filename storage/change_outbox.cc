#include "storage/change_outbox.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/core_tables.h"
#include "storage/observer.h"
#include "storage/resource_table.h"
#include "storage/scope.h"
#include "storage/transaction.h"

namespace allies::storage::changes {

namespace {

// Field paths never hold a comma (they are proto field names and indexes).
constexpr char kFieldSeparator = ',';

// A repeated list of "?" placeholders: "(?,?,?)".
std::string Placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i == 0 ? "?" : ",?");
  return out + ")";
}

}  // namespace

absl::Status Enqueue(Session& session, const std::vector<const Change*>& changes,
                     const std::vector<std::string>& activity_ids) {
  if (changes.empty()) return absl::OkStatus();
  std::string sql =
      "INSERT INTO change_outbox (library_id, collection, resource, verb, changed_fields, actor, "
      "request_id, activity_id, change_time) VALUES ";
  std::vector<SqlValue> values;
  values.reserve(changes.size() * 9);
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = *changes[i];
    const ResourceTable* table = TableOfName(c.resource);
    absl::StrAppend(&sql, i == 0 ? "" : ",", "(?,?,?,?,?,?,?,?,?)");
    values.emplace_back(c.library_id);
    values.emplace_back(table != nullptr ? table->collection_path() : std::string());
    values.emplace_back(c.resource);
    values.emplace_back(c.verb);
    values.emplace_back(absl::StrJoin(c.changed_fields, std::string(1, kFieldSeparator)));
    values.emplace_back(c.actor);
    values.emplace_back(c.request_id);
    values.emplace_back(activity_ids[i]);
    values.emplace_back(c.time);
  }
  return session.Run([&]() -> absl::Status {
    session.ExecuteValues(sql, values);
    return absl::OkStatus();
  });
}

absl::StatusOr<Sequenced> Sequence(ConnectionPool& pool, absl::Time now, int max_rows) {
  Sequenced out;
  absl::Time oldest = absl::InfiniteFuture();  // the change_time of the oldest row positioned
  absl::Status done = RunInTransaction(pool, [&](Session& s) -> absl::Status {
    out = Sequenced{};
    return s.Run([&]() -> absl::Status {
      // First the lock: what this transaction then reads (READ COMMITTED) includes every row
      // the sequencer before it positioned, and no other sequencer runs until it commits.
      auto last = s.Query("SELECT last_position FROM change_sequence WHERE id = 1 FOR UPDATE");
      if (!last->next()) {
        return absl::FailedPreconditionError("change_sequence has no row (migration 0017)");
      }
      const int64_t last_position = last->getInt64(1);
      out.last_position = last_position;
      // A plain read sees committed rows only and waits for no open transaction: a row whose
      // transaction is still open is positioned by a later run, after it commits.
      auto rows = s.Query(
          "SELECT id, change_time FROM change_outbox WHERE position IS NULL ORDER BY id LIMIT ?",
          static_cast<int64_t>(max_rows));
      std::vector<int64_t> ids;
      oldest = absl::InfiniteFuture();
      while (rows->next()) {
        ids.push_back(static_cast<int64_t>(rows->getUInt64(1)));
        oldest = std::min(oldest, GetTime(*rows, 2));
      }
      const int64_t n = static_cast<int64_t>(ids.size());
      if (n == 0) return absl::OkStatus();
      // Numbered here, in row-id order (one prepared statement, whatever the batch's size).
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t updated = s.Execute(
            "UPDATE change_outbox SET position = ?, sequence_time = ? WHERE id = ? AND "
            "position IS NULL",
            last_position + i + 1, now, ids[static_cast<size_t>(i)]);
        if (updated != 1) {  // only a sequencer not holding the lock could have: never
          return absl::InternalError(absl::StrCat("change outbox row ", ids[static_cast<size_t>(i)],
                                                  " was positioned by another sequencer"));
        }
      }
      s.Execute("UPDATE change_sequence SET last_position = ? WHERE id = 1", last_position + n);
      out = Sequenced{n, last_position + n};
      return absl::OkStatus();
    });
  });
  if (!done.ok()) return done;
  if (out.given > 0) {
    if (StorageObserver* observer = GetStorageObserver()) {
      observer->OnChangesSequenced(out.given, out.last_position,
                                   std::max(absl::ZeroDuration(), now - oldest));
    }
  }
  return out;
}

absl::StatusOr<Bounds> ReadBounds(Session& session) {
  return session.Run([&]() -> absl::StatusOr<Bounds> {
    auto rs =
        session.Query("SELECT pruned_through, last_position FROM change_sequence WHERE id = 1");
    if (!rs->next()) {
      return absl::FailedPreconditionError("change_sequence has no row (migration 0017)");
    }
    return Bounds{rs->getInt64(1), rs->getInt64(2)};
  });
}

absl::StatusOr<std::vector<StoredChange>> Read(Session& session, const Window& window) {
  std::string sql =
      "SELECT position, library_id, collection, resource, verb, changed_fields, actor, "
      "request_id, activity_id, change_time FROM change_outbox WHERE position > ? AND "
      "position <= ?";
  std::vector<SqlValue> values = {window.after, window.through};
  if (window.within) {
    SqlClause within = scope::WithinSubtree("library_id", *window.within);
    absl::StrAppend(&sql, " AND ", within.sql);
    for (SqlValue& v : within.params) values.push_back(std::move(v));
  }
  if (!window.collections.empty()) {
    absl::StrAppend(&sql, " AND collection IN ", Placeholders(window.collections.size()));
    for (const std::string& c : window.collections) values.emplace_back(c);
  }
  absl::StrAppend(&sql, " ORDER BY position LIMIT ?");
  values.emplace_back(static_cast<int64_t>(window.limit));
  return session.Run([&]() -> absl::StatusOr<std::vector<StoredChange>> {
    auto rs = session.QueryValues(sql, values);
    std::vector<StoredChange> out;
    while (rs->next()) {
      StoredChange c;
      c.position = rs->getInt64(1);
      c.library_id = GetString(*rs, 2);
      c.collection = GetString(*rs, 3);
      c.resource = GetString(*rs, 4);
      c.verb = GetString(*rs, 5);
      c.changed_fields = absl::StrSplit(GetString(*rs, 6), kFieldSeparator, absl::SkipEmpty());
      c.actor = GetString(*rs, 7);
      c.request_id = GetString(*rs, 8);
      const std::string activity_id = GetString(*rs, 9);
      if (!activity_id.empty()) {
        c.activity = ActivitiesTable().Name(ResourceKey(c.library_id, activity_id));
      }
      c.change_time = GetTime(*rs, 10);
      out.push_back(std::move(c));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Prune(ConnectionPool& pool, absl::Time cutoff) {
  int64_t through = 0;
  absl::Status marked = RunInTransaction(pool, [&](Session& s) -> absl::Status {
    through = 0;
    return s.Run([&]() -> absl::Status {
      // Everything below the first position kept (sequenced at or after the cutoff); when no
      // row is that recent, everything positioned.
      auto kept =
          s.Query("SELECT MIN(position) FROM change_outbox WHERE sequence_time >= ?", cutoff);
      if (kept->next() && !kept->isNull(1)) {
        through = kept->getInt64(1) - 1;
      } else {
        auto all = s.Query("SELECT MAX(position) FROM change_outbox");
        if (all->next() && !all->isNull(1)) through = all->getInt64(1);
      }
      if (through <= 0) {
        through = 0;
        return absl::OkStatus();
      }
      // Readers learn of the gap before it opens: a position at or below this is OUT_OF_RANGE.
      s.Execute(
          "UPDATE change_sequence SET pruned_through = GREATEST(pruned_through, ?) WHERE id = 1",
          through);
      return absl::OkStatus();
    });
  });
  if (!marked.ok()) return marked;
  if (through == 0) return 0;
  constexpr int64_t kBatch = 5000;
  int64_t total = 0;
  while (true) {
    int64_t deleted = 0;
    absl::Status ok = RunInTransaction(pool, [&](Session& s) -> absl::Status {
      return s.Run([&]() -> absl::Status {
        deleted = static_cast<int64_t>(
            s.Execute("DELETE FROM change_outbox WHERE position <= ? ORDER BY position LIMIT ?",
                      through, kBatch));
        return absl::OkStatus();
      });
    });
    if (!ok.ok()) return ok;
    total += deleted;
    if (deleted < kBatch) return total;
  }
}

}  // namespace allies::storage::changes
