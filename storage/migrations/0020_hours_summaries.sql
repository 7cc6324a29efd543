-- Summaries of the approved hours (state 2, not deleted, with a work date), kept by triggers on
-- the hours table so that every write (the API, an import, a migration, a test's or the
-- bench's own SQL) keeps them exact in the same transaction. The network review
-- (storage/network_review.cc) reads them for the whole months and years of its period and the
-- rows for the rest: over 100 libraries with a million entries a summary holds thousands of
-- rows instead of a million.

-- Approved minutes and entries by library, month (202503) and project ('' for none): the hours
-- figures (by month, by project, by project and month).
CREATE TABLE IF NOT EXISTS hours_monthly (
  library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  month      INT NOT NULL,
  project    VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  minutes    BIGINT NOT NULL,
  entries    BIGINT NOT NULL,
  PRIMARY KEY (library_id, month, project)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Approved minutes and entries by library, year and volunteer: the active volunteers (a
-- positive net over the period).
CREATE TABLE IF NOT EXISTS hours_yearly (
  library_id   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  year         INT NOT NULL,
  volunteer_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  minutes      BIGINT NOT NULL,
  entries      BIGINT NOT NULL,
  PRIMARY KEY (library_id, year, volunteer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Each trigger takes a row that counts out of its groups (OLD, -1) and puts a row that counts
-- into them (NEW, +1); a group whose entries fall to 0 stays as a row of zeros, which the
-- review skips. An update that changes none of the columns counted does nothing (no lock on the
-- summaries' rows). Triggers, not a stored procedure they call: a logical backup
-- (mariadb-dump) keeps triggers by default and routines only when asked. CREATE OR REPLACE: run
-- again, the bodies are these. The rows written before the triggers are counted by 0021.
DELIMITER //
CREATE OR REPLACE TRIGGER hours_summaries_insert AFTER INSERT ON hours FOR EACH ROW
BEGIN
  IF NEW.state = 2 AND NEW.delete_time IS NULL AND NEW.work_date IS NOT NULL THEN
    INSERT INTO hours_monthly (library_id, month, project, minutes, entries)
      VALUES (NEW.library_id, EXTRACT(YEAR_MONTH FROM NEW.work_date), COALESCE(NEW.project, ''),
              NEW.minutes, 1)
      ON DUPLICATE KEY UPDATE minutes = minutes + VALUES(minutes), entries = entries + 1;
    INSERT INTO hours_yearly (library_id, year, volunteer_id, minutes, entries)
      VALUES (NEW.library_id, YEAR(NEW.work_date), NEW.volunteer_id, NEW.minutes, 1)
      ON DUPLICATE KEY UPDATE minutes = minutes + VALUES(minutes), entries = entries + 1;
  END IF;
END //
CREATE OR REPLACE TRIGGER hours_summaries_delete AFTER DELETE ON hours FOR EACH ROW
BEGIN
  IF OLD.state = 2 AND OLD.delete_time IS NULL AND OLD.work_date IS NOT NULL THEN
    UPDATE hours_monthly SET minutes = minutes - OLD.minutes, entries = entries - 1
      WHERE library_id = OLD.library_id AND month = EXTRACT(YEAR_MONTH FROM OLD.work_date)
        AND project = COALESCE(OLD.project, '');
    UPDATE hours_yearly SET minutes = minutes - OLD.minutes, entries = entries - 1
      WHERE library_id = OLD.library_id AND year = YEAR(OLD.work_date)
        AND volunteer_id = OLD.volunteer_id;
  END IF;
END //
CREATE OR REPLACE TRIGGER hours_summaries_update AFTER UPDATE ON hours FOR EACH ROW
BEGIN
  IF NOT (OLD.state <=> NEW.state AND OLD.delete_time <=> NEW.delete_time
          AND OLD.work_date <=> NEW.work_date AND OLD.minutes <=> NEW.minutes
          AND OLD.project <=> NEW.project AND OLD.library_id <=> NEW.library_id
          AND OLD.volunteer_id <=> NEW.volunteer_id) THEN
    IF OLD.state = 2 AND OLD.delete_time IS NULL AND OLD.work_date IS NOT NULL THEN
      UPDATE hours_monthly SET minutes = minutes - OLD.minutes, entries = entries - 1
        WHERE library_id = OLD.library_id AND month = EXTRACT(YEAR_MONTH FROM OLD.work_date)
          AND project = COALESCE(OLD.project, '');
      UPDATE hours_yearly SET minutes = minutes - OLD.minutes, entries = entries - 1
        WHERE library_id = OLD.library_id AND year = YEAR(OLD.work_date)
          AND volunteer_id = OLD.volunteer_id;
    END IF;
    IF NEW.state = 2 AND NEW.delete_time IS NULL AND NEW.work_date IS NOT NULL THEN
      INSERT INTO hours_monthly (library_id, month, project, minutes, entries)
        VALUES (NEW.library_id, EXTRACT(YEAR_MONTH FROM NEW.work_date), COALESCE(NEW.project, ''),
                NEW.minutes, 1)
        ON DUPLICATE KEY UPDATE minutes = minutes + VALUES(minutes), entries = entries + 1;
      INSERT INTO hours_yearly (library_id, year, volunteer_id, minutes, entries)
        VALUES (NEW.library_id, YEAR(NEW.work_date), NEW.volunteer_id, NEW.minutes, 1)
        ON DUPLICATE KEY UPDATE minutes = minutes + VALUES(minutes), entries = entries + 1;
    END IF;
  END IF;
END //
DELIMITER ;
