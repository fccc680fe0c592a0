-- wrk script for scripts/load.sh. LOAD_SCENARIO picks the request:
--   code      POST /api/partners/check-code as the signed-in customer (LOAD_COOKIE)
--   dashboard GET /partner/dashboard as the signed-in partner (LOAD_COOKIE)
--   webhook   POST /stripe/webhook, event i of LOAD_EVENTS per request (lines "<signature>\t<body>",
--             made by `futureflower load-test sign`), so each request is a distinct event; thread t
--             of LOAD_THREADS sends events t, t+T, t+2T, … (after the last one it starts over, and
--             the server answers "duplicate")
-- done() prints one line: RESULT <req/s> <p50 ms> <p99 ms> <non-2xx> <socket errors> <processed> <duplicate>
-- where <processed> counts 200 "processed" answers (acknowledged events) and <duplicate> other 2xx
-- answers ("duplicate", once a run has used up its events) — webhook only.

local scenario = os.getenv("LOAD_SCENARIO")
local cookie = os.getenv("LOAD_COOKIE") or ""
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  processed, other, non2xx, n = 0, 0, 0, 0
  if scenario == "webhook" then
    nthreads = tonumber(os.getenv("LOAD_THREADS"))
    events = {}
    local f = assert(io.open(os.getenv("LOAD_EVENTS"), "r"))
    for line in f:lines() do
      local signature, body = line:match("^([^\t]+)\t(.*)$")
      events[#events + 1] = { signature, body }
    end
    f:close()
  elseif scenario == "code" then
    wrk.method = "POST"
    wrk.path = "/api/partners/check-code"
    wrk.body = "code=" .. os.getenv("LOAD_CODE")
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Accept"] = "application/json"
    wrk.headers["Origin"] = os.getenv("LOAD_ORIGIN")
    wrk.headers["Cookie"] = cookie
  elseif scenario == "dashboard" then
    wrk.method = "GET"
    wrk.path = "/partner/dashboard"
    wrk.headers["Accept"] = "text/html"
    wrk.headers["Cookie"] = cookie
  else
    error("LOAD_SCENARIO must be code, dashboard or webhook")
  end
end

if scenario == "webhook" then
  function request()
    local i = (n * nthreads + (id - 1)) % #events + 1
    n = n + 1
    local e = events[i]
    return wrk.format("POST", "/stripe/webhook",
      { ["Content-Type"] = "application/json", ["Stripe-Signature"] = e[1] }, e[2])
  end

  function response(status, headers, body)
    if status >= 200 and status < 300 then
      if body == "processed" then processed = processed + 1 else other = other + 1 end
    else
      non2xx = non2xx + 1
    end
  end
end

function done(summary, latency, requests)
  local p, d, bad = 0, 0, summary.errors.status
  if scenario == "webhook" then
    bad = 0
    for _, t in ipairs(threads) do
      p = p + t:get("processed")
      d = d + t:get("other")
      bad = bad + t:get("non2xx")
    end
  end
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.2f %.2f %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad, e.connect + e.read + e.write + e.timeout, p, d))
end
