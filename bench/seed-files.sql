-- bench/seed-files.sql - the files of bench/files' pendency report benchmark,
-- seeded into a demo database in one transaction (sqlite3). bench/files
-- substitutes the parameters before running it:
--   @FILES@     how many files to add (1000000)
--   @MOVES@     about how many movements in all (10000000); each file gets
--               about @MOVES@ / @FILES@ of them, its create included
--   @FROM_DAY@  the first day of movements (2026-01-01)
--   @FROM_MS@   its start in Unix ms (midnight PKT)
--   @END_MS@    every movement is before this (Unix ms: the start of the test
--               clock's day, 2026-12-31 PKT)
--   @DAY@       the test clock's day (2026-12-31): the posts used are the ones
--               held that day
--
-- What it adds (ids from 7e15 up; daftar's own are ~3.8e17):
--   files           7000000000000000 + n, numbered BENCH/n (a number no file
--                   scheme makes, so file_counters stays as it is), created in
--                   id order evenly over the year, in the office (unit and
--                   department) of the post that opened it, its state at the
--                   end of its movements, as daftar's moves keep it (holder,
--                   transit, status, version, the stage, its day and due day
--                   on the demo's calendar), so the report of now (from the
--                   files) and the replay of the movements agree
--   file_movements  per file: create, then k pairs send + receive (k from a
--                   fixed hash, 0 .. ~2 x the average), then its fate:
--                     30 % close (closed, where it lies),
--                     10 % park (parked), 5 % park + unpark,
--                     5 % send + pull_back, 20 % send (in transit),
--                     30 % nothing more (held);
--                   so 10 % parked, 30 % closed, 60 % pending. The posts
--                   walk a fixed stride through the posts held on @DAY@ that
--                   existed from @FROM_DAY@ on (so no move names a post before
--                   it existed). A file's movements are 2 to 96 hours apart
--                   (fewer for files made late in the year, so that all end
--                   before @END_MS@), and the table gets them in time order
--                   (rowid order = time order, as a live system writes them).
--                   No audit leaves (audit_index NULL, as for movements from
--                   before leaves were kept): the report does not read them.
--                   by_user is the demo administrator, by_person the person
--                   who holds the acting post on @DAY@.
-- The fractions come from fixed hashes of n: every run seeds the same rows.
PRAGMA cache_size = -1048576;
PRAGMA temp_store = FILE;
BEGIN;

-- the posts: held on @DAY@, there since @FROM_DAY@ (i from 0)
CREATE TEMP TABLE seed_posts (i INTEGER PRIMARY KEY, id INTEGER NOT NULL, unit_id INTEGER NOT NULL,
                              department_id INTEGER NOT NULL, person_id INTEGER);
INSERT INTO seed_posts
SELECT ROW_NUMBER() OVER (ORDER BY p.id) - 1, p.id, p.unit_id, p.department_id,
       (SELECT pg.person_id FROM postings pg WHERE pg.post_id = p.id AND pg.valid_from <= '@DAY@'
          AND (pg.valid_to IS NULL OR pg.valid_to > '@DAY@') ORDER BY pg.valid_from LIMIT 1)
FROM posts p
WHERE p.valid_from <= '@FROM_DAY@' AND (p.valid_to IS NULL OR p.valid_to > '@DAY@')
  AND EXISTS (SELECT 1 FROM postings pg WHERE pg.post_id = p.id AND pg.valid_from <= '@DAY@'
                AND (pg.valid_to IS NULL OR pg.valid_to > '@DAY@'));

CREATE TEMP TABLE seed_cfg AS
SELECT (SELECT COUNT(*) FROM seed_posts) AS np,
       (SELECT id FROM users WHERE username = 'admin') AS by_user,
       -- k is w x a uniform fraction, rounded down: on average about (w - 1) / 2
       -- pairs, so that 1 + 2k + the fate's 0.8 on average make @MOVES@ / @FILES@
       MAX(1.0, @MOVES@ * 1.0 / @FILES@ - 0.8) AS w;

-- one row per file: a origin post, s stride, k pairs, fate, t movements,
-- c created (ms), g the gap between its movements (ms)
CREATE TEMP TABLE seed_files AS
WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < @FILES@ - 1),
f AS (
  SELECT n,
         (n * 7919 + (n / 1000) * 31) % c.np AS a,
         1 + (n * 104729 + 17) % (c.np - 1) AS s,
         CAST(((n * 15485863 + (n / 97) * 7) % 1000) * c.w / 1000 AS INTEGER) AS k,
         CASE WHEN h < 30 THEN 3 WHEN h < 40 THEN 2 WHEN h < 45 THEN 4 WHEN h < 50 THEN 5
              WHEN h < 70 THEN 1 ELSE 0 END AS fate,
         CASE WHEN h < 40 OR h BETWEEN 50 AND 69 THEN 1 WHEN h < 50 THEN 2 ELSE 0 END AS tail,
         @FROM_MS@ + n * ((@END_MS@ - @FROM_MS@) / @FILES@) AS c,
         (2 + (n * 48271) % 95) * 3600000 AS g0,
         CASE WHEN pr < 70 THEN 'routine' WHEN pr < 90 THEN 'priority' WHEN pr < 97 THEN 'immediate'
              ELSE 'top_priority' END AS priority
  FROM (SELECT n, (n * 2654435761 + 12345) % 100 AS h, (n * 40503 + 7) % 100 AS pr FROM seq), seed_cfg c
)
SELECT n, a, s, k, fate, c, priority, 1 + 2 * k + tail AS t,
       MIN(g0, (@END_MS@ - 1 - c) / (1 + 2 * k + tail)) AS g
