-- Partition the request events table (cases_caseevent) by month, on PostgreSQL.
-- docs/deploy.md explains when and why. Run it in a maintenance window, after a backup,
-- with the web servers and workers stopped:
--     psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f bench/partition-events.sql
-- It is one transaction: on any error nothing has changed.
BEGIN;
SET LOCAL TIME ZONE 'UTC';  -- partitions are calendar months in UTC
LOCK TABLE cases_caseevent IN ACCESS EXCLUSIVE MODE;

-- A partitioned table's unique keys must include the partition key, so nothing can keep
-- a foreign key to an event by its id alone: an attachment's link to its step is kept
-- by the application (events are never deleted).
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname, conrelid::regclass AS tab FROM pg_constraint
           WHERE confrelid = 'cases_caseevent'::regclass AND contype = 'f' LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tab, c.conname);
  END LOOP;
END $$;

ALTER TABLE cases_caseevent RENAME TO cases_caseevent_unpartitioned;
CREATE TABLE cases_caseevent (LIKE cases_caseevent_unpartitioned
                              INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE)
    PARTITION BY RANGE (at);
ALTER TABLE cases_caseevent ADD PRIMARY KEY (id, at);
CREATE INDEX cases_caseevent_case_id ON cases_caseevent (case_id);
CREATE INDEX cases_caseevent_at ON cases_caseevent (at);
CREATE INDEX cases_caseevent_actor_id ON cases_caseevent (actor_id);
CREATE INDEX cases_caseevent_from_unit_id ON cases_caseevent (from_unit_id);
CREATE INDEX cases_caseevent_to_unit_id ON cases_caseevent (to_unit_id);
ALTER TABLE cases_caseevent
  ADD FOREIGN KEY (case_id) REFERENCES cases_case (id) DEFERRABLE INITIALLY DEFERRED,
  ADD FOREIGN KEY (actor_id) REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED,
  ADD FOREIGN KEY (from_unit_id) REFERENCES directory_unit (id) DEFERRABLE INITIALLY DEFERRED,
  ADD FOREIGN KEY (to_unit_id) REFERENCES directory_unit (id) DEFERRABLE INITIALLY DEFERRED;

-- One partition per month from `first` to `last`; run it monthly (cron) to stay a year
-- ahead: SELECT open137_event_partitions(now()::date, (now() + interval '12 months')::date);
CREATE OR REPLACE FUNCTION open137_event_partitions(first date, last date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', first)::date;
  made integer := 0;
BEGIN
  WHILE m <= last LOOP
    IF to_regclass(format('cases_caseevent_%s', to_char(m, 'YYYY_MM'))) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF cases_caseevent FOR VALUES FROM (%L) TO (%L)',
                     'cases_caseevent_' || to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
      made := made + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN made;
END $$;

SELECT open137_event_partitions(
  coalesce((SELECT min(at) FROM cases_caseevent_unpartitioned), now())::date,
  (now() + interval '12 months')::date);
-- Anything outside the months made (a clock far off, history older than expected).
CREATE TABLE cases_caseevent_default PARTITION OF cases_caseevent DEFAULT;

INSERT INTO cases_caseevent SELECT * FROM cases_caseevent_unpartitioned;
SELECT setval(pg_get_serial_sequence('cases_caseevent', 'id'),
              greatest((SELECT max(id) FROM cases_caseevent), 1));
DO $$
BEGIN
  IF (SELECT count(*) FROM cases_caseevent) <> (SELECT count(*) FROM cases_caseevent_unpartitioned) THEN
    RAISE EXCEPTION 'event counts differ after the copy';
  END IF;
END $$;
DROP TABLE cases_caseevent_unpartitioned;
COMMIT;
ANALYZE cases_caseevent;
