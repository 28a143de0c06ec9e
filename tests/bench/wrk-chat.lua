-- wrk script for tests/bench/run.sh: POST a small chat completion request.
-- Environment: BENCH_AUTH  (full Authorization header value, optional)
--              BENCH_MODEL (default gpt-4o-mini)
--              BENCH_LABEL (copied into the RESULT line)
local model = os.getenv("BENCH_MODEL") or "gpt-4o-mini"
local auth = os.getenv("BENCH_AUTH") or ""

wrk.method = "POST"
wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
if auth ~= "" then
  wrk.headers["Authorization"] = auth
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"label":"%s","requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"err_status":%d}\n',
    os.getenv("BENCH_LABEL") or "", summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status))
end
