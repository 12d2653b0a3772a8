-- The wrk script of every wrk row (see wrk.mjs). By default it POSTs a 17-byte JSON event; with
-- GET_PREFIX and GET_COUNT set it GETs <url path><GET_PREFIX><i> for i = 0..GET_COUNT-1 in turn.
-- With EVENT_PATHS (paths, comma-separated) and EVENT_IDS it POSTs asynchronous invokes {"i":n}
-- round-robin over the paths and appends each accepted event's request id to the file EVENT_IDS.
-- At the end it prints wrk's own figures as one JSON line (latencies in microseconds).
local prefix = os.getenv("GET_PREFIX")
local count = tonumber(os.getenv("GET_COUNT") or "0")
local eventPaths = os.getenv("EVENT_PATHS")
local i = 0

if eventPaths then
  local paths = {}
  for path in string.gmatch(eventPaths, "[^,]+") do paths[#paths + 1] = path end
  local ids = assert(io.open(os.getenv("EVENT_IDS"), "a"))
  local headers = { ["Content-Type"] = "application/json", ["X-Amz-Invocation-Type"] = "Event" }
  request = function()
    i = i + 1
    return wrk.format("POST", paths[i % #paths + 1], headers, '{"i":' .. i .. '}')
  end
  response = function(status, headers)
    if status == 202 then
      ids:write(headers["x-amzn-requestid"], "\n") -- flushed when wrk exits
    end
  end
elseif prefix then
  request = function()
    i = (i + 1) % count
    return wrk.format("GET", wrk.path .. prefix .. i)
  end
else
  wrk.method = "POST"
  wrk.body = '{"hello":"world"}'
  wrk.headers["Content-Type"] = "application/json"
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"meanUs":%.1f,"p50Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean, latency:percentile(50),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
