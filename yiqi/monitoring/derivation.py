"""The roll-up as set operations: every dirty instrument's new samples become intervals in a handful of SQL
statements over temporary tables, on SQLite and PostgreSQL alike.

Why this is exact (the per-sample state machine is ``tests/reference.py``): a gap longer than ``gap_seconds`` ends
a *session* and resets everything, so sessions are independent. Within one, a state is accepted when a block of
samples showing it lasts the dwell (and then dates from the block's first sample); the first block of a session is
accepted at once. What a sample shows depends on the accepted state only for readings in the hysteresis band
(running if the instrument runs, else standby), and whether it runs changes only at the start of a block of one
*class* (running, off or standby readings, which show the same whatever the state) that lasts the dwell. So
"running or not" is the last such event before a sample: a window function, not a loop. Readings that show nothing
neither break nor extend a block; they only count as "seen" for gaps.

Statements, each over all instruments at once:
1. ``mr_start``: per dirty instrument, its profile and where to derive from — after the last sample read, from the
   open interval's start, from the last interval that settled before the earliest late sample (superseding it and what follows),
   or from the first sample.
2. ``mr_runs``: the samples since then, classified against each profile and collapsed into runs of one class
   without a gap (the one pass over raw samples).
3. ``mr_intervals``: runs → blocks of one class → running or not → what each block shows → blocks of one shown
   state → accepted changes → intervals (the last of the last session stays open).
"""

from django.db import connection

RUN = "running"
HYSTERESIS = "hysteresis"  # between running_exit and running_enter: running only if it was running


def seconds(start: str, end: str) -> str:
    """``end - start`` in seconds (SQLite: to the millisecond, as it keeps time)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end}) - ({start}))"
    return f"(ROUND((julianday({end}) - julianday({start})) * 86400000.0) / 1000.0)"


def plus_seconds(moment: str, secs: str) -> str:
    """``moment`` plus whole seconds, written as Django writes datetimes (SQLite keeps the fraction as it was)."""
    if connection.vendor == "postgresql":
        return f"({moment} + ({secs}) * INTERVAL '1 second')"
    return (
        f"(strftime('%%Y-%%m-%%d %%H:%%M:%%S', substr({moment}, 1, 19), ({secs}) || ' seconds')"
        f" || substr({moment}, 20))"
    )


def greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if connection.vendor == "postgresql" else f"MIN({a}, {b})"


def earliest(a: str, b: str) -> str:
    """The earlier of two times either of which may be NULL."""
    return f"CASE WHEN {a} IS NULL OR ({b} IS NOT NULL AND {b} < {a}) THEN {b} ELSE {a} END"


def start_sql() -> str:
    # A restart point must start more than dwell + gap before the earliest late sample: a late sample inside the
    # block that made a state accepted could undo that acceptance.
    settled = plus_seconds("b.dirty_from", "-(b.dwell + b.gap)")
    return f"""
