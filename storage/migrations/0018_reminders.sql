-- Reminders (services/reminder): a library's own e-mail address (the sender of its reminders,
-- and where its staff's reminders go) and the delivery ledger, one row per reminder ever sent
-- or being sent. The rule (ARCHITECTURE.md, "Reminders"): a row is SENDING (committed) before
-- the message goes to the relay and SENT after; a SENDING row found by the next run is re-sent
-- once with possible_duplicate set, and never again (UNCONFIRMED) if that run dies too.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'libraries' AND column_name = 'email'),
  'DO 0',
  'ALTER TABLE libraries ADD COLUMN email VARCHAR(254) NOT NULL DEFAULT '''' AFTER time_zone');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

CREATE TABLE IF NOT EXISTS reminder_deliveries (
  library_id         VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- The reminder's id: hex of the SHA-256 of its key (kind, subject, occasion, recipient).
  id                 CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  reminder_key       VARCHAR(1000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind               TINYINT UNSIGNED NOT NULL,
  -- A resource name (the volunteer, or the library for its staff); never an address: the
  -- address is read at each attempt, so an erased or opted-out person gets nothing.
  recipient          VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  -- 1 SENDING, 2 SENT, 3 RETRYING (the relay refused or was down), 4 UNCONFIRMED (a re-send
  -- was interrupted too: not sent again).
  state              TINYINT UNSIGNED NOT NULL,
  attempts           INT NOT NULL DEFAULT 0,
  resends            INT NOT NULL DEFAULT 0,
  possible_duplicate BOOLEAN NOT NULL DEFAULT FALSE,
  last_error         VARCHAR(1000) NOT NULL DEFAULT '',
  next_attempt_time  DATETIME(6) NULL,
  create_time        DATETIME(6) NOT NULL,
  attempt_time       DATETIME(6) NULL,
  send_time          DATETIME(6) NULL,
  PRIMARY KEY (library_id, id),
  KEY reminder_deliveries_by_state (state, next_attempt_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