FROM f;

-- the movements, in time order
INSERT INTO file_movements (file_id, seq, action, from_post, to_post, by_user, by_person, remark, due, at_ms,
                            audit_index)
WITH RECURSIVE steps(q) AS (SELECT 1 UNION ALL SELECT q + 1 FROM steps WHERE q < (SELECT MAX(t) FROM seed_files)),
m AS (
  SELECT f.n, q, f.c + (q - 1) * f.g AS at_ms,
         CASE WHEN q = 1 THEN 'create'
              WHEN q <= 1 + 2 * f.k THEN CASE WHEN q % 2 = 0 THEN 'send' ELSE 'receive' END
              WHEN f.fate = 1 THEN 'send'
              WHEN f.fate = 2 THEN 'park'
              WHEN f.fate = 3 THEN 'close'
              WHEN f.fate = 4 THEN CASE WHEN q = f.t THEN 'unpark' ELSE 'park' END
              ELSE CASE WHEN q = f.t THEN 'pull_back' ELSE 'send' END END AS action,
         -- the posts as indexes into seed_posts (-1: none): the holder before
         -- pair i is (a + (i - 1) s) % np, after it (a + i s) % np
         CASE WHEN q = 1 THEN -1
              WHEN q <= 1 + 2 * f.k THEN (f.a + (q / 2 - 1) * f.s) % cf.np
              WHEN f.fate = 5 AND q = f.t THEN (f.a + (f.k + 1) * f.s) % cf.np
              ELSE (f.a + f.k * f.s) % cf.np END AS fp,
         CASE WHEN q = 1 THEN f.a
              WHEN q <= 1 + 2 * f.k THEN (f.a + (q / 2) * f.s) % cf.np
              WHEN f.fate = 1 OR (f.fate = 5 AND q < f.t) THEN (f.a + (f.k + 1) * f.s) % cf.np
              WHEN f.fate = 5 THEN (f.a + f.k * f.s) % cf.np
              ELSE -1 END AS tp
  FROM seed_files f, seed_cfg cf, steps
  WHERE steps.q <= f.t
)
SELECT 7000000000000000 + m.n, m.q, m.action, fp.id, tp.id, cf.by_user,
       -- who acts: the target for create, receive and pull_back, else the sender / holder
       CASE WHEN m.action IN ('create', 'receive', 'pull_back') THEN tp.person_id ELSE fp.person_id END,
       CASE WHEN m.action = 'park' THEN 'Awaiting the reply of the department' END,
       NULL, m.at_ms, NULL
FROM m CROSS JOIN seed_cfg cf
LEFT JOIN seed_posts fp ON fp.i = m.fp
LEFT JOIN seed_posts tp ON tp.i = m.tp
ORDER BY m.at_ms, m.n, m.q;

-- the calendar (core/calendar.c): weekends (Saturday, Sunday) and the holidays
-- table; ord counts the working days up to the day, so the working days in
-- (a, b] are ord(b) - ord(a), and n working days on from d (files_due_day) are
-- the working day whose ord is ord(d) + n (n = 0: d, or the next working day)
CREATE TEMP TABLE seed_cal (day TEXT PRIMARY KEY, working INT NOT NULL, ord INT NOT NULL);
INSERT INTO seed_cal
WITH RECURSIVE d(day) AS (SELECT date('@FROM_DAY@', '-1 month') UNION ALL
                          SELECT date(day, '+1 day') FROM d WHERE day < date('@DAY@', '+1 year'))
