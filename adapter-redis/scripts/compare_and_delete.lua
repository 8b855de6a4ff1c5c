-- Deletes KEYS[1] only if it still holds exactly ARGV[1]; returns 1 if it
-- did, else 0. One key (one hash slot).
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
