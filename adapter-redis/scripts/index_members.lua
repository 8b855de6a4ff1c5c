-- Prunes the members of one index sorted set whose score (their record's
-- expiry instant) lies before the server's now, and returns the rest.
-- Touches KEYS[1] only (one hash slot).
-- KEYS[1]  the index
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now_ms))
return redis.call('ZRANGE', KEYS[1], 0, -1)
