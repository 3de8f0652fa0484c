-- paths.lua - wrk script: each request a random line of $PATHS_FILE.
-- wrk -s paths.lua ... with PATHS_FILE set in the environment.
local paths = {}
local f = assert(io.open(os.getenv("PATHS_FILE"), "r"))
for line in f:lines() do paths[#paths + 1] = line end
f:close()
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests/s %.0f p50 %.2f ms p99 %.2f ms max %.2f ms errors %d non2xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
