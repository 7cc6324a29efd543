-- The activity log: system entries for every change (who, what, which fields; never the values)
-- and interactions recorded by staff.
CREATE TABLE IF NOT EXISTS activities (
  id             VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  library_id     VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  kind           TINYINT UNSIGNED NOT NULL,
  actor          VARCHAR(300) NOT NULL DEFAULT '',
  verb           VARCHAR(100) NOT NULL DEFAULT '',
  resource       VARCHAR(500) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  changed_fields VARCHAR(2000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  request_id     VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  subject        VARCHAR(300) NOT NULL DEFAULT '',
  description    TEXT NOT NULL,
  occurred_time  DATETIME(6) NOT NULL,
  follow_up_date DATE NULL,
  revision       BIGINT NOT NULL DEFAULT 1,
  create_time    DATETIME(6) NOT NULL,
  update_time    DATETIME(6) NOT NULL,
  delete_time    DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY activities_by_library (library_id, create_time, id),
  KEY activities_by_resource (resource, create_time),
  CONSTRAINT activities_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS activity_related (
  activity_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  resource    VARCHAR(500) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (activity_id, resource),
  KEY activity_related_by_resource (resource),
  CONSTRAINT activity_related_activity_fk FOREIGN KEY (activity_id) REFERENCES activities (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
