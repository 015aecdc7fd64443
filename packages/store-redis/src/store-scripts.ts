import { LuaScript } from "./lua-script.js";

/*
 * The store's multi-key changes, one atomic script each, on the keys of ONE account (one hash tag, one
 * cluster slot). A Redis script does not roll back: each one makes every check before its first write, so
 * a failing check leaves nothing half-done. Replies are integers the TypeScript side maps to results or
 * `ChatError`s; an error reply only ever means a bug.
 *
 * KEYS[1] is always the account hash, KEYS[2] the account's log.
 */

/** ARGV: username, passwordHash, createdAt. Returns 1, or 0 when the key is taken. */
export const CREATE_ACCOUNT = new LuaScript(
  "create account",
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'username', ARGV[1], 'passwordHash', ARGV[2], 'createdAt', ARGV[3],
  'lastSeq', 0, 'ackedSeq', 0)
return 1
`,
);

/** ARGV: passwordHash. Returns 1, or 0 when the account is gone. */
export const SET_PASSWORD_HASH = new LuaScript(
  "set password hash",
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'passwordHash', ARGV[1])
return 1
`,
);

/** Deletes every key of the account (KEYS[1..n]). Returns 1, or 0 when there was no account. */
export const DELETE_ACCOUNT = new LuaScript(
  "delete account",
  `
local existed = redis.call('EXISTS', KEYS[1])
redis.call('DEL', unpack(KEYS))
return existed
`,
);

/*
 * The log's three operations, each written once in Lua and run by more than one script: the plain ones
 * below, the idempotent send's append, and the session directory's fenced read and ack
 * (directory-scripts.ts), which check their lease first. Each fragment reads Lua locals its script sets
 * before it.
 */

/**
 * Lua, given `sentAt`, `sender` (JSON), `content` and `maxBacklog` (-1: none): appends one log element
 * "seq\\nsentAt\\nsender\\ncontent" (the JSON sender holds no raw newline, so the first three newlines split it)
 * and leaves its number in `seq`; returns -1 when the recipient does not exist, -2 when its backlog is at
 * maxBacklog.
 */
const APPEND_TO_LOG = `
local state = redis.call('HMGET', KEYS[1], 'lastSeq', 'ackedSeq')
if not state[1] then return -1 end
local cap = tonumber(maxBacklog)
if cap >= 0 and tonumber(state[1]) - tonumber(state[2]) >= cap then return -2 end
local seq = tonumber(state[1]) + 1
redis.call('HSET', KEYS[1], 'lastSeq', seq)
redis.call('RPUSH', KEYS[2], string.format('%d', seq) .. '\\n' .. sentAt .. '\\n' .. sender .. '\\n' .. content)
`;

/**
 * Lua, given the numbers `afterSeq` and `limit`: returns up to `limit` log elements with seq above
 * `afterSeq`, oldest first.
 */
export const READ_LOG = `
local acked = redis.call('HGET', KEYS[1], 'ackedSeq')
if not acked or limit <= 0 then return {} end
local start = afterSeq - tonumber(acked)
if start < 0 then start = 0 end
return redis.call('LRANGE', KEYS[2], start, start + limit - 1)
`;

/** Lua, given the number `upToSeq`: drops the log's elements up to `upToSeq` and returns how many. */
export const ACK_LOG = `
local state = redis.call('HMGET', KEYS[1], 'ackedSeq', 'lastSeq')
if not state[1] then return 0 end
local acked = tonumber(state[1])
local upTo = math.min(upToSeq, tonumber(state[2]))
if upTo <= acked then return 0 end
redis.call('LTRIM', KEYS[2], upTo - acked, -1)
redis.call('HSET', KEYS[1], 'ackedSeq', upTo)
return upTo - acked
`;

/**
 * ARGV: sentAt, JSON-encoded sender, content, maxBacklog (-1: none). Appends the message to the log (see
 * APPEND_TO_LOG) and returns its seq; -1 when the recipient does not exist, -2 when its backlog is full.
 */
