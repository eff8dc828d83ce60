-- wrk at a chosen rate: each connection pauses between requests, so the load is about
-- connections × 1000 / (pause ms + latency ms) requests per second (bench/run.sh picks the connections for a target).
-- Prints requests/s and p50/p99 latency in milliseconds on one line, as latency.lua does.
local pause = 10

function init(args)
  pause = tonumber(args[1]) or pause
end

function delay()
  return pause
end

function done(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1000000), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
