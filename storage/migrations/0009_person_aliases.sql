-- Every value a person was known by in this system and is no longer shown (a family name before
-- it changed, the names and contact points of a duplicate merged into the person): erasure
-- removes them from free text too, then deletes them; export lists them. Keyed by the person
-- (a resource of a table whose fields are personal data of the row itself).
CREATE TABLE IF NOT EXISTS person_aliases (
  library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  collection VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner_id   VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind       TINYINT UNSIGNED NOT NULL,
  value      VARCHAR(500) NOT NULL,
  PRIMARY KEY (library_id, collection, owner_id, kind, value)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
