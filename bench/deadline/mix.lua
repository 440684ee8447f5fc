-- bench/deadline/mix.lua - wrk script: GETs of the results page and of
-- GET /api/v1/years/Y/results (both with Accept-Encoding: gzip, in turn)
-- mixed with KH_WRITE_PCT percent real versioned PUTs of inspection
-- entries.  Each thread writes its own slice of part KH_PART (of
-- KH_PARTS) of the targets in turn: round k of the slice sends version
-- k+1, so every PUT is expected to succeed (200) with a new version; odd
-- rounds flip the entry's first true/false or move its first integer by
-- one, so the writes change scores, not only the note.
-- Environment: KH_TARGETS (lines "PATH<TAB>JSON-INPUTS"), KH_COOKIE,
-- KH_CSRF, KH_THREADS, KH_WRITE_PCT, KH_PART, KH_PARTS, KH_YEAR.
-- done() prints "mix: N reads, M writes, K non-2xx" for run.sh.
local threads = {}
local nthreads = 0

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  table.insert(threads, thread)
end

function init(args)
  local nth = tonumber(os.getenv("KH_THREADS") or "2")
  local part = tonumber(os.getenv("KH_PART") or "0")
  local parts = tonumber(os.getenv("KH_PARTS") or "1")
  pct = tonumber(os.getenv("KH_WRITE_PCT") or "0")
  local year = os.getenv("KH_YEAR") or "2025"
  targets = {}
  local i = 0
  for line in io.lines(os.getenv("KH_TARGETS")) do
    local p, inputs = line:match("^([^\t]+)\t(.*)$")
    if p then
      if i % (parts * nth) == part * nth + tid then
        table.insert(targets, {p, inputs})
      end
      i = i + 1
    end
  end
  n, nw, reads, writes, bad = 0, 0, 0, 0, 0
  local cookie = os.getenv("KH_COOKIE")
  get_headers = {["Cookie"] = cookie, ["Accept-Encoding"] = "gzip"}
  put_headers = {
    ["Cookie"] = cookie,
    ["X-CSRF-Token"] = os.getenv("KH_CSRF"),
    ["Content-Type"] = "application/json",
  }
  page = "/years/" .. year .. "/results"
  api = "/api/v1/years/" .. year .. "/results"
end

-- The inputs of round r: the original on even rounds, changed on odd.
local function changed(inputs, r)
  if r % 2 == 0 then return inputs end
  local s, k = inputs:gsub("true", "false", 1)
  if k == 0 then s, k = inputs:gsub("false", "true", 1) end
  if k > 0 then return s end
  s, k = inputs:gsub(":(%d+)([,}])", function(v, e)
    v = tonumber(v)
    return ":" .. (v >= 1 and v - 1 or v + 1) .. e
  end, 1)
  return s
end

function request()
  n = n + 1
  local write = pct > 0 and #targets > 0 and
                math.floor(n * pct / 100) > math.floor((n - 1) * pct / 100)
  if write then
    local j = nw
    nw = nw + 1
    local t = targets[(j % #targets) + 1]
    local round = math.floor(j / #targets)
    writes = writes + 1
    local body = '{"inputs":' .. changed(t[2], round) ..
                 ',"note":"deadline ' .. j .. '","version":' .. (round + 1) .. '}'
    return wrk.format("PUT", t[1], put_headers, body)
  end
  reads = reads + 1
  return wrk.format("GET", (n % 2 == 0) and page or api, get_headers)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local r, w, b = 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("reads")
    w = w + t:get("writes")
    b = b + t:get("bad")
  end
  io.write(string.format("mix: %d reads, %d writes, %d non-2xx\n", r, w, b))
end