SELECT day, w, SUM(w) OVER (ORDER BY day) FROM
  (SELECT day, strftime('%w', day) NOT IN ('0', '6') AND day NOT IN (SELECT day FROM holidays) AS w FROM d);
CREATE TEMP TABLE seed_wd (ord INTEGER PRIMARY KEY, day TEXT NOT NULL);
INSERT INTO seed_wd SELECT ord, day FROM seed_cal WHERE working;

-- the files, in id order, in the state their movements left them (api_files.c):
-- the stage is the last create, send or pull_back (an unpark after a park moves
-- its day and its due day on by the working days parked); due the stage's time
-- limit (file_limits, else 7 / 3 / 1 / 1 working days by priority) after its day
CREATE TEMP TABLE seed_stage AS
SELECT x.*, x.stage_day0 AS since0,
       (SELECT w.day FROM seed_wd w, seed_cal s WHERE s.day = x.stage_day0 AND w.ord = s.ord + x.lim) AS due0,
       CASE WHEN x.fate = 4 THEN
         MAX(0, (SELECT ord FROM seed_cal WHERE day = x.day_last) - (SELECT ord FROM seed_cal WHERE day = x.day_prev))
       ELSE 0 END AS shift
FROM (SELECT f.*, f.c + (f.t - 1) * f.g AS last_ms, o.unit_id, o.department_id, o.id AS origin_post,
             date((f.c + (CASE WHEN f.fate IN (1, 5) THEN f.t WHEN f.k > 0 THEN 2 * f.k ELSE 1 END - 1) * f.g)
                  / 1000 + 18000, 'unixepoch') AS stage_day0,
             date((f.c + (f.t - 2) * f.g) / 1000 + 18000, 'unixepoch') AS day_prev,      -- movement t - 1
             date((f.c + (f.t - 1) * f.g) / 1000 + 18000, 'unixepoch') AS day_last,      -- movement t
             COALESCE((SELECT l.days FROM file_limits l WHERE l.department_id = o.department_id AND l.type = 'general'
                         AND l.priority = f.priority),
                      CASE f.priority WHEN 'routine' THEN 7 WHEN 'priority' THEN 3 ELSE 1 END) AS lim
      FROM seed_files f JOIN seed_posts o ON o.i = f.a) x;

INSERT INTO files (id, number, department_id, unit_id, subject, priority, security, status, holder_post, to_post,
                   sent_by_post, sent_at, due, park_reason, version, created_post, created_at, created_by,
                   updated_at, stage, stage_since, parked_on)
SELECT 7000000000000000 + x.n, 'BENCH/' || x.n, x.department_id, x.unit_id, 'Bench file ' || x.n, x.priority,
       'unclassified', CASE x.fate WHEN 2 THEN 'parked' WHEN 3 THEN 'closed' ELSE 'open' END, h.id,
       CASE WHEN x.fate = 1 THEN nx.id END, CASE WHEN x.fate = 1 THEN h.id END,
       CASE WHEN x.fate = 1 THEN x.last_ms END,
       CASE WHEN x.fate = 4 THEN
         (SELECT w.day FROM seed_wd w, seed_cal s WHERE s.day = x.due0
            AND w.ord = s.ord + x.shift + (x.shift = 0 AND NOT s.working))
       ELSE x.due0 END,
       CASE WHEN x.fate = 2 THEN 'Awaiting the reply of the department' END, x.t, x.origin_post, x.c, cf.by_user,
       x.last_ms, CASE WHEN x.fate = 4 THEN x.t WHEN x.fate IN (1, 5) THEN x.t WHEN x.k > 0 THEN 2 * x.k ELSE 1 END,
       CASE WHEN x.fate = 4 THEN
         (SELECT w.day FROM seed_wd w, seed_cal s WHERE s.day = x.since0
            AND w.ord = s.ord + x.shift + (x.shift = 0 AND NOT s.working))
       ELSE x.since0 END,
       CASE WHEN x.fate = 2 THEN x.day_last END
FROM seed_stage x
CROSS JOIN seed_cfg cf
JOIN seed_posts h ON h.i = (x.a + x.k * x.s) % cf.np
JOIN seed_posts nx ON nx.i = (x.a + (x.k + 1) * x.s) % cf.np
ORDER BY x.n;

COMMIT;
