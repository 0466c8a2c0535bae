-- wrk script for bench/run.sh's floor targets: POSTs one request body, adds headers, and prints one
-- machine-readable line when the run ends.
--   wrk -t2 -c32 -d10s --latency -s bench/floor/post.lua <url> -- <body file> ['name: value' ...]
-- Every response counts: a status other than 2xx shows in errors (wrk's summary.errors.status).

local body_file
local extra = {}

function init(args)
  body_file = args[1]
  for i = 2, #args do
    extra[#extra + 1] = args[i]
  end
  local f = assert(io.open(body_file, "rb"), "cannot read " .. tostring(body_file))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["content-type"] = "application/json"
  wrk.headers["authorization"] = "Bearer sk-bench-client"
  for _, h in ipairs(extra) do
    local name, value = h:match("^%s*([^:]+):%s*(.-)%s*$")
    assert(name, "header: " .. h .. " (expected: 'name: value')")
    wrk.headers[name] = value
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "result requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d errors=%d status_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout, e.status))
end
