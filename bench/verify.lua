-- wrk script of `npm run bench`: POST /v1/verify with a key picked at random from a list, each
-- request prebuilt in init so the generator spends its CPU on sending, not on building bodies.
-- Arguments after `--`: the key file (one key a line) and the body kind:
--   key | permission | action | malformed
local requests = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  local kind = args[2] or "key"
  local headers = { ["Content-Type"] = "application/json" }
  for key in io.lines(args[1]) do
    local body
    if kind == "permission" then
      body = '{"key":"' .. key .. '","permission":"functions.execute"}'
    elseif kind == "action" then
      body = '{"key":"' .. key .. '","action":"run","resource":{"type":"apiFunction"}}'
    elseif kind == "malformed" then
      body = '{"key":"' .. string.sub(key, 1, -2) .. '"}'
    else
      body = '{"key":"' .. key .. '"}'
    end
    requests[#requests + 1] = wrk.format("POST", "/v1/verify", headers, body)
  end
  -- each thread its own sequence (`id` is set by setup)
  math.randomseed(os.time() * 100 + (id or 0))
end

function request()
  return requests[math.random(#requests)]
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"non2xx":%d,"socketErrors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
