-- The library network. Ids are the {library} segment of "libraries/{library}".
CREATE TABLE IF NOT EXISTS libraries (
  id           VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  parent_id    VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NULL,
  display_name VARCHAR(300) NOT NULL,
  kind         TINYINT UNSIGNED NOT NULL,
  region       VARCHAR(300) NOT NULL DEFAULT '',
  address      VARCHAR(1000) NOT NULL DEFAULT '',
  website      VARCHAR(2000) NOT NULL DEFAULT '',
  revision     BIGINT NOT NULL DEFAULT 1,
  create_time  DATETIME(6) NOT NULL,
  update_time  DATETIME(6) NOT NULL,
  delete_time  DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY libraries_by_parent (parent_id, id),
  CONSTRAINT libraries_parent_fk FOREIGN KEY (parent_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
