-- bench/osmand.lua - wrk script of bench/attendance: OsmAnd position reports
-- (POST /api/v1/osmand?id=..&lat=..&lon=..&timestamp=..&accuracy=10&speed=0,
-- empty body) from registered devices, every request a distinct fix.
--
--   wrk -t2 -c64 -d10s --latency -s bench/osmand.lua URL -- DEVICES START THREADS
--
-- DEVICES is a file of "identifier lat lon" lines; START the Unix second of
-- every device's first fix; THREADS wrk's -t.  Each wrk thread takes its own
-- slice of the devices (device i belongs to thread i % THREADS) and sends
-- them in turn, each device's timestamp one second after its previous fix,
-- so that no two requests share (person, source, kind, at_ms): none is a
-- repeat.  With D devices and R requests/s the newest timestamp runs ahead
-- of the start by R / D seconds per second of the run.
--
-- done() prints one line for bench/attendance to read:
--   osmand: answers=N status_2xx=N kept=N repeat=N non2xx=N statuses=200:N,...
-- kept counts 2xx answers whose body says "kept":true and "repeat":false (a
-- check-in stored), repeat those saying "repeat":true.  Requests still in
-- flight when wrk stops are in no count.

local threads = {}
local next_tid = 0

-- setup runs in wrk's main Lua state, once per thread, before its init
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

-- per thread (globals, so that done() can read them with thread:get)
counts = {}        -- status -> answers
kept = 0
repeated = 0
local devices = {} -- this thread's slice: {ident, lat, lon, ts}
local turn = 0

function init(args)
  local path, start, nthreads = args[1], tonumber(args[2]), tonumber(args[3] or "")
  if not path or not start or not nthreads then
    error("usage: wrk ... -s osmand.lua URL -- DEVICES START_EPOCH_S THREADS")
  end
  local i = 0
  for line in io.lines(path) do
    local ident, lat, lon = line:match("^(%S+)%s+(%S+)%s+(%S+)")
    if ident then
      if i % nthreads == tid then
        devices[#devices + 1] = { ident = ident, lat = lat, lon = lon, ts = start }
      end
      i = i + 1
    end
  end
  if #devices == 0 then
    error("osmand.lua: thread " .. tostring(tid) .. " has no devices")
  end
end

function request()
  turn = turn % #devices + 1
  local d = devices[turn]
  local path = string.format("/api/v1/osmand?id=%s&lat=%s&lon=%s&timestamp=%d&accuracy=10&speed=0",
                             d.ident, d.lat, d.lon, d.ts)
  d.ts = d.ts + 1
  return wrk.format("POST", path, nil, "")
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status >= 200 and status < 300 and body and body:find('"kept":true', 1, true) then
    if body:find('"repeat":true', 1, true) then
      repeated = repeated + 1
    else
      kept = kept + 1
    end
  end
end

function done(summary, latency, requests)
  local total, ok, good, rep, by = 0, 0, 0, 0, {}
  for _, t in ipairs(threads) do
    good = good + (t:get("kept") or 0)
    rep = rep + (t:get("repeated") or 0)
    for code, n in pairs(t:get("counts") or {}) do
      code = tonumber(code)
      by[code] = (by[code] or 0) + n
      total = total + n
      if code >= 200 and code < 300 then ok = ok + n end
    end
  end
  local parts = {}
  for code, n in pairs(by) do parts[#parts + 1] = code .. ":" .. n end
  table.sort(parts)
  io.write(string.format("osmand: answers=%d status_2xx=%d kept=%d repeat=%d non2xx=%d statuses=%s\n",
                         total, ok, good, rep, total - ok, table.concat(parts, ",")))
end
