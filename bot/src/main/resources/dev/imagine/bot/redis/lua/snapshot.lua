#!lua flags=no-writes
-- snapshot(P, now) -> dump (see prelude): waiting jobs, leases, usage of their users, live workers. Read-only.
local s = settings()
return dump(NOW, s)
