-- wrk: prints requests/s and p50/p99 latency in milliseconds on one line, for bench/run.sh to read.
function done(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1000000), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