CREATE TEMP TABLE mr_start AS
WITH dirty AS (
    SELECT instrument_id, MIN(dirty_from) AS dirty_from FROM mr_marks GROUP BY instrument_id
), base AS (
    SELECT d.instrument_id, i.unit_id, d.dirty_from,
           COALESCE(p.signal, %s) AS signal,
           COALESCE(p.standby_baseline, %s) AS baseline,
           COALESCE(p.on_threshold, %s) AS on_threshold,
           COALESCE(p.running_enter, %s) AS running_enter,
           COALESCE(p.running_exit, %s) AS running_exit,
           COALESCE(p.min_dwell_seconds, %s) AS dwell,
           COALESCE(p.sample_period_seconds, %s) AS period,
           COALESCE(p.gap_seconds, %s) AS gap,
           COALESCE(m.state, '') AS m_state, m.since AS m_since, COALESCE(m.candidate, '') AS m_candidate,
           m.candidate_since AS m_candidate_since, m.last_sample_at AS m_last
    FROM dirty d
    JOIN registry_instrument i ON i.id = d.instrument_id
    LEFT JOIN monitoring_monitoringprofile p ON p.instrument_id = d.instrument_id
    LEFT JOIN monitoring_instrumentmonitor m ON m.instrument_id = d.instrument_id
), moded AS (
    SELECT b.*,
           CASE WHEN b.m_last IS NOT NULL AND b.dirty_from > b.m_last THEN 'continue'
                WHEN b.m_state <> '' AND b.m_since < {settled} THEN 'open'
                ELSE 'rewind' END AS mode,
           (SELECT MAX(s.start) FROM monitoring_stateinterval s
            WHERE s.instrument_id = b.instrument_id AND s.superseded_at IS NULL AND s.start < {settled})
               AS anchor
    FROM base b
)
SELECT instrument_id, unit_id, dirty_from, signal, baseline, on_threshold, running_enter, running_exit, dwell,
       period, gap, mode, m_last,
       CASE mode WHEN 'continue' THEN (CASE WHEN m_candidate <> '' THEN m_candidate_since ELSE m_last END)
                 WHEN 'open' THEN m_since ELSE anchor END AS from_t,
       CASE WHEN mode = 'continue' AND m_candidate = '' THEN 0 ELSE 1 END AS inclusive,
       -- the sample before the first one read, for its gap (re-read samples had theirs checked)
       CASE WHEN mode = 'continue' AND m_candidate = '' THEN m_last END AS gap_prev,
       CASE WHEN mode = 'rewind' THEN COALESCE((SELECT s.state FROM monitoring_stateinterval s
                                               WHERE s.instrument_id = moded.instrument_id
                                                 AND s.superseded_at IS NULL AND s.start = moded.anchor), '')
            ELSE m_state END AS state0,
       CASE WHEN mode = 'rewind' THEN anchor ELSE m_since END AS since0,
       CASE WHEN mode = 'rewind' THEN anchor ELSE m_last END AS end0
FROM moded
"""


SUPERSEDE = """
UPDATE monitoring_stateinterval SET superseded_at = %s
WHERE superseded_at IS NULL AND EXISTS (
    SELECT 1 FROM mr_start r WHERE r.instrument_id = monitoring_stateinterval.instrument_id AND r.mode = 'rewind'
      AND (r.from_t IS NULL OR monitoring_stateinterval.start >= r.from_t))