export const APPEND_MESSAGE = new LuaScript(
  "append message",
  `
local sentAt, sender, content, maxBacklog = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
${APPEND_TO_LOG}
return seq
`,
);

/** ARGV: afterSeq, limit. Returns up to `limit` log elements with seq above `afterSeq`, oldest first. */
export const READ_MESSAGES = new LuaScript(
  "read messages",
  `
local afterSeq, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
${READ_LOG}`,
);

/** ARGV: upToSeq. Drops the log's elements up to `upToSeq` and returns how many. */
export const ACK_MESSAGES = new LuaScript(
  "ack messages",
  `
local upToSeq = tonumber(ARGV[1])
${ACK_LOG}`,
);

/**
 * The recipient's half of an idempotent send. KEYS: account, log, receipt key of this attempt's nonce.
 * ARGV: as APPEND_MESSAGE, then the receipt's ttl in ms. Like APPEND_MESSAGE, and records "seq\\nsentAt"
 * under the nonce; -3 (writing nothing) when a retry already took the nonce over.
 */
export const APPEND_MESSAGE_ONCE = new LuaScript(
  "append message once",
  `
if redis.call('EXISTS', KEYS[3]) == 1 then return -3 end
local sentAt, sender, content, maxBacklog, receiptTtlMs = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
${APPEND_TO_LOG}
redis.call('SET', KEYS[3], string.format('%d', seq) .. '\\n' .. sentAt, 'PX', receiptTtlMs)
return seq
`,
);

/**
 * The sender's half, first step. KEYS: sends hash, send-expiry zset. ARGV: id (hex), sentAt, new nonce,
 * recipientKey, contentDigest, expiresAt, delivery, takeover ms. Returns {state, record JSON}: "done" (a
 * receipt, not expired at sentAt), "pending" (another attempt is in flight), "stale" (an attempt pending for
 * longer than the takeover time: it may have crashed), or "reserved" (a new pending record with this nonce;
 * expired records of the sender are pruned).
 */
export const RESERVE_SEND = new LuaScript(
  "reserve send",
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if raw then
  local record = cjson.decode(raw)
  if tonumber(record.expiresAt) > tonumber(ARGV[2]) then
    if record.state == 'done' then return {'done', raw} end
    if nowMs - tonumber(record.createdAt) < tonumber(ARGV[8]) then return {'pending', raw} end
    return {'stale', raw}
  end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
for _, id in ipairs(expired) do redis.call('HDEL', KEYS[1], id) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
local record = cjson.encode({state = 'pending', nonce = ARGV[3], recipientKey = ARGV[4], contentDigest = ARGV[5],
  expiresAt = ARGV[6], delivery = ARGV[7], createdAt = tostring(nowMs)})
redis.call('HSET', KEYS[1], ARGV[1], record)
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
return {'reserved', record}
`,
);

/** KEYS: sends hash. ARGV: id, nonce, seq, sentAt. Marks the pending record of this nonce done. */
export const COMMIT_SEND = new LuaScript(
  "commit send",
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local record = cjson.decode(raw)
if record.nonce ~= ARGV[2] then return 0 end
record.state = 'done'
record.seq = ARGV[3]
record.sentAt = ARGV[4]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
return 1
`,
);

/** KEYS: sends hash, send-expiry zset. ARGV: id, nonce. Drops the record of a failed or abandoned attempt. */
export const DROP_SEND = new LuaScript(
  "drop send",
  `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw).nonce ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`,
);

/**
 * In the recipient's slot, for a stale attempt. KEYS: the attempt's receipt key. ARGV: ttl ms. Returns
 * "seq\\nsentAt" when the attempt's append happened; otherwise takes the nonce over (writes "X", so the
 * attempt, should it still arrive, appends nothing) and returns "X".
 */
export const RESOLVE_SEND = new LuaScript(
  "resolve send",
  `
local value = redis.call('GET', KEYS[1])
if value then return value end
redis.call('SET', KEYS[1], 'X', 'PX', ARGV[1])
return 'X'
`,
);
