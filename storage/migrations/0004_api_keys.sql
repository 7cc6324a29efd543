-- API keys: only a hash of each secret is kept.
CREATE TABLE IF NOT EXISTS api_keys (
  id           VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  library_id   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NULL,
  display_name VARCHAR(300) NOT NULL,
  role         TINYINT UNSIGNED NOT NULL,
  secret_hash  BINARY(32) NOT NULL,
  expire_time  DATETIME(6) NULL,
  revoke_time  DATETIME(6) NULL,
  revision     BIGINT NOT NULL DEFAULT 1,
  create_time  DATETIME(6) NOT NULL,
  update_time  DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY api_keys_by_library (library_id, id),
  CONSTRAINT api_keys_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
