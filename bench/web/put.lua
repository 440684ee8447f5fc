-- bench/web/put.lua - wrk script for `PUT /api/v1/years/Y/entries/...`:
-- every request updates a different inspection entry at its known
-- version (1, as imported), so no update is refused as stale; a changed
-- note makes each one a real write (new version, audit record).
-- Environment: KH_TARGETS (lines "PATH<TAB>JSON-INPUTS"), KH_COOKIE,
-- KH_CSRF.  done() prints "put: N 200, M other" for run.sh.
local threads = {}
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

function init(args)
  targets = {}
  for line in io.lines(os.getenv("KH_TARGETS")) do
    local p, inputs = line:match("^([^\t]+)\t(.*)$")
    if p then table.insert(targets, {p, inputs}) end
  end
  nth = tonumber(os.getenv("KH_THREADS") or "2")
  nexti = tid + 1
  ok, other = 0, 0
  headers = {
    ["Cookie"] = os.getenv("KH_COOKIE"),
    ["X-CSRF-Token"] = os.getenv("KH_CSRF"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  local t = targets[nexti]
  if not t then
    -- out of fresh entries: a stale version, counted as "other"
    t = targets[tid + 1]
  end
  nexti = nexti + nth
  local body = '{"inputs":' .. t[2] .. ',"note":"bench update ' .. nexti ..
               '","version":1}'
  return wrk.format("PUT", t[1], headers, body)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok")
    b = b + t:get("other")
  end
  io.write(string.format("put: %d 200, %d other\n", a, b))
end
