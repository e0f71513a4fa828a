-- accord: one circuit breaker transition, the rules of CircuitState (store/circuit.rs) on
-- one hash, atomically. KEYS[1]: the circuit. ARGV: operation (admit | record | snapshot),
-- now ms (0: the server's TIME), failure threshold (-1: none), failure rate (-1: none),
-- minimum calls, window ms, open_for ms, half-open probes, outcome (1 failure, 0 success).
-- Reply: {admission (0 allowed, 1 probe, 2 rejected, -1 none), retry_in ms,
-- transition from (-1 none; 0 closed, 1 open, 2 half-open), transition to, phase, failures, calls}.
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local threshold = tonumber(ARGV[3])
local rate = tonumber(ARGV[4])
local minimum_calls = math.max(tonumber(ARGV[5]), 1)
local window = tonumber(ARGV[6])
local open_for = tonumber(ARGV[7])
local probes = math.max(tonumber(ARGV[8]), 1)
local failure = ARGV[9] == '1'

local f = redis.call('HMGET', key, 'phase', 'window_start', 'calls', 'failures', 'since', 'in_flight', 'successes')
local s = {
  phase = tonumber(f[1]) or 0, window_start = tonumber(f[2]) or now, calls = tonumber(f[3]) or 0,
  failures = tonumber(f[4]) or 0, since = tonumber(f[5]) or now, in_flight = tonumber(f[6]) or 0,
  successes = tonumber(f[7]) or 0,
}
local admission, retry_in, from, to = -1, 0, -1, -1

local function open()
  s.phase = 1; s.since = now; s.in_flight = 0; s.successes = 0
end

if op == 'admit' then
  if s.phase == 0 then
    admission = 0
  elseif s.phase == 1 then
    local probe_at = s.since + open_for
    if now < probe_at then
      admission = 2; retry_in = probe_at - now
    else
      s.phase = 2; s.since = now; s.in_flight = 1; s.successes = 0
      admission = 1; from = 1; to = 2
    end
  else
    if now >= s.since + open_for then s.since = now; s.in_flight = 0 end
    if s.in_flight + s.successes < probes then
      s.in_flight = s.in_flight + 1; admission = 1
    else
      admission = 2; retry_in = 0
    end
  end
elseif op == 'record' then
  if s.phase == 0 then
    if now >= s.window_start + window then s.window_start = now; s.calls = 0; s.failures = 0 end
    s.calls = s.calls + 1
    if failure then
      s.failures = s.failures + 1
      local by_count = threshold >= 0 and s.failures >= threshold
      local by_rate = rate >= 0 and s.calls >= minimum_calls and s.failures >= rate * s.calls
      if by_count or by_rate then open(); from = 0; to = 1 end
    end
  elseif s.phase == 2 then
    s.in_flight = math.max(s.in_flight - 1, 0)
    if failure then
      open(); from = 2; to = 1
    else
      s.successes = s.successes + 1
      if s.successes >= probes then
        s = { phase = 0, window_start = now, calls = 0, failures = 0, since = now, in_flight = 0, successes = 0 }
        from = 2; to = 0
      end
    end
  end
end

if op ~= 'snapshot' then
  redis.call('HSET', key, 'phase', s.phase, 'window_start', string.format('%d', s.window_start), 'calls', s.calls,
    'failures', s.failures, 'since', string.format('%d', s.since), 'in_flight', s.in_flight, 'successes', s.successes)
  redis.call('PEXPIRE', key, window + open_for + 60000)
end
if op == 'snapshot' and s.phase == 1 then retry_in = math.max(s.since + open_for - now, 0) end
return { admission, retry_in, from, to, s.phase, s.failures, s.calls }
