-- The wrk script of every wrk row (see wrk.mjs). By default it POSTs a 17-byte JSON event; with
-- GET_PREFIX and GET_COUNT set it GETs <url path><GET_PREFIX><i> for i = 0..GET_COUNT-1 in turn.
-- At the end it prints wrk's own figures as one JSON line (latencies in microseconds).
local prefix = os.getenv("GET_PREFIX")
local count = tonumber(os.getenv("GET_COUNT") or "0")
local i = 0

if prefix then
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
