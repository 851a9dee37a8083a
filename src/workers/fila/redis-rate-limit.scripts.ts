// One call decides a whole batch, atomically across replicas.
// KEYS: per sending number i, KEYS[2i-1] = its hour counter and KEYS[2i] = its day counter; then one
//   phone mark per request, KEYS[2n+r].
// ARGV: [1] now ms, [2] per hour, [3] per day, [4] phone interval ms, [5] hour key TTL s, [6] day key
//   TTL s, [7] n = number of sending numbers, [7+r] request r's preferred number (1-based, 0 = none).
// Returns, per request, {0, number index} sent | {1, retry at ms} phone interval | {2, 0} hourly cap |
//   {3, 0} daily cap. The phone mark holds the ms of the last send, so `now` (not Redis' clock) decides.
export const RESERVE_BATCH_LUA = `
local now = tonumber(ARGV[1])
local perHour = tonumber(ARGV[2])
local perDay = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local hourTtl = tonumber(ARGV[5])
local dayTtl = tonumber(ARGV[6])
local n = tonumber(ARGV[7])
local hourCount, dayCount, taken = {}, {}, {}
for i = 1, n do
  hourCount[i] = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  dayCount[i] = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  taken[i] = 0
end
local function hasRoom(i)
  return hourCount[i] < perHour and dayCount[i] < perDay
end
local function lessUsed(i, j)
  return dayCount[i] < dayCount[j] or (dayCount[i] == dayCount[j] and hourCount[i] < hourCount[j])
end
local results = {}
for r = 1, #ARGV - 7 do
  local phoneKey = KEYS[2 * n + r]
  local last = tonumber(redis.call('GET', phoneKey) or '')
  if interval > 0 and last ~= nil and now < last + interval then
    results[r] = {1, last + interval}
  else
    local chosen = nil
    local preferred = tonumber(ARGV[7 + r])
    if preferred > 0 and hasRoom(preferred) then
      chosen = preferred
    else
      for i = 1, n do
        if hasRoom(i) and (chosen == nil or lessUsed(i, chosen)) then chosen = i end
      end
    end
    if chosen == nil then
      local code = 3
      for i = 1, n do
        if dayCount[i] < perDay then code = 2 end
      end
      results[r] = {code, 0}
    else
      hourCount[chosen] = hourCount[chosen] + 1
      dayCount[chosen] = dayCount[chosen] + 1
      taken[chosen] = taken[chosen] + 1
      if interval > 0 then redis.call('SET', phoneKey, ARGV[1], 'PX', interval) end
      results[r] = {0, chosen}
    end
  end
end
-- the counters are written once per number (the script runs atomically, so no one sees them meanwhile)
for i = 1, n do
  if taken[i] > 0 then
    redis.call('INCRBY', KEYS[2 * i - 1], taken[i])
    redis.call('EXPIRE', KEYS[2 * i - 1], hourTtl)
    redis.call('INCRBY', KEYS[2 * i], taken[i])
    redis.call('EXPIRE', KEYS[2 * i], dayTtl)
  end
end
return results
`;

// KEYS[1] hour counter, KEYS[2] day counter (of the windows the reservation was taken in), KEYS[3]
// phone mark. ARGV[1] the reservation's now ms: the mark is removed only if no later send replaced it.
// Counters never go below zero: after a Redis flush between reserve and release there is nothing to give back.
export const RELEASE_LUA = `
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1
`;
