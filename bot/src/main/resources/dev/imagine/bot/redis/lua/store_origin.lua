-- store_origin(P, now, expectedJson, json, origin)   KEYS[1] = <P>job:<id>
-- Keeps where to answer about a job, as its adapter learned it late: the record (rewritten with that origin) and the
-- origin on its own, which every later store_save keeps. Written only over the record the caller read, so that a
-- save in between (a worker's, in another process) is not undone. -> 'OK', 'CHANGED' (read again) or 'GONE'
local current = redis.call('HGET', KEYS[1], 'json')
if not current then return 'GONE' end
if current ~= ARGV[3] then return 'CHANGED' end
redis.call('HSET', KEYS[1], 'json', ARGV[4], 'origin', ARGV[5])
return 'OK'