"""


def class_sql() -> str:
    """A sample's class against its instrument's profile (``r``): its reported state; else its signal (the
    profile's, falling back to the other) under ``on_threshold`` is off, above the baseline by ``running_enter``
    running, by ``running_exit`` hysteresis (exit <= enter is a constraint), less standby; "" when unusable."""
    value = (
        "(CASE WHEN r.signal = 'current_a' THEN COALESCE(s.current_a, s.power_w) "
        "ELSE COALESCE(s.power_w, s.current_a) END)"
    )
    return (
        f"CASE WHEN s.state <> '' THEN s.state WHEN {value} IS NULL THEN '' "
        f"WHEN {value} < r.on_threshold THEN 'off' "
        f"WHEN {value} - r.baseline >= r.running_enter THEN '{RUN}' "
        f"WHEN {value} - r.baseline >= r.running_exit THEN '{HYSTERESIS}' ELSE 'standby' END"
    )


def runs_sql() -> str:
    return f"""
CREATE TEMP TABLE mr_runs AS
WITH classed AS (
    SELECT s.instrument_id AS iid, s.t, s.device_id AS dev, {class_sql()} AS c, r.gap, r.gap_prev
    FROM monitoring_sample s JOIN mr_start r ON r.instrument_id = s.instrument_id
    WHERE r.from_t IS NULL OR s.t > r.from_t OR (r.inclusive = 1 AND s.t = r.from_t)
), marked AS (
    SELECT iid, t, dev, c,
           CASE WHEN {seconds("COALESCE(LAG(t) OVER w, gap_prev)", "t")} > gap THEN 1 ELSE 0 END AS gap_break,
           CASE WHEN LAG(c) OVER w = c THEN 0 ELSE 1 END AS class_break
    FROM classed WINDOW w AS (PARTITION BY iid ORDER BY t, dev)
), numbered AS (
    SELECT iid, t, c, SUM(gap_break) OVER w AS sess,
           SUM(CASE WHEN gap_break = 1 OR class_break = 1 THEN 1 ELSE 0 END) OVER w AS run
    FROM marked WINDOW w AS (PARTITION BY iid ORDER BY t, dev ROWS UNBOUNDED PRECEDING)
)
SELECT iid, run, MIN(sess) AS sess, MIN(c) AS c, MIN(t) AS first_t, MAX(t) AS last_t
FROM numbered GROUP BY iid, run
"""


FRESH = "(x.sess > 0 OR r.state0 = '')"  # a session that starts with no state


def blocks_sql() -> str:
    fresh = FRESH
    return f"""
CREATE TEMP TABLE mr_blocks AS
WITH shown_runs AS (
    SELECT iid, run, sess, c, first_t, last_t,
           CASE WHEN LAG(c) OVER (PARTITION BY iid, sess ORDER BY run) = c THEN 0 ELSE 1 END AS class_break
    FROM mr_runs WHERE c <> ''
), class_numbered AS (
    SELECT iid, sess, c, first_t, last_t,
           SUM(class_break) OVER (PARTITION BY iid, sess ORDER BY run ROWS UNBOUNDED PRECEDING) AS block
    FROM shown_runs
), class_blocks AS (
    SELECT iid, sess, block, MIN(c) AS c, MIN(first_t) AS first_t, MAX(last_t) AS last_t
    FROM class_numbered GROUP BY iid, sess, block
), run_events AS (
    -- 1 starts running, 0 stops, NULL changes nothing
    SELECT x.iid, x.sess, x.block, x.c, x.first_t, x.last_t,
           CASE WHEN {fresh} AND x.block = 1 THEN (CASE WHEN x.c = '{RUN}' THEN 1 ELSE 0 END)
                WHEN {seconds("x.first_t", "x.last_t")} < r.dwell OR x.c = '{HYSTERESIS}' THEN NULL
                WHEN x.c = '{RUN}' THEN 1 ELSE 0 END AS event,
           CASE WHEN x.sess = 0 AND r.state0 = '{RUN}' THEN 1 ELSE 0 END AS running0
    FROM class_blocks x JOIN mr_start r ON r.instrument_id = x.iid
), event_groups AS (
    SELECT iid, sess, block, c, first_t, last_t, event, running0,
           COUNT(event) OVER (PARTITION BY iid, sess ORDER BY block ROWS UNBOUNDED PRECEDING) AS grp
    FROM run_events
), shown AS (
    SELECT iid, sess, block, first_t, last_t,
           CASE WHEN c <> '{HYSTERESIS}' THEN c
                WHEN COALESCE(MAX(event) OVER (PARTITION BY iid, sess, grp), running0) = 1 THEN '{RUN}'
                ELSE 'standby' END AS shown
    FROM event_groups
), shown_marked AS (
    SELECT iid, sess, block, first_t, last_t, shown,
           CASE WHEN LAG(shown) OVER (PARTITION BY iid, sess ORDER BY block) = shown THEN 0 ELSE 1 END AS brk
    FROM shown
), shown_numbered AS (
    SELECT iid, sess, first_t, last_t, shown,
           SUM(brk) OVER (PARTITION BY iid, sess ORDER BY block ROWS UNBOUNDED PRECEDING) AS sblock
    FROM shown_marked
)
SELECT iid, sess, sblock, MIN(shown) AS shown, MIN(first_t) AS first_t, MAX(last_t) AS last_t
FROM shown_numbered GROUP BY iid, sess, sblock
"""


def intervals_sql() -> str:
    return f"""
CREATE TEMP TABLE mr_intervals AS
WITH accepted AS (
    -- blocks of two devices' readings at one moment are accepted at one time: the later block (in sample order)
    -- is the state from then on, as if the first lasted no time
    SELECT x.iid, x.sess, x.first_t AS t, 1 AS prio, x.sblock AS ord, x.shown AS state
    FROM mr_blocks x JOIN mr_start r ON r.instrument_id = x.iid
    WHERE ({FRESH} AND x.sblock = 1) OR {seconds("x.first_t", "x.last_t")} >= r.dwell
    UNION ALL
    SELECT instrument_id, 0, since0, 0, 0, state0 FROM mr_start WHERE state0 <> ''
), ordered AS (
    SELECT iid, sess, t, prio, ord, state,
           LAG(state) OVER (PARTITION BY iid, sess ORDER BY t, prio, ord) AS before
    FROM accepted
), changes AS (
    SELECT iid, sess, t, prio, ord, state FROM ordered WHERE before IS NULL OR before <> state
), session_ends AS (
    SELECT iid, sess, MAX(last_t) AS last_t FROM (
        SELECT iid, sess, last_t FROM mr_runs
        UNION ALL SELECT instrument_id, 0, end0 FROM mr_start WHERE end0 IS NOT NULL
    ) seen GROUP BY iid, sess
), last_sessions AS (
    SELECT iid, MAX(sess) AS sess FROM session_ends GROUP BY iid
)
SELECT c.iid, c.state, c.t AS start,
       COALESCE(LEAD(c.t) OVER (PARTITION BY c.iid, c.sess ORDER BY c.t, c.prio, c.ord),
                {plus_seconds("e.last_t", "r.period")}) AS finish,
       CASE WHEN c.sess = l.sess AND LEAD(c.t) OVER (PARTITION BY c.iid, c.sess ORDER BY c.t, c.prio, c.ord) IS NULL
            THEN 1 ELSE 0 END AS is_open
FROM changes c
JOIN session_ends e ON e.iid = c.iid AND e.sess = c.sess
JOIN last_sessions l ON l.iid = c.iid
JOIN mr_start r ON r.instrument_id = c.iid
"""


INSERT_INTERVALS = """
INSERT INTO monitoring_stateinterval (instrument_id, state, start, "end", created_at, superseded_at)
SELECT iid, state, start, finish, %s, NULL FROM mr_intervals WHERE is_open = 0 AND finish > start
"""


def monitor_sql() -> str:
    """Each instrument's new standing: the open interval, the candidate (the last block of the last session when
    it shows another state than the open one), the last sample, and from when days and usage records changed."""
    return f"""
