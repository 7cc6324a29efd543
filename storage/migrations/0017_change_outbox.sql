-- The change stream's outbox (storage/change_outbox.cc). Every change the activity log records
-- also writes a row here, in the same transaction, with no position. The sequencer gives the
-- committed rows their positions afterwards, in the order it finds them committed, under the
-- lock on change_sequence's one row (a certified write on a cluster), so positions follow
-- commit order and a reader that has seen position P never meets a new one at or below it.
-- Network-wide on purpose (keyed by id, not library first): positions are one order across
-- every library, which a library-first key would not serve; a sharded engine would keep one outbox
-- per shard (see DESIGN.md's scale-out rules).
CREATE TABLE IF NOT EXISTS change_outbox (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  position       BIGINT NULL,
  library_id     VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  collection     VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource       VARCHAR(500) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  verb           VARCHAR(100) NOT NULL,
  changed_fields VARCHAR(2000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  actor          VARCHAR(300) NOT NULL DEFAULT '',
  request_id     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  activity_id    VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  change_time    DATETIME(6) NOT NULL,
  -- When the row got its position (just after its commit): what retention counts from.
  sequence_time  DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY change_outbox_by_position (position),
  KEY change_outbox_by_sequence_time (sequence_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The last position given (positions start at 1) and the last one pruned.
CREATE TABLE IF NOT EXISTS change_sequence (
  id             TINYINT UNSIGNED NOT NULL,
  last_position  BIGINT NOT NULL,
  pruned_through BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB;

INSERT IGNORE INTO change_sequence (id, last_position, pruned_through) VALUES (1, 0, 0);
