-- Scale-out keys (see DESIGN.md, "Scale-out rules"): library_id leads the primary key of every
-- per-library table. Nothing is lost:
--   - activities are keyed (library_id, id); their related resources, which were rows of
--     activity_related, become rows of resource_values (collection 'activities', field
--     'related'), the one home of every repeated field, which is keyed by library first;
--   - request_log carries the library of the request (rows from before: '', still replayed);
--   - resource_values owners may be nested resources ("project/shift" ids joined by '/');
--   - a partner's last interaction is stored (kept by the activity log's writes) instead of
--     computed on every read; it is filled here from the log.
-- MySQL commits each DDL statement on its own, so each step checks whether it was already done
-- (a migrator that died halfway runs the file again): the step's SQL is chosen at run time and
-- run as a prepared statement, which MariaDB and MySQL 8 both accept.

-- A partner's last interaction, stored.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'partners' AND column_name = 'last_interaction_time'),
  'DO 0',
  'ALTER TABLE partners ADD COLUMN last_interaction_time DATETIME(6) NULL AFTER notes');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

SET @step = IF(EXISTS(SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE()
                      AND table_name = 'activity_related'),
  'UPDATE partners p SET last_interaction_time = (SELECT MAX(a.occurred_time)
     FROM activity_related r JOIN activities a ON a.id = r.activity_id
     WHERE r.resource = CONCAT(''libraries/'', p.library_id, ''/partners/'', p.id)
       AND a.kind <> 1 AND a.delete_time IS NULL)',
  'DO 0');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

-- resource_values: keyed by library first; owners of nested resources.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'resource_values' AND index_name = 'PRIMARY'
                      AND seq_in_index = 1 AND column_name = 'library_id'),
  'DO 0',
  'ALTER TABLE resource_values
     MODIFY owner_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
     DROP PRIMARY KEY,
     ADD PRIMARY KEY (library_id, collection, owner_id, field, position),
     ADD KEY resource_values_in_library (library_id, collection, field, value)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

-- activity_related -> resource_values, in the order the related resources were read back in.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE()
                      AND table_name = 'activity_related'),
  'INSERT IGNORE INTO resource_values (collection, library_id, owner_id, field, position, value)
   SELECT ''activities'', a.library_id, r.activity_id, ''related'',
          ROW_NUMBER() OVER (PARTITION BY r.activity_id ORDER BY r.resource) - 1, r.resource
   FROM activity_related r JOIN activities a ON a.id = r.activity_id',
  'DO 0');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

DROP TABLE IF EXISTS activity_related;

-- activities: keyed (library_id, id); a resource's own entries are in its library.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'activities' AND index_name = 'PRIMARY'
                      AND seq_in_index = 1 AND column_name = 'library_id'),
  'DO 0',
  'ALTER TABLE activities
     DROP PRIMARY KEY,
     ADD PRIMARY KEY (library_id, id),
     DROP INDEX activities_by_resource,
     ADD KEY activities_by_resource (library_id, resource, create_time)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

-- request_log: the library a request changed ('' for what belongs to no library, and for the
-- requests remembered before this migration, which are looked up there too until they expire).
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE()
                      AND table_name = 'request_log' AND column_name = 'library_id'),
  'DO 0',
  'ALTER TABLE request_log
     ADD COLUMN library_id VARCHAR(63) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''''
       FIRST,
     DROP PRIMARY KEY,
     ADD PRIMARY KEY (library_id, principal, request_id, method)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

-- References to a partner are looked up within its library.
SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'contacts' AND index_name = 'contacts_by_partner'
                      AND seq_in_index = 1 AND column_name = 'library_id'),
  'DO 0',
  'ALTER TABLE contacts DROP INDEX contacts_by_partner,
     ADD KEY contacts_by_partner (library_id, partner)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;

SET @step = IF(EXISTS(SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE()
                      AND table_name = 'agreements' AND index_name = 'agreements_by_partner'
                      AND seq_in_index = 1 AND column_name = 'library_id'),
  'DO 0',
  'ALTER TABLE agreements DROP INDEX agreements_by_partner,
     ADD KEY agreements_by_partner (library_id, partner)');
PREPARE step FROM @step;
EXECUTE step;
DEALLOCATE PREPARE step;
