-- bench/files-move.lua - wrk script of bench/files: file moves, each file sent
-- (POST /api/v1/files/{id}/send {"to_post": TARGET}) and pulled back
-- (POST /api/v1/files/{id}/pull-back, no body) in turn, both by the post
-- holding it (the sender), signed in with one session.
--
--   wrk -t2 -c64 -d10s --latency -s bench/files-move.lua URL -- FILES THREADS TARGET COOKIE CSRF
--
-- FILES is a file of "id next" lines, next being send (the file is held) or
-- pull (it is in transit, sent by the holder); THREADS wrk's -t; TARGET the
-- post files are sent to; COOKIE "daftar_session=..."; CSRF the session's
-- token (X-CSRF-Token).  Each wrk thread takes its own slice of the files
-- (file i belongs to thread i % THREADS) and walks it in turn, skipping a
-- file while a request on it is in flight (wrk does not say which connection
-- an answer is for, so each answer is matched to its file by the file's id:
-- the moved file's "id", or the problem's "instance" path).  So no two
-- requests ever touch one file at once, and every answer should be 200: a
-- 409 means two moves of one file met (the slicing is wrong), and is then
-- taken as "the file is in the other state".  A file whose answer never came
-- (a socket timeout) stays skipped for 30 s.
--
-- done() prints one line for bench/files to read:
--   moves: answers=N moved=N sends=N pull_backs=N conflicts=N stray=N idle=N statuses=200:N,...
-- moved counts the 200 answers to a send or a pull-back (each a real move:
-- version check, movement row, audit leaf, commit); stray answers that name
-- no file in flight; idle requests made while every file of the thread's
-- slice was in flight (a GET /api/v1/me instead: none expected, each thread
-- having more files than connections).  Requests in flight when wrk stops
-- are in no count.

local threads = {}
local next_tid = 0

-- setup runs in wrk's main Lua state, once per thread, before its init
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

-- per thread (globals, so that done() can read them with thread:get)
counts = {}         -- status -> answers
sends = 0
pull_backs = 0
conflicts = 0
stray = 0
idle = 0
local files = {}    -- this thread's slice: {id, next = "send" | "pull"}
local by_id = {}    -- id -> its entry in files
local busy = {}     -- id -> {action, at (os.time())} while a request is in flight
local turn = 0
local cookie, csrf, send_body
local probe = false -- the next request() is wrk's probe (see init)

function init(args)
  local path, nthreads, target = args[1], tonumber(args[2] or ""), args[3]
  cookie, csrf = args[4], args[5]
  if not path or not nthreads or not target or not cookie or not csrf then
    error("usage: wrk ... -s files-move.lua URL -- FILES THREADS TARGET_POST COOKIE CSRF")
  end
  local i = 0
  for line in io.lines(path) do
    local id, nxt = line:match("^(%d+)%s*(%a*)")
    if id then
      if i % nthreads == tid then
        local f = { id = id, next = nxt == "pull" and "pull" or "send" }
        files[#files + 1] = f
        by_id[id] = f
      end
      i = i + 1
    end
  end
  if #files == 0 then
    error("files-move.lua: thread " .. tostring(tid) .. " has no files")
  end
  send_body = string.format('{"to_post":"%s"}', target)
  -- wrk calls thread 0's request() once right after its init, to check the
  -- request it makes, and never sends that one: it must not mark a file busy
  probe = tid == 0
end

-- wrk.format adds Host and Content-Length to the table it is given: a new one each time
local function headers(json)
  local h = { ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf }
  if json then h["Content-Type"] = "application/json" end
  return h
end

function request()
  if probe then
    probe = false
    return wrk.format("GET", "/api/v1/me", headers(false), nil)
  end
  local now = os.time()
  for _ = 1, #files do
    turn = turn % #files + 1
    local f = files[turn]
    local b = busy[f.id]
    if not b or now - b.at > 30 then
      busy[f.id] = { action = f.next, at = now }
      if f.next == "send" then
        return wrk.format("POST", "/api/v1/files/" .. f.id .. "/send", headers(true), send_body)
      end
      return wrk.format("POST", "/api/v1/files/" .. f.id .. "/pull-back", headers(false), "")
    end
  end
  idle = idle + 1
  return wrk.format("GET", "/api/v1/me", headers(false), nil)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  -- a problem names the file in its "instance"; a moved file's first "id" is its own
  local id = body and (body:match('"/api/v1/files/(%d+)/') or body:match('"id":"(%d+)"'))
  local b = id and busy[id]
  if not b then
    stray = stray + 1
    return
  end
  busy[id] = nil
  local f = by_id[id]
  if status == 200 then
    if b.action == "send" then
      sends = sends + 1
      f.next = "pull"
    else
      pull_backs = pull_backs + 1
      f.next = "send"
    end
  elseif status == 409 then
    conflicts = conflicts + 1
    f.next = b.action == "send" and "pull" or "send"
  end
end

function done(summary, latency, requests)
  local total, s, p, c, st, id, by = 0, 0, 0, 0, 0, 0, {}
  for _, t in ipairs(threads) do
    s = s + (t:get("sends") or 0)
    p = p + (t:get("pull_backs") or 0)
    c = c + (t:get("conflicts") or 0)
    st = st + (t:get("stray") or 0)
    id = id + (t:get("idle") or 0)
    for code, n in pairs(t:get("counts") or {}) do
      code = tonumber(code)
      by[code] = (by[code] or 0) + n
      total = total + n
    end
  end
  local parts = {}
  for code, n in pairs(by) do parts[#parts + 1] = code .. ":" .. n end
  table.sort(parts)
  io.write(string.format("moves: answers=%d moved=%d sends=%d pull_backs=%d conflicts=%d stray=%d idle=%d statuses=%s\n",
                         total, s + p, s, p, c, st, id, table.concat(parts, ",")))
end
