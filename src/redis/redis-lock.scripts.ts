// KEYS[1] = lock:<resource>, KEYS[2] = lock:<resource>:fence, KEYS[3] = lock:<resource>:attempt,
// ARGV[1] = ttl ms, ARGV[2] = the caller's attempt id ('' for none).
// The fence counter is lost with Redis (nothing under lock:* has to survive a restart), so tokens
// never fall below the server clock in ms: a holder after a restart still outranks older tokens.
// A retry of the attempt that set the lock (its reply was lost, or ioredis resent it on reconnecting)
// gets that lock back instead of finding it held.
export const ACQUIRE_LOCK_LUA = `
local held = redis.call('GET', KEYS[1])
if held then
  if ARGV[2] ~= '' and redis.call('GET', KEYS[3]) == ARGV[2] then return tonumber(held) end
  return false
end
local now = redis.call('TIME')
local floor = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local token = redis.call('INCR', KEYS[2])
if token < floor then
  token = floor
  redis.call('SET', KEYS[2], string.format('%d', token))
end
redis.call('SET', KEYS[1], string.format('%d', token), 'PX', ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[1]) else redis.call('DEL', KEYS[3]) end
return token
`;

// KEYS[1] = lock:<resource>, ARGV[1] = fencing token: delete only our own lock.
export const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// KEYS[1] = lock:<resource>, ARGV[1] = fencing token, ARGV[2] = ttl ms: renew only our own lock.
export const EXTEND_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
