-- Governance bodies (storage/governance_tables.cc): one set of tables per family, the reader
-- councils' declared here and the supervisory boards' made LIKE them (the two services share
-- one core; their tables differ only in name). A body's composition_revision is written first
-- by every change of its members (the row lock on one server, the certified write on a
-- cluster), so that two changes checking the composition never both pass.
CREATE TABLE IF NOT EXISTS reader_councils (
  library_id           VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id                   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  display_name         VARCHAR(300) NOT NULL,
  description          TEXT NOT NULL,
  kind                 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  rules                MEDIUMTEXT NULL,
  seat_count           INT NOT NULL,
  established_date     DATE NULL,
  regulation           VARCHAR(500) NOT NULL DEFAULT '',
  composition_revision BIGINT NOT NULL DEFAULT 0,
  revision             BIGINT NOT NULL DEFAULT 1,
  create_time          DATETIME(6) NOT NULL,
  update_time          DATETIME(6) NOT NULL,
  delete_time          DATETIME(6) NULL,
  PRIMARY KEY (library_id, id),
  CONSTRAINT reader_councils_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS reader_council_members (
  library_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  body_id         VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id              VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  person          VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  seat_kind       VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  staff_position  TINYINT UNSIGNED NOT NULL,
  role            TINYINT UNSIGNED NOT NULL,
  term_start_date DATE NULL,
  term_end_date   DATE NULL,
  end_date        DATE NULL,
  end_reason      TINYINT UNSIGNED NOT NULL DEFAULT 0,
  appointment_act VARCHAR(500) NOT NULL DEFAULT '',
  revision        BIGINT NOT NULL DEFAULT 1,
  create_time     DATETIME(6) NOT NULL,
  update_time     DATETIME(6) NOT NULL,
  delete_time     DATETIME(6) NULL,
  PRIMARY KEY (library_id, body_id, id),
  KEY reader_council_members_by_person (person),
  KEY reader_council_members_by_term_end (term_end_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS reader_council_meetings (
  library_id           VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  body_id              VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id                   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  title                VARCHAR(300) NOT NULL,
  start_time           DATETIME(6) NULL,
  local_start_time     VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  meeting_date         DATE NULL,
  place                VARCHAR(500) NOT NULL DEFAULT '',
  online_url           VARCHAR(2000) NOT NULL DEFAULT '',
  state                TINYINT UNSIGNED NOT NULL,
  attendance           MEDIUMTEXT NULL,
  members_in_office    INT NOT NULL DEFAULT 0,
  present_count        INT NOT NULL DEFAULT 0,
  notified_count       INT NOT NULL DEFAULT 0,
  quorum               BOOLEAN NOT NULL DEFAULT FALSE,
  minutes              MEDIUMTEXT NOT NULL,
  minutes_approve_time DATETIME(6) NULL,
  minutes_approved_at  VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  amendments           MEDIUMTEXT NULL,
  revision             BIGINT NOT NULL DEFAULT 1,
  create_time          DATETIME(6) NOT NULL,
  update_time          DATETIME(6) NOT NULL,
  delete_time          DATETIME(6) NULL,
  PRIMARY KEY (library_id, body_id, id),
  KEY reader_council_meetings_by_date (library_id, body_id, meeting_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS reader_council_agenda_items (
  library_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  body_id         VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  meeting_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id              VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  position        INT NOT NULL,
  title           VARCHAR(500) NOT NULL,
  question_kind   VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  description     TEXT NOT NULL,
  amends_meeting  VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  motion          TEXT NOT NULL,
  votes           MEDIUMTEXT NULL,
  outcome         TINYINT UNSIGNED NOT NULL,
  yes_count       INT NOT NULL DEFAULT 0,
  no_count        INT NOT NULL DEFAULT 0,
  abstain_count   INT NOT NULL DEFAULT 0,
  recused_count   INT NOT NULL DEFAULT 0,
  base            INT NOT NULL DEFAULT 0,
  required_yes    INT NOT NULL DEFAULT 0,
  casting_vote    BOOLEAN NOT NULL DEFAULT FALSE,
  decision_rule   TINYINT UNSIGNED NOT NULL DEFAULT 0,
  repeated_values MEDIUMTEXT NULL,
  revision        BIGINT NOT NULL DEFAULT 1,
  create_time     DATETIME(6) NOT NULL,
  update_time     DATETIME(6) NOT NULL,
  delete_time     DATETIME(6) NULL,
  PRIMARY KEY (library_id, body_id, meeting_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- live_item holds one live decision per agenda item (a unique key).
CREATE TABLE IF NOT EXISTS reader_council_decisions (
  library_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  body_id         VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id              VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  agenda_item     VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  meeting         VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  decision_date   DATE NULL,
  title           VARCHAR(300) NOT NULL,
  text            TEXT NOT NULL,
  repeated_values MEDIUMTEXT NULL,
  revision        BIGINT NOT NULL DEFAULT 1,
  create_time     DATETIME(6) NOT NULL,
  update_time     DATETIME(6) NOT NULL,
  delete_time     DATETIME(6) NULL,
  live_item       VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin
                  AS (IF(delete_time IS NULL, agenda_item, NULL)) PERSISTENT,
  PRIMARY KEY (library_id, body_id, id),
  UNIQUE KEY reader_council_decisions_live_item (live_item)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS reader_council_action_items (
  library_id   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  body_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  decision_id  VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id           VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  title        VARCHAR(500) NOT NULL,
  owner_member VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  owner        VARCHAR(300) NOT NULL DEFAULT '',
  due_date     DATE NULL,
  state        TINYINT UNSIGNED NOT NULL,
  state_reason VARCHAR(1000) NOT NULL DEFAULT '',
  state_time   DATETIME(6) NULL,
  revision     BIGINT NOT NULL DEFAULT 1,
  create_time  DATETIME(6) NOT NULL,
  update_time  DATETIME(6) NOT NULL,
  delete_time  DATETIME(6) NULL,
  PRIMARY KEY (library_id, body_id, decision_id, id),
  KEY reader_council_action_items_by_due (state, due_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS supervisory_boards LIKE reader_councils;
CREATE TABLE IF NOT EXISTS supervisory_board_members LIKE reader_council_members;
CREATE TABLE IF NOT EXISTS supervisory_board_meetings LIKE reader_council_meetings;
CREATE TABLE IF NOT EXISTS supervisory_board_agenda_items LIKE reader_council_agenda_items;
CREATE TABLE IF NOT EXISTS supervisory_board_decisions LIKE reader_council_decisions;
CREATE TABLE IF NOT EXISTS supervisory_board_action_items LIKE reader_council_action_items;
