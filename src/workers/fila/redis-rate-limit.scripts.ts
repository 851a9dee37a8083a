// One call decides a whole batch, atomically across replicas.
// KEYS: per sending number i, KEYS[3i-2] = its hour counter, KEYS[3i-1] = its day counter, KEYS[3i] = the
//   ms of its last send; then one phone mark per request, KEYS[3n+r].
// ARGV: [1] now ms, [2] per hour, [3] per day, [4] phone interval ms, [5] hour key TTL s, [6] day key
//   TTL s, [7] n = number of sending numbers, [8] number interval ms, [9] the sending numbers whose
//   circuit is open (1-based, comma-separated, '' for none: chosen for no lead but their own), then per request r
//   ARGV[9+r] = 2 × its preferred number (1-based, 0 = none) + 1 when it is paced (proactive): one argument
//   per request.
// Returns, per request, {0, number index} sent | {1, retry at ms} phone interval | {2, 0} hourly cap |
//   {3, 0} daily cap | {4, retry at ms} its number's turn (number interval). The marks hold the ms of the
//   last send, so `now` (not Redis' clock) decides.
export const RESERVE_BATCH_LUA = `
local now = tonumber(ARGV[1])
local perHour = tonumber(ARGV[2])
local perDay = tonumber(ARGV[3])
local interval = tonumber(ARGV[4])
local hourTtl = tonumber(ARGV[5])
local dayTtl = tonumber(ARGV[6])
local n = tonumber(ARGV[7])
local numberInterval = tonumber(ARGV[8])
local unavailable = {}
for i in string.gmatch(ARGV[9], '%d+') do unavailable[tonumber(i)] = true end
local hourCount, dayCount, taken, turn = {}, {}, {}, {}
for i = 1, n do
  hourCount[i] = tonumber(redis.call('GET', KEYS[3 * i - 2]) or '0')
  dayCount[i] = tonumber(redis.call('GET', KEYS[3 * i - 1]) or '0')
  taken[i] = 0
  -- when number i may send its next proactive message; moved on by each message given that turn below
  local last = tonumber(redis.call('GET', KEYS[3 * i]) or '')
  turn[i] = now
  if numberInterval > 0 and last ~= nil and last + numberInterval > now then turn[i] = last + numberInterval end
end
local function withinCaps(i)
  return hourCount[i] < perHour and dayCount[i] < perDay
end
local function hasRoom(i)
  return not unavailable[i] and withinCaps(i)
end
local function lessUsed(i, j)
  return dayCount[i] < dayCount[j] or (dayCount[i] == dayCount[j] and hourCount[i] < hourCount[j])
end
local function take(i)
  hourCount[i] = hourCount[i] + 1
  dayCount[i] = dayCount[i] + 1
  taken[i] = taken[i] + 1
  if numberInterval > 0 and turn[i] < now + numberInterval then turn[i] = now + numberInterval end
end
local results = {}
for r = 1, #ARGV - 9 do
  local phoneKey = KEYS[3 * n + r]
  local last = tonumber(redis.call('GET', phoneKey) or '')
  local request = tonumber(ARGV[9 + r])
  local paced = request % 2 == 1
  if interval > 0 and last ~= nil and now < last + interval then
    results[r] = {1, last + interval}
  else
    -- the numbers this message may go through: the lead's own while it is within its caps, even while its
    -- circuit is open (a conversation stays on its number; the message waits for the circuit), else any
    -- number with room
    local preferred = math.floor(request / 2)
    local candidates = {}
    if preferred > 0 and withinCaps(preferred) then
      candidates[1] = preferred
    else
      for i = 1, n do
        if hasRoom(i) then candidates[#candidates + 1] = i end
      end
    end
    local chosen, nextTurn = nil, nil
    for _, i in ipairs(candidates) do
      if not paced or turn[i] <= now then
        if chosen == nil or lessUsed(i, chosen) then chosen = i end
      elseif nextTurn == nil or turn[i] < turn[nextTurn] then
        nextTurn = i
      end
    end
    if chosen ~= nil then
      take(chosen)
      if interval > 0 then redis.call('SET', phoneKey, ARGV[1], 'PX', interval) end
      results[r] = {0, chosen}
    elseif nextTurn ~= nil then
      -- the next message waiting for this number is given the turn after: a deferred batch comes back
      -- one message at a time, not all at once
      results[r] = {4, turn[nextTurn]}
      turn[nextTurn] = turn[nextTurn] + numberInterval
    else
      -- a number whose circuit is open counts here: it may have room again before the hour ends
      local code = 3
      for i = 1, n do
        if dayCount[i] < perDay then code = 2 end
      end
      results[r] = {code, 0}
    end
  end
end
-- the counters and the last-send mark are written once per number (the script runs atomically, so no one
-- sees them meanwhile)
for i = 1, n do
  if taken[i] > 0 then
    redis.call('INCRBY', KEYS[3 * i - 2], taken[i])
    redis.call('EXPIRE', KEYS[3 * i - 2], hourTtl)
    redis.call('INCRBY', KEYS[3 * i - 1], taken[i])
    redis.call('EXPIRE', KEYS[3 * i - 1], dayTtl)
    if numberInterval > 0 then redis.call('SET', KEYS[3 * i], ARGV[1], 'PX', numberInterval) end
  end
end
return results
`;

// KEYS[1] hour counter, KEYS[2] day counter (of the windows the reservation was taken in), KEYS[3]
// phone mark. ARGV[1] the reservation's now ms: the mark is removed only if no later send replaced it.
// Counters never go below zero: after a Redis flush between reserve and release there is nothing to give
// back. The number's last-send mark stays: other messages of the batch may have gone through the number
// at the same moment, and a turn given up only delays the next proactive message.
export const RELEASE_LUA = `
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1
`;
