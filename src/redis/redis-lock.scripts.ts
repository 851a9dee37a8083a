// KEYS[1] = lock:<resource>, KEYS[2] = lock:<resource>:fence, ARGV[1] = ttl ms.
// The fence counter is lost with Redis (nothing under lock:* has to survive a restart), so tokens
// never fall below the server clock in ms: a holder after a restart still outranks older tokens.
export const ACQUIRE_LOCK_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local now = redis.call('TIME')
local floor = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local token = redis.call('INCR', KEYS[2])
if token < floor then
  token = floor
  redis.call('SET', KEYS[2], string.format('%d', token))
end
redis.call('SET', KEYS[1], string.format('%d', token), 'PX', ARGV[1])
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
