-- Print machine-readable results after a wrk run: requests/s and latency percentiles (ms).
-- Optional environment: WRK_METHOD, WRK_BODY, WRK_CONTENT_TYPE for POST benchmarks.
local method = os.getenv("WRK_METHOD")
if method then
  wrk.method = method
  wrk.body = os.getenv("WRK_BODY") or ""
  wrk.headers["Content-Type"] = os.getenv("WRK_CONTENT_TYPE") or "application/x-www-form-urlencoded"
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    "RESULT rps=%.1f p50=%.1f p95=%.1f p99=%.1f requests=%d errors=%d non2xx3xx=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors, summary.errors.status))
end
