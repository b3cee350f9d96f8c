-- configure(P, now, perUser, total, halfLifeSeconds, aging, margin, maxPerJob, maxExpiries)
-- Writes the queue settings that every process then reads, so that all apply one policy. -> the previous ones
local before = redis.call('HGETALL', KEYS[1])
redis.call('HSET', KEYS[1], 'perUser', ARGV[3], 'total', ARGV[4], 'halfLife', ARGV[5], 'aging', ARGV[6],
           'margin', ARGV[7], 'maxPerJob', ARGV[8], 'maxExpiries', ARGV[9])
return before
