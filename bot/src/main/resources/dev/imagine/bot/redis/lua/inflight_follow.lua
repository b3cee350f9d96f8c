-- inflight_follow(P, now, request, id, json)   KEYS[1] = <P>inflight:<request>
-- Called under the request's lock. When a job leads this request and is not over (its record waits or runs), the
-- job `id` follows it: its record `json` is kept with the leader's followers, for whichever process ends the leader.
-- A leader whose record is over or gone (its process died before releasing it) leads nothing any more.
-- -> {'FOLLOW', leader} or {'LEAD'}
local request, id, json = ARGV[3], ARGV[4], ARGV[5]
local leader = redis.call('GET', KEYS[1])
if leader and leader ~= id then
  local state = redis.call('HGET', K('job:' .. leader), 'state')
  if state == 'QUEUED' or state == 'RUNNING' then
    redis.call('HSET', K('inflight:followers:' .. leader), id, json)
    redis.call('SET', K('inflight:follows:' .. id), leader)
    return {'FOLLOW', leader}
  end
end
return {'LEAD'}