CREATE TEMP TABLE mr_monitor AS
WITH open_rows AS (
    SELECT iid, state, start FROM mr_intervals WHERE is_open = 1
), seen AS (
    SELECT iid, MAX(sess) AS sess, MAX(last_t) AS last_t FROM mr_runs GROUP BY iid
), last_blocks AS (
    SELECT b.iid, b.shown, b.first_t FROM mr_blocks b
    JOIN (SELECT iid, sess, MAX(sblock) AS sblock FROM mr_blocks GROUP BY iid, sess) m
      ON m.iid = b.iid AND m.sess = b.sess AND m.sblock = b.sblock
    JOIN seen ON seen.iid = b.iid AND seen.sess = b.sess
), first_changes AS (
    SELECT iid, MIN(start) AS start FROM mr_intervals GROUP BY iid
)
SELECT r.instrument_id AS iid, r.unit_id, r.period, COALESCE(o.state, '') AS state, o.start AS since,
       CASE WHEN b.shown <> COALESCE(o.state, '') THEN b.shown ELSE '' END AS candidate,
       CASE WHEN b.shown <> COALESCE(o.state, '') THEN b.first_t END AS candidate_since,
       COALESCE(seen.last_t, r.m_last) AS last_t,
       {earliest(earliest("r.dirty_from", "r.since0"), "f.start")} AS changed_from
