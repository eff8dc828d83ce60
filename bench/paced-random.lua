-- wrk at a chosen rate over many keys: each request presents a key drawn uniformly from the tokens file (first
-- argument), and each connection pauses the second argument in ms between requests, as bench/paced.lua does.
local requests = {}
local pause = 2

function init(args)
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. line })
  end
  pause = tonumber(args[2]) or pause
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return requests[math.random(#requests)]
end

function delay()
  return pause
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
