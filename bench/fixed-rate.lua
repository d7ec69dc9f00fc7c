-- wrk at a fixed request rate (`--rate N` in run-bench.js): each connection waits connections/N seconds between
-- requests, so every configuration serves the same requests a second and its CPU per request is compared at equal
-- load, not at each one's saturation. wrk's delay() is in whole milliseconds.
local pause_ms = 0

function init(args)
  local rate = tonumber(args[1])
  local connections = tonumber(args[2])
  pause_ms = math.floor(1000 * connections / rate + 0.5)
end

function delay()
  return pause_ms
end
