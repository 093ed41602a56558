/**
 * The limiter's Lua scripts. Redis runs a script atomically: no other command of any client
 * runs between its first and last line, so a check that reads every counter, decides, and
 * then increments them is exact however many processes call it at once.
 *
 * A counter is a hash per rule: `w` = start of the window it counts (ms since the epoch, by
 * Redis's clock), `n` = units used in that window. A counter whose `w` is not the current
 * window counts as 0 (the window rolled over). Every key a script touches is passed in KEYS.
 *
 * Time comes from Redis (`TIME`), not from the callers, so processes with skewed clocks
 * still agree on window boundaries.
 */

/**
 * check: KEYS = the rules' counters; ARGV = for each rule `limit`, `windowMs`, `cost`.
 * All-or-nothing: if any rule would go over its limit, nothing is counted.
 * Returns { deniedIndex (1-based, 0 = admitted), nowMs, then per rule: used, windowStart }.
 * `used` is after this request's cost when admitted, before it when denied.
 */
export const CHECK_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS
local starts = {}
local used = {}
local denied = 0
for i = 1, n do
  local limit = tonumber(ARGV[(i - 1) * 3 + 1])
  local win = tonumber(ARGV[(i - 1) * 3 + 2])
  local cost = tonumber(ARGV[(i - 1) * 3 + 3])
  local start = now - (now % win)
  local h = redis.call('HMGET', KEYS[i], 'w', 'n')
  local u = 0
  if tonumber(h[1]) == start then u = tonumber(h[2]) or 0 end
  starts[i] = start
  used[i] = u
  if denied == 0 and u + cost > limit then denied = i end
end
if denied == 0 then
  for i = 1, n do
    local win = tonumber(ARGV[(i - 1) * 3 + 2])
    local cost = tonumber(ARGV[(i - 1) * 3 + 3])
    if cost > 0 then
      used[i] = used[i] + cost
      redis.call('HSET', KEYS[i], 'w', string.format('%d', starts[i]), 'n', string.format('%d', used[i]))
      redis.call('PEXPIREAT', KEYS[i], string.format('%d', starts[i] + win + 1000))
    end
  end
end
local out = { denied, now }
for i = 1, n do
  out[#out + 1] = used[i]
  out[#out + 1] = starts[i]
end
return out
`;

/**
 * settle: KEYS[1] = a counter; ARGV = windowStart (of the reservation), delta (may be
 * negative). Applies the delta only while the counter still counts that window, never below 0.
 * Returns the new usage, or -1 when the window has passed (nothing left to correct).
 */
export const SETTLE_SCRIPT = `
local w = redis.call('HGET', KEYS[1], 'w')
if tonumber(w) ~= tonumber(ARGV[1]) then return -1 end
local v = redis.call('HINCRBY', KEYS[1], 'n', ARGV[2])
if v < 0 then
  redis.call('HSET', KEYS[1], 'n', '0')
  v = 0
end
return v
`;
