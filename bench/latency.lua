-- wrk: the fixed request given on the command line; reports as bench/report.lua does.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
