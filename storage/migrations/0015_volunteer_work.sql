-- Volunteer work (storage/project_tables.cc): projects, their recurring schedules and shifts,
-- and sign-ups for shifts; a library's time zone (shifts read in it); a volunteer's booking
-- revision (the row every confirmation writes, so that two confirmations of one volunteer
-- conflict on any node of a cluster: see ARCHITECTURE.md, "Sign-ups").
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'libraries' AND column_name = 'time_zone'),
  'DO 0',
  'ALTER TABLE libraries ADD COLUMN time_zone VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
     NOT NULL DEFAULT ''Europe/Moscow'' AFTER website');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'volunteers' AND column_name = 'booking_revision'),
  'DO 0',
  'ALTER TABLE volunteers ADD COLUMN booking_revision BIGINT NOT NULL DEFAULT 0');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

CREATE TABLE IF NOT EXISTS projects (
  library_id              VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id                      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  title                   VARCHAR(300) NOT NULL,
  description             TEXT NOT NULL,
  partner                 VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  agreement               VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  branch                  VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  minimum_age             INT NOT NULL DEFAULT 0,
  start_date              DATE NULL,
  end_date                DATE NULL,
  state                   TINYINT UNSIGNED NOT NULL,
  state_reason            VARCHAR(1000) NOT NULL DEFAULT '',
  repeated_values         MEDIUMTEXT NULL,
  revision                BIGINT NOT NULL DEFAULT 1,
  create_time             DATETIME(6) NOT NULL,
  update_time             DATETIME(6) NOT NULL,
  delete_time             DATETIME(6) NULL,
  PRIMARY KEY (library_id, id),
  KEY projects_by_state (library_id, state, id),
  KEY projects_by_partner (partner),
  KEY projects_by_agreement (agreement),
  CONSTRAINT projects_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS schedules (
  library_id        VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  project_id        VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id                VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  project           VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  rule              VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  start_date        DATE NULL,
  start_time        CHAR(5) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  duration_minutes  INT NOT NULL,
  capacity          INT NOT NULL,
  waitlist_mode     TINYINT UNSIGNED NOT NULL,
  place             VARCHAR(1000) NOT NULL DEFAULT '',
  notes             TEXT NOT NULL,
  horizon_days      INT NOT NULL,
  generated_through DATE NULL,
  repeated_values   MEDIUMTEXT NULL,
  revision          BIGINT NOT NULL DEFAULT 1,
  create_time       DATETIME(6) NOT NULL,
  update_time       DATETIME(6) NOT NULL,
  delete_time       DATETIME(6) NULL,
  PRIMARY KEY (library_id, project_id, id),
  KEY schedules_by_generated (generated_through),
  CONSTRAINT schedules_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- confirmed_places is the capacity guard: written only by conditional UPDATEs
-- (confirmed_places + n <= capacity), never from the message, and held by a CHECK constraint;
-- places_revision is written first by every change of the shift's sign-ups (the row lock on
-- one server, the certified write on a cluster); waiting counts its WAITLISTED sign-ups, kept
-- under that lock.
CREATE TABLE IF NOT EXISTS shifts (
  library_id       VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  project_id       VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id               VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  project          VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  schedule         VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  occurrence_date  DATE NULL,
  start_time       DATETIME(6) NULL,
  end_time         DATETIME(6) NULL,
  capacity         INT NOT NULL,
  waitlist_mode    TINYINT UNSIGNED NOT NULL,
  place            VARCHAR(1000) NOT NULL DEFAULT '',
  notes            TEXT NOT NULL,
  confirmed_places INT NOT NULL DEFAULT 0,
  places_revision  BIGINT NOT NULL DEFAULT 0,
  waiting          INT NOT NULL DEFAULT 0,
  revision         BIGINT NOT NULL DEFAULT 1,
  create_time      DATETIME(6) NOT NULL,
  update_time      DATETIME(6) NOT NULL,
  delete_time      DATETIME(6) NULL,
  PRIMARY KEY (library_id, project_id, id),
  UNIQUE KEY shifts_by_occurrence (library_id, project_id, schedule, occurrence_date),
  KEY shifts_by_start (library_id, start_time),
  KEY shifts_by_start_anywhere (start_time),
  CONSTRAINT shifts_capacity CHECK (confirmed_places >= 0 AND confirmed_places <= capacity),
  CONSTRAINT shifts_waiting CHECK (waiting >= 0),
  CONSTRAINT shifts_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- live_volunteer holds one live sign-up per volunteer and shift (a unique key, which a
-- cluster certifies); a canceled or deleted one frees it.
CREATE TABLE IF NOT EXISTS signups (
  library_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  project_id      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  shift_id        VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id              VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  shift           VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  volunteer       VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  party_size      INT NOT NULL,
  source          TINYINT UNSIGNED NOT NULL,
  state           TINYINT UNSIGNED NOT NULL,
  state_reason    VARCHAR(1000) NOT NULL DEFAULT '',
  overlap_reason  VARCHAR(1000) NOT NULL DEFAULT '',
  waitlist_time   DATETIME(6) NULL,
  notes           VARCHAR(1000) NOT NULL DEFAULT '',
  live_volunteer  VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin AS
                    (IF(state <> 6 AND delete_time IS NULL, volunteer, NULL)) PERSISTENT,
  revision        BIGINT NOT NULL DEFAULT 1,
  create_time     DATETIME(6) NOT NULL,
  update_time     DATETIME(6) NOT NULL,
  delete_time     DATETIME(6) NULL,
  PRIMARY KEY (library_id, project_id, shift_id, id),
  UNIQUE KEY signups_one_per_volunteer (library_id, project_id, shift_id, live_volunteer),
  KEY signups_by_volunteer (library_id, volunteer, state),
  KEY signups_by_waitlist (library_id, project_id, shift_id, state, waitlist_time),
  CONSTRAINT signups_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A volunteer's hours (nested in volunteers). One entry per completed sign-up.
CREATE TABLE IF NOT EXISTS hours (
  library_id    VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  volunteer_id  VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id            VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  volunteer     VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  project       VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  shift         VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  signup        VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  work_date     DATE NULL,
  minutes       INT NOT NULL,
  description   TEXT NOT NULL,
  source        TINYINT UNSIGNED NOT NULL,
  state         TINYINT UNSIGNED NOT NULL,
  submitted_by  VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  reviewed_by   VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  review_time   DATETIME(6) NULL,
  review_note   VARCHAR(1000) NOT NULL DEFAULT '',
  corrects      VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  revision      BIGINT NOT NULL DEFAULT 1,
  create_time   DATETIME(6) NOT NULL,
  update_time   DATETIME(6) NOT NULL,
  delete_time   DATETIME(6) NULL,
  PRIMARY KEY (library_id, volunteer_id, id),
  UNIQUE KEY hours_by_signup (signup),
  KEY hours_by_state_date (library_id, state, work_date),
  KEY hours_by_project (project),
  KEY hours_by_corrects (corrects),
  CONSTRAINT hours_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
