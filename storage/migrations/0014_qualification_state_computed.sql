-- A qualification's state is computed when read (EXPIRED past expiry_date) and never written:
-- the column keeps a default for the rows written without it.
ALTER TABLE qualifications MODIFY state TINYINT UNSIGNED NOT NULL DEFAULT 1;
