-- A copy of each row's repeated values (its resource_values rows, encoded as the services read
-- them: "field<0x1E>value" entries joined by 0x1F, by field and position) kept in the row, so
-- that reading a row needs no subquery (each cost the database 25-40 us per Get). resource_values
-- stays what filters and reference walks use; every write keeps both in one transaction.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'partners' AND column_name = 'repeated_values'),
  'DO 0', 'ALTER TABLE partners ADD COLUMN repeated_values MEDIUMTEXT NULL');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'contacts' AND column_name = 'repeated_values'),
  'DO 0', 'ALTER TABLE contacts ADD COLUMN repeated_values MEDIUMTEXT NULL');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'agreements' AND column_name = 'repeated_values'),
  'DO 0', 'ALTER TABLE agreements ADD COLUMN repeated_values MEDIUMTEXT NULL');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'activities' AND column_name = 'repeated_values'),
  'DO 0', 'ALTER TABLE activities ADD COLUMN repeated_values MEDIUMTEXT NULL');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

UPDATE partners t SET t.repeated_values = (SELECT GROUP_CONCAT(v.field, CHAR(30 USING utf8mb4),
    v.value ORDER BY v.field, v.position SEPARATOR X'1F') FROM resource_values v
  WHERE v.library_id = t.library_id AND v.collection = 'partners' AND v.owner_id = t.id);
UPDATE contacts t SET t.repeated_values = (SELECT GROUP_CONCAT(v.field, CHAR(30 USING utf8mb4),
    v.value ORDER BY v.field, v.position SEPARATOR X'1F') FROM resource_values v
  WHERE v.library_id = t.library_id AND v.collection = 'contacts' AND v.owner_id = t.id);
UPDATE agreements t SET t.repeated_values = (SELECT GROUP_CONCAT(v.field, CHAR(30 USING utf8mb4),
    v.value ORDER BY v.field, v.position SEPARATOR X'1F') FROM resource_values v
  WHERE v.library_id = t.library_id AND v.collection = 'agreements' AND v.owner_id = t.id);
UPDATE activities t SET t.repeated_values = (SELECT GROUP_CONCAT(v.field, CHAR(30 USING utf8mb4),
    v.value ORDER BY v.field, v.position SEPARATOR X'1F') FROM resource_values v
  WHERE v.library_id = t.library_id AND v.collection = 'activities' AND v.owner_id = t.id);
