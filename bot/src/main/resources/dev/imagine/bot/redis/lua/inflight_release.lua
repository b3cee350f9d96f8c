-- inflight_release(P, now, leader, take)   KEYS[1] = <P>inflight:leads:<leader>
-- In one step, so that no job can start following the leader in between: the leader leads nothing any more and,
-- with take = 1, its followers (their records, as they were when they began to follow) are handed over.
-- -> the followers' records (empty without take)
local leader, take = ARGV[3], ARGV[4]
local request = redis.call('GET', KEYS[1])
if request then
  local key = K('inflight:' .. request)
  if redis.call('GET', key) == leader then redis.call('DEL', key) end
  redis.call('DEL', KEYS[1])
end
if take ~= '1' then return {} end
local fk = K('inflight:followers:' .. leader)
local followers = redis.call('HGETALL', fk)
local records = {}
for i = 1, #followers, 2 do
  redis.call('DEL', K('inflight:follows:' .. followers[i]))
  records[#records + 1] = followers[i + 1]
end
redis.call('DEL', fk)
return records
