-- inflight_lead(P, now, request, id)   KEYS[1] = <P>inflight:<request>
-- Called under the request's lock once the queue accepted `id`: identical requests follow it from now on.
local request, id = ARGV[3], ARGV[4]
redis.call('SET', KEYS[1], id)
redis.call('SET', K('inflight:leads:' .. id), request)
return 1
