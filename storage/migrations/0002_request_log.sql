-- Idempotent requests (AIP-155): the first response to each request_id, so that a retry gets it
-- back instead of doing the work twice. Rows older than the retention are pruned.
CREATE TABLE IF NOT EXISTS request_log (
  request_id   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  method       VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_hash BINARY(32) NOT NULL,
  response     MEDIUMBLOB NOT NULL,
  create_time  DATETIME(6) NOT NULL,
  PRIMARY KEY (request_id, method),
  KEY request_log_by_time (create_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
