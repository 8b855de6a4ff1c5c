-- Adds a member to one index sorted set and keeps the set's TTL no shorter
-- than its longest member. Touches KEYS[1] only (one hash slot).
-- KEYS[1]  the index
-- ARGV[1]  member
-- ARGV[2]  score (integer milliseconds)
-- ARGV[3]  "1": first prune members whose score lies before the server's now
--          (the score is the member record's own expiry instant)
-- ARGV[4]  the instant (integer ms) the index must live at least until
-- ARGV[5]  how an existing member's score changes: "GT" only upwards, "NX"
--          never. Either way an index can only come to hold more than its
--          records, never less: a writer that lost a race for the record
--          (its SET NX failed) cannot shorten the winner's entry.
redis.call('ZADD', KEYS[1], ARGV[5], ARGV[2], ARGV[1])
if ARGV[3] == '1' then
  local time = redis.call('TIME')
  local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now_ms))
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIREAT', KEYS[1], ARGV[4])
else
  redis.call('PEXPIREAT', KEYS[1], ARGV[4], 'GT')
end
return 1
