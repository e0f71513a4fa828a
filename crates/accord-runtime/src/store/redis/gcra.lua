-- accord: shared rate-limit reservation, GCRA (Generic Cell Rate Algorithm, ITU-T I.371
-- Annex A / ATM Forum TM 4.0 "virtual scheduling"), one call per request.
-- KEYS: one hash per bucket {tat, resume}. ARGV[1]: now in microseconds, or 0 for the
-- server's TIME (every process of the fleet then reads one clock). Then per key i:
-- ARGV[2i] the emission interval T (µs), ARGV[2i+1] the burst B.
-- A bucket's theoretical arrival time (TAT) advances by T per request from max(TAT, now);
-- the request may go at TAT_new - B*T, or at `resume` (set from the server's own headers)
-- if later. Every bucket is reserved; the reply is the wait in µs (the latest of them).
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local due = now
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i])
  local burst = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', key, 'tat', 'resume')
  local tat = tonumber(state[1]) or now
  if tat < now then tat = now end
  local resume = tonumber(state[2]) or 0
  local new_tat = tat + interval
  local at = new_tat - burst * interval
  if resume > at then at = resume end
  if at > due then due = at end
  redis.call('HSET', key, 'tat', string.format('%d', new_tat))
  local until_ms = math.ceil((math.max(new_tat, resume) - now) / 1000)
  redis.call('PEXPIRE', key, until_ms + 1000)
end
return due - now
