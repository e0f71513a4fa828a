-- accord: what the server reported about a bucket's window, applied to the shared bucket
-- (it only ever tightens). KEYS[1]: the bucket hash {tat, resume}. ARGV: now µs (0: TIME),
-- emission interval T µs, burst B, remaining (-1: not reported), reset after µs (-1: not
-- reported). Room for `remaining` requests means TAT >= now + (B - remaining) * T.
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local remaining = tonumber(ARGV[4])
local reset_after = tonumber(ARGV[5])
if remaining < 0 then return 0 end
local key = KEYS[1]
local state = redis.call('HMGET', key, 'tat', 'resume')
local tat = tonumber(state[1]) or now
if tat < now then tat = now end
local resume = tonumber(state[2]) or 0
local floor = now + (burst - remaining) * interval
if floor > tat then tat = floor end
if remaining == 0 and reset_after >= 0 and now + reset_after > resume then resume = now + reset_after end
redis.call('HSET', key, 'tat', string.format('%d', tat), 'resume', string.format('%d', resume))
redis.call('PEXPIRE', key, math.ceil((math.max(tat, resume) - now) / 1000) + 1000)
return 1
