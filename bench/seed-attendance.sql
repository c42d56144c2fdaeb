-- bench/seed-attendance.sql - the province of bench/attendance's report
-- benchmark, seeded into a demo database in one transaction (sqlite3).
-- bench/attendance substitutes the parameters before running it:
--   @OFFICERS@    how many field officers to add (250000)
--   @CREATED_MS@  created_at / changed_at of the rows (Unix ms, 2026-01-01 PKT:
--                 long settled, so the attendance.close job and the reports
--                 see no posting changed since they last looked)
--   @MONTH@       the month of attendance, YYYY-MM (2026-10)
--
-- What it adds, ids from 8e15 up (daftar's own ids are ~3.8e17, so they cannot
-- collide):
--   people    8000000000000000 + n   generated = 1
--   posts     8100000000000000 + n   role field_officer, one per officer, in a
--             district unit of the month's last day (every one of them, in
--             turn) and one of the departments whose field officers the demo
--             posts at district level (in turn), valid from 2026-01-01 (or the
--             district's first day, for districts created later)
--   postings  8200000000000000 + n   the officer on that post from the same day, open
--   att_days  one row per officer and working day of the month (weekdays less
--             the holidays table): present (status 3) for ~90 %, first presence
--             08:50-09:14 PKT, or 09:16-09:59 and late = 1 for ~10 % of them;
--             no row (absent) for the rest
--   att_meta  counting_since = the month's first day
-- The fractions come from fixed hashes of (officer, day): every run seeds the
-- same rows.
PRAGMA cache_size = -262144;
BEGIN;

CREATE TEMP TABLE seed_month AS
SELECT '@MONTH@-01' AS first_day, date('@MONTH@-01', '+1 month', '-1 day') AS last_day;

-- the districts on the month's last day, with the first day each existed
CREATE TEMP TABLE seed_units AS
SELECT v.unit_id,
       MAX('2026-01-01', (SELECT MIN(a.valid_from) FROM org_unit_versions a WHERE a.unit_id = v.unit_id)) AS since,
       ROW_NUMBER() OVER (ORDER BY v.unit_id) - 1 AS i
FROM org_unit_versions v, seed_month m
WHERE v.kind = 'district' AND v.valid_from <= m.last_day AND (v.valid_to IS NULL OR v.valid_to > m.last_day);

-- the departments of the demo's district-level field officers
CREATE TEMP TABLE seed_depts AS
SELECT department_id, ROW_NUMBER() OVER (ORDER BY department_id) - 1 AS i
FROM (SELECT DISTINCT p.department_id FROM posts p JOIN org_unit_versions v ON v.unit_id = p.unit_id
      WHERE p.role = 'field_officer' AND v.kind = 'district');

CREATE TEMP TABLE seed_officers AS
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < @OFFICERS@ - 1)
SELECT n, u.unit_id, d.department_id, u.since
FROM seq
JOIN seed_units u ON u.i = n % (SELECT COUNT(*) FROM seed_units)
JOIN seed_depts d ON d.i = (n / (SELECT COUNT(*) FROM seed_units)) % (SELECT COUNT(*) FROM seed_depts);

INSERT INTO people (id, name, gender, cnic, phone, generated, created_at)
SELECT 8000000000000000 + n, 'Bench Officer ' || n, CASE WHEN n % 4 = 0 THEN 'female' ELSE 'male' END,
       '88888-' || printf('%07d', n) || '-' || (n % 10), NULL, 1, @CREATED_MS@
FROM seed_officers ORDER BY n;

INSERT INTO posts (id, designation, bps, department_id, unit_id, role, valid_from, valid_to, created_at)
SELECT 8100000000000000 + n, 'Field Officer', 16, department_id, unit_id, 'field_officer', since, NULL, @CREATED_MS@
FROM seed_officers ORDER BY n;

INSERT INTO postings (id, person_id, post_id, valid_from, valid_to, order_ref, created_at, changed_at)
SELECT 8200000000000000 + n, 8000000000000000 + n, 8100000000000000 + n, since, NULL,
       'BENCH/' || n, @CREATED_MS@, @CREATED_MS@
FROM seed_officers ORDER BY n;

-- the working days of the month, with the Unix ms of their midnight in PKT (UTC+5)
CREATE TEMP TABLE seed_days AS
WITH RECURSIVE d(day) AS (
  SELECT first_day FROM seed_month
  UNION ALL SELECT date(day, '+1 day') FROM d, seed_month m WHERE day < m.last_day
)
SELECT day, ROW_NUMBER() OVER (ORDER BY day) AS k,
       CAST(ROUND((julianday(day) - 2440587.5) * 86400) AS INTEGER) * 1000 - 18000000 AS midnight_ms
FROM d
WHERE strftime('%w', day) NOT IN ('0', '6') AND day NOT IN (SELECT day FROM holidays);

-- h: present when below 900 (of 1000); l: late when below 100 (of 1000)
INSERT INTO att_days (person_id, day, unit_id, department_id, status, first_ms, late, checkins)
SELECT 8000000000000000 + n, day, unit_id, department_id, 3,
       midnight_ms + CASE WHEN l < 100 THEN 33360000 + (l * 26003) % 2580000   -- 09:16 .. 09:59
                          ELSE 31800000 + (l * 7919) % 1440000 END,           -- 08:50 .. 09:13
       l < 100, 1 + (h % 3)
FROM (SELECT o.n, o.unit_id, o.department_id, s.day, s.midnight_ms,
             (o.n * 7919 + s.k * 104729 + (o.n / 7) * 31) % 1000 AS h,
             (o.n * 5347 + s.k * 15485863 + (o.n / 13) * 17) % 1000 AS l
      FROM seed_officers o, seed_days s
      WHERE s.day >= o.since)
WHERE h < 900
ORDER BY n, day;

INSERT INTO att_meta (name, value) SELECT 'counting_since', first_day FROM seed_month WHERE true
ON CONFLICT (name) DO UPDATE SET value = excluded.value;

COMMIT;
