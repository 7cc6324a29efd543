-- Reports (services/report): the yearly reports' snapshots, the regional forms' lines as data,
-- and the two indexes the network review needs to answer within a second over a network of
-- 100 libraries with a million hours entries (bench/review_bench).

-- "libraries/{library}/reports/{year}": the review as built (JSON of allies.v1.NetworkReview;
-- a network's drill-down runs to megabytes, hence LONGTEXT), DRAFT (1) until APPROVED (2).
CREATE TABLE IF NOT EXISTS reports (
  library_id   VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  id           VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  year         INT NOT NULL,
  state        TINYINT UNSIGNED NOT NULL,
  review       LONGTEXT NOT NULL,
  approver     VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  approve_time DATETIME(6) NULL,
  revision     BIGINT NOT NULL DEFAULT 1,
  create_time  DATETIME(6) NOT NULL,
  update_time  DATETIME(6) NOT NULL,
  PRIMARY KEY (library_id, id),
  CONSTRAINT reports_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The lines of regional forms the review's figures fill: `expression` is a sum of figure keys
-- ("a + b"), divided by `scale`; empty when Allies does not hold the data (the line is shown
-- with its note). Kept as data: a form's new edition is new rows, not new code.
-- Network-wide (the forms are the country's, not a library's): its key has no library_id.
CREATE TABLE IF NOT EXISTS report_template_lines (
  template    VARCHAR(63) NOT NULL,
  edition     VARCHAR(100) NOT NULL,
  position    INT NOT NULL,
  section     VARCHAR(20) NOT NULL,
  line        VARCHAR(20) NOT NULL,
  col         VARCHAR(20) NOT NULL,
  indicator   VARCHAR(1000) NOT NULL,
  expression  VARCHAR(2000) NOT NULL DEFAULT '',
  scale       DOUBLE NOT NULL DEFAULT 1,
  unit        VARCHAR(100) NOT NULL DEFAULT '',
  approximate BOOLEAN NOT NULL DEFAULT FALSE,
  note        VARCHAR(2000) NOT NULL DEFAULT '',
  PRIMARY KEY (template, edition, position)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- 6-НК (the federal statistical form of a public library), line and column numbers as the
-- 2016 edition (Rosstat order №764) prints them; check them against the edition the region
-- uses before relying on them. Only section 7's line 19 can be filled, approximately.
INSERT IGNORE INTO report_template_lines
  (template, edition, position, section, line, col, indicator, expression, scale, unit,
   approximate, note)
VALUES
  ('6-NK', '764/2016', 1, '7', '19', '7',
   'Поступило за год: благотворительные и спонсорские вклады',
   'agreements.value_signed.RUB.by_kind.SPONSORSHIP + agreements.value_signed.RUB.by_kind.DONATION',
   1000, 'тыс. руб.', TRUE,
   'Сумма договоров спонсорства и пожертвования, подписанных в году, а не поступившие средства: '
   'многолетний договор учтён целиком в году подписания, натуральная помощь — по оценке в '
   'договоре, суммы в иной валюте не учтены.'),
  ('6-NK', '764/2016', 2, '4', '12', '9', 'Число посещений массовых мероприятий', '', 1, 'ед.',
   FALSE,
   'Не заполняется: в Allies учитываются мероприятия с партнёрами (interactions.by_kind.EVENT), '
   'а не их посещения.'),
  ('6-NK', '764/2016', 3, '4', '12', '2', 'Число зарегистрированных пользователей', '', 1,
   'чел.', FALSE,
   'Не заполняется: читатели не ведутся в Allies, волонтёры не являются пользователями.'),
  ('6-NK', '764/2016', 4, '6', '18', '', 'Численность работников', '', 1, 'чел.', FALSE,
   'Не заполняется: штат библиотеки не ведётся в Allies.');

-- The interactions of a period by kind: without it the review reads every SYSTEM entry of the
-- library (at least two per hours entry).
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'activities' AND index_name = 'activities_by_kind'),
  'DO 0', 'CREATE INDEX activities_by_kind ON activities (library_id, kind, occurred_time)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

-- Hours by state and day, covering what the review sums (project, minutes, delete_time; the
-- volunteer comes with the primary key): the review reads the index alone instead of a
-- million rows with their descriptions. It replaces hours_by_state_date, its prefix.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'hours' AND index_name = 'hours_by_state_day'),
  'DO 0', 'CREATE INDEX hours_by_state_day ON hours (library_id, state, work_date, project, minutes, delete_time)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'hours' AND index_name = 'hours_by_state_date'),
  'DROP INDEX hours_by_state_date ON hours', 'DO 0');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;
