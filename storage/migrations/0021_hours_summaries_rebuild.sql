-- The hours summaries (0020) rebuilt from the hours rows: the rows written before the triggers
-- existed are counted, and a summary that ever went wrong is set right by running this again
-- (allies-migrate --redo=21).
--
-- Writes may go on meanwhile (the previous release still serving): the triggers already keep
-- the summaries, so the rebuild must neither lose a write nor count it twice. It runs in one
-- REPEATABLE READ transaction (the connection's default is READ COMMITTED, set back after):
-- the DELETEs take the summaries' rows (waiting for writers whose triggers hold them), and at
-- REPEATABLE READ an INSERT ... SELECT reads the hours with shared next-key locks, so it waits
-- for writers still open and sees what they committed, while writers that come later wait
-- for the COMMIT and their triggers then add to the rebuilt sums. Over a million rows it holds
-- those writers back for about a second (bench/review_bench's network).
SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ;
START TRANSACTION;
DELETE FROM hours_monthly;
DELETE FROM hours_yearly;
INSERT INTO hours_monthly (library_id, month, project, minutes, entries)
  SELECT library_id, EXTRACT(YEAR_MONTH FROM work_date), COALESCE(project, ''), SUM(minutes),
         COUNT(*)
  FROM hours WHERE state = 2 AND delete_time IS NULL AND work_date IS NOT NULL
  GROUP BY library_id, EXTRACT(YEAR_MONTH FROM work_date), COALESCE(project, '');
INSERT INTO hours_yearly (library_id, year, volunteer_id, minutes, entries)
  SELECT library_id, YEAR(work_date), volunteer_id, SUM(minutes), COUNT(*)
  FROM hours WHERE state = 2 AND delete_time IS NULL AND work_date IS NOT NULL
  GROUP BY library_id, YEAR(work_date), volunteer_id;
COMMIT;
SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
