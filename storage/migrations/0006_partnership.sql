-- Partners, contacts and agreements: resources under a library, stored by storage/resource_table
-- (one column per field of the proto message; repeated scalar fields in resource_values).
CREATE TABLE IF NOT EXISTS partners (
  library_id     VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id             VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  display_name   VARCHAR(300) NOT NULL,
  legal_name     VARCHAR(500) NOT NULL DEFAULT '',
  inn            VARCHAR(12) CHARACTER SET ascii COLLATE ascii_bin NULL,
  ogrn           VARCHAR(15) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  kind           TINYINT UNSIGNED NOT NULL,
  state          TINYINT UNSIGNED NOT NULL,
  website        VARCHAR(2000) NOT NULL DEFAULT '',
  email          VARCHAR(320) NOT NULL DEFAULT '',
  phone          VARCHAR(20) NOT NULL DEFAULT '',
  address        VARCHAR(1000) NOT NULL DEFAULT '',
  notes          TEXT NOT NULL,
  revision       BIGINT NOT NULL DEFAULT 1,
  create_time    DATETIME(6) NOT NULL,
  update_time    DATETIME(6) NOT NULL,
  delete_time    DATETIME(6) NULL,
  PRIMARY KEY (library_id, id),
  UNIQUE KEY partners_by_inn (library_id, inn),
  KEY partners_inn_network (inn),
  CONSTRAINT partners_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS contacts (
  library_id        VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id                VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  family_name       VARCHAR(100) NOT NULL DEFAULT '',
  given_name        VARCHAR(100) NOT NULL DEFAULT '',
  patronymic        VARCHAR(100) NOT NULL DEFAULT '',
  position          VARCHAR(300) NOT NULL DEFAULT '',
  partner           VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NULL,
  preferred_channel TINYINT UNSIGNED NOT NULL DEFAULT 0,
  notes             TEXT NOT NULL,
  erase_time        DATETIME(6) NULL,
  revision          BIGINT NOT NULL DEFAULT 1,
  create_time       DATETIME(6) NOT NULL,
  update_time       DATETIME(6) NOT NULL,
  delete_time       DATETIME(6) NULL,
  PRIMARY KEY (library_id, id),
  KEY contacts_by_partner (partner),
  CONSTRAINT contacts_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS agreements (
  library_id          VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id                  VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  partner             VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  number              VARCHAR(100) NOT NULL,
  title               VARCHAR(300) NOT NULL,
  kind                TINYINT UNSIGNED NOT NULL,
  state               TINYINT UNSIGNED NOT NULL,
  sign_date           DATE NULL,
  start_date          DATE NULL,
  end_date            DATE NULL,
  auto_renew          BOOLEAN NOT NULL DEFAULT FALSE,
  renewal_months      INT NOT NULL DEFAULT 0,
  subject             TEXT NOT NULL,
  library_obligations TEXT NOT NULL,
  partner_obligations TEXT NOT NULL,
  value               TEXT NOT NULL,
  documents           MEDIUMTEXT NOT NULL,
  termination_reason  VARCHAR(1000) NOT NULL DEFAULT '',
  revision            BIGINT NOT NULL DEFAULT 1,
  create_time         DATETIME(6) NOT NULL,
  update_time         DATETIME(6) NOT NULL,
  delete_time         DATETIME(6) NULL,
  PRIMARY KEY (library_id, id),
  UNIQUE KEY agreements_by_number (library_id, number),
  KEY agreements_by_partner (partner),
  KEY agreements_by_end (state, end_date),
  CONSTRAINT agreements_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Repeated scalar fields (tags, support forms, e-mails, phones, signatories) of any resource
-- under a library, in order.
CREATE TABLE IF NOT EXISTS resource_values (
  collection VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner_id   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  field      VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  position   SMALLINT NOT NULL,
  value      VARCHAR(500) NOT NULL,
  PRIMARY KEY (collection, library_id, owner_id, field, position),
  KEY resource_values_by_value (collection, field, value)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
