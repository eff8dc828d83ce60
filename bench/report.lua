-- wrk: the one line bench/run.sh reads from every load: requests/s, p50 and p99 latency in milliseconds, errors, and
-- p99.9 in milliseconds.
function done(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d %.2f\n",
    summary.requests / (summary.duration / 1000000), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99.9) / 1000))
end
