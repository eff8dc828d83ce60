-- wrk at a chosen rate: each connection pauses between requests, so the load is about
-- connections × 1000 / (pause ms + latency ms) requests per second (bench/run.sh picks the connections for a target).
-- Reports as bench/report.lua does.
local pause = 10

function init(args)
  pause = tonumber(args[1]) or pause
end

function delay()
  return pause
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
