#!lua flags=no-writes
-- usage(P, now, user) -> the user's usage decayed to now, as a string. Read-only (runs on a replica too).
local s = settings()
return fmt(usage_at(ARGV[3], NOW, s))
