"""The SQL the region's report runs, as texts a document can quote.

Each query reads one table once (``events``, ``walks``, ``help``, ``workshops``: in DuckDB
a view over the folder's Parquet files, :data:`VIEW`; in Spark or Trino the table over the
same folder) and keeps to what Spark SQL and Trino share: plain ``GROUP BY``, ``GROUPING
SETS``, ``COUNT``, ``SUM``, ``CASE``. Two things are engine-specific:

- ``median(x)`` (DuckDB, Spark >= 3.4; Trino has only ``approx_percentile(x, 0.5)``), the
  exact median, the mean of the two middle values for an even count, as the hub computes it;
- the parameters ``$start`` and ``$end`` (DuckDB's named parameters; ``:start`` in Spark,
  ``?`` in Trino), two dates; a report without a period passes 0001-01-01 and 9999-12-31.

The filter on ``day`` (a partition column, from the path) lets the engine skip the files
outside the period without opening them.
"""

from __future__ import annotations

#: DuckDB: one table of the folder, ``office`` and ``day`` read from the path
VIEW = ("CREATE VIEW {table} AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "
        "hive_types = {{'office': VARCHAR, 'day': DATE}})")

#: DuckDB: the schema versions of a list of files (``$files``), with a file for each
VERSIONS = """
SELECT value, COUNT(*) AS files, MIN(file_name) AS example
FROM parquet_kv_metadata($files)
WHERE key = 'guichet.schema_version'
GROUP BY value
"""

#: events, one pass: per office, type, step (step events only) and feedback value
#: (feedback only): the events (``n``) and, for steps, the visits that reached the step,
#: counted once per office, day and session (``reached``)
EVENTS = """
SELECT office, type, flow_id, step_id, value, SUM(n) AS n, COUNT(*) AS reached
FROM (
  SELECT office, day, type, session, flow_id, step_id, value, COUNT(*) AS n
  FROM (
    SELECT office, day, type,
           CASE WHEN type = 'step' THEN session END AS session,
           CASE WHEN type = 'step' THEN flow_id END AS flow_id,
           CASE WHEN type = 'step' THEN step_id END AS step_id,
           CASE WHEN type = 'feedback' THEN value END AS value
    FROM events
    WHERE day >= $start AND day <= $end
  ) e
  GROUP BY office, day, type, session, flow_id, step_id, value
) v
GROUP BY office, type, flow_id, step_id, value
"""

#: walks, one pass: per office, flow and step quit on (none for a session not quit)
WALKS = """
SELECT office, flow_id, quit_step,
       COUNT(*) AS sessions,
       SUM(CASE WHEN result = 'completed' THEN 1 ELSE 0 END) AS completed,
       SUM(help_calls) AS help_calls
FROM walks
WHERE day >= $start AND day <= $end
GROUP BY office, flow_id, quit_step
"""

#: help, one pass: per office and step, per office, and for the region (``by_office`` and
#: ``by_step`` are 1 on the rows that sum over offices, or over steps)
HELP = """
SELECT office, flow_id, step_id,
       GROUPING(office) AS by_office, GROUPING(step_id) AS by_step,
       COUNT(*) AS n,
       SUM(CASE WHEN kind = 'help' THEN 1 ELSE 0 END) AS help_calls,
       SUM(CASE WHEN answered THEN 1 ELSE 0 END) AS answered,
       median(CASE WHEN answered THEN wait_seconds END) AS median_wait_seconds,
       SUM(CASE WHEN status <> 'cancelled' AND (kind = 'workshop' OR outcome = 'workshop')
                THEN 1 ELSE 0 END) AS workshop_referrals
FROM help
WHERE day >= $start AND day <= $end
GROUP BY GROUPING SETS ((office, flow_id, step_id), (office), ())
"""

#: workshops, one pass: per office, the workshops held (not cancelled) and their people
WORKSHOPS = """
SELECT office,
       COUNT(*) AS n,
       SUM(CASE WHEN cancelled THEN 0 ELSE 1 END) AS workshops,
       SUM(CASE WHEN cancelled THEN 0 ELSE registered END) AS registered,
       SUM(CASE WHEN cancelled THEN 0 ELSE attended END) AS attended
FROM workshops
WHERE day >= $start AND day <= $end
GROUP BY office
"""
