-- wrk: each request presents a key drawn uniformly from the seeded tokens (bench/run.sh passes the file). The requests
-- are built once, at start, so drawing a key costs wrk no more than the hot-key load's fixed request does.
local requests = {}

function init(args)
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. line })
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return requests[math.random(#requests)]
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
