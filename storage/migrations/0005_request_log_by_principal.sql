-- Request ids are the caller's own: a second caller reusing one is a different request (and
-- must never be answered with the first caller's response). request_log only holds 7 days of
-- replays, so it is rebuilt empty rather than altered (works alike on MariaDB and MySQL 8).
DROP TABLE IF EXISTS request_log;
CREATE TABLE request_log (
  principal    VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_id   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  method       VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_hash BINARY(32) NOT NULL,
  response     MEDIUMBLOB NOT NULL,
  create_time  DATETIME(6) NOT NULL,
  PRIMARY KEY (principal, request_id, method),
  KEY request_log_by_time (create_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