FROM mr_start r
LEFT JOIN open_rows o ON o.iid = r.instrument_id
LEFT JOIN seen ON seen.iid = r.instrument_id
LEFT JOIN last_blocks b ON b.iid = r.instrument_id
LEFT JOIN first_changes f ON f.iid = r.instrument_id
"""


NEW_MONITORS = """
INSERT INTO monitoring_instrumentmonitor (instrument_id, state, candidate)
SELECT iid, '', '' FROM mr_monitor n
WHERE NOT EXISTS (SELECT 1 FROM monitoring_instrumentmonitor m WHERE m.instrument_id = n.iid)
"""

UPDATE_MONITORS = """
UPDATE monitoring_instrumentmonitor
SET state = n.state, since = n.since, candidate = n.candidate, candidate_since = n.candidate_since,
    last_sample_at = n.last_t, rolled_up_at = %s
FROM mr_monitor n WHERE monitoring_instrumentmonitor.instrument_id = n.iid
"""

CALENDAR_TABLE = "CREATE TEMP TABLE mr_calendar (day DATE, day_start TIMESTAMP WITH TIME ZONE, day_end TIMESTAMP WITH TIME ZONE)"


def spans_sql() -> str:
    """The current intervals of the instruments rolled up, and their open ones."""
    return f"""
spans AS (
    SELECT s.instrument_id AS iid, s.state, s.start, s."end" AS finish
    FROM monitoring_stateinterval s JOIN mr_monitor n ON n.iid = s.instrument_id
    WHERE s.superseded_at IS NULL
    UNION ALL
    SELECT iid, state, since, {plus_seconds("last_t", "period")} FROM mr_monitor WHERE state <> ''
)"""


def daily_hours_sql() -> str:
    """Every local day from each instrument's earliest change to its last sample: seconds running, in standby
    and covered by any interval."""
    overlap = seconds(greatest("sp.start", "c.day_start"), least("sp.finish", "c.day_end"))
    return f"""
WITH {spans_sql()}
INSERT INTO monitoring_dailyhours
    (instrument_id, unit_id, day, running_seconds, standby_seconds, covered_seconds, updated_at)
SELECT n.iid, n.unit_id, c.day,
       ROUND(COALESCE(SUM(CASE WHEN sp.state = '{RUN}' THEN {overlap} ELSE 0 END), 0)),
       ROUND(COALESCE(SUM(CASE WHEN sp.state = 'standby' THEN {overlap} ELSE 0 END), 0)),
       {least(f"ROUND(COALESCE(SUM({overlap}), 0))", "86400")}, %s
FROM mr_monitor n
JOIN mr_calendar c ON c.day_end > n.changed_from AND c.day_start <= {greatest("n.last_t", "n.changed_from")}
LEFT JOIN spans sp ON sp.iid = n.iid AND sp.start < c.day_end AND sp.finish > c.day_start
WHERE 1 = 1
GROUP BY n.iid, n.unit_id, c.day
ON CONFLICT (instrument_id, day) DO UPDATE SET
    running_seconds = excluded.running_seconds, standby_seconds = excluded.standby_seconds,
    covered_seconds = excluded.covered_seconds, updated_at = excluded.updated_at
"""


def usage_sql() -> str:
    """(record, seconds running within it, whether any interval covers part of it) for the usage records ending
    after their instrument's earliest change."""
    overlap = seconds(greatest("sp.start", "u.started_at"), least("sp.finish", "u.ended_at"))
    return f"""
WITH {spans_sql()}
SELECT u.id, COALESCE(SUM(CASE WHEN sp.state = '{RUN}' THEN {overlap} ELSE 0 END), 0), COUNT(sp.iid)
FROM usage_usagerecord u
JOIN mr_monitor n ON n.iid = u.instrument_id AND u.ended_at > n.changed_from
LEFT JOIN spans sp ON sp.iid = u.instrument_id AND sp.start < u.ended_at AND sp.finish > u.started_at
GROUP BY u.id
"""


# A mark is cleared only if no sample arrived since it was read (a newer write moved last_seen on).
CLEAR_MARKS = """
UPDATE monitoring_device SET dirty_from = NULL WHERE EXISTS (
    SELECT 1 FROM mr_marks k WHERE k.id = monitoring_device.id AND k.dirty_from = monitoring_device.dirty_from
      AND (k.last_seen = monitoring_device.last_seen OR (k.last_seen IS NULL AND monitoring_device.last_seen IS NULL)))
"""
