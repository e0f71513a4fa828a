-- accord: deletes KEYS[1] only if it still holds what the caller expects. ARGV[1]: `value`
-- (compare the value itself: a lease's holder) or `sha1` (compare redis.sha1hex of the
-- value: a token named by its digest, so the token is never sent back); ARGV[2]: expected.
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if ARGV[1] == 'sha1' then current = redis.sha1hex(current) end
if current == ARGV[2] then return redis.call('DEL', KEYS[1]) end
return 0
