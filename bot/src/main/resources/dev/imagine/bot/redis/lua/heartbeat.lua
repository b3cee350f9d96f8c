-- heartbeat(P, now, worker, ttlMillis) -> live workers. Take and renew do it too; the plan counts live workers.
redis.call('ZADD', K('q:workers'), NOW + tonumber(ARGV[4]) * 1000, ARGV[3])
redis.call('ZREMRANGEBYSCORE', K('q:workers'), '-inf', NOW)
return redis.call('ZCARD', K('q:workers'))
