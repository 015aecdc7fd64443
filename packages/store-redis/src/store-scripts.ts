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

/**
 * ARGV: sentAt, JSON-encoded sender, content. Appends one log element "seq\\nsentAt\\nsender\\ncontent" (the
 * JSON sender holds no raw newline, so the first three newlines split it) and returns its seq, or -1 when
 * the recipient does not exist.
 */
export const APPEND_MESSAGE = new LuaScript(
  "append message",
  `
local last = redis.call('HGET', KEYS[1], 'lastSeq')
if not last then return -1 end
local seq = tonumber(last) + 1
redis.call('HSET', KEYS[1], 'lastSeq', seq)
redis.call('RPUSH', KEYS[2], string.format('%d', seq) .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3])
return seq
`,
);

/** ARGV: afterSeq, limit. Returns up to `limit` log elements with seq above `afterSeq`, oldest first. */
export const READ_MESSAGES = new LuaScript(
  "read messages",
  `
local acked = redis.call('HGET', KEYS[1], 'ackedSeq')
local limit = tonumber(ARGV[2])
if not acked or limit <= 0 then return {} end
local start = tonumber(ARGV[1]) - tonumber(acked)
if start < 0 then start = 0 end
return redis.call('LRANGE', KEYS[2], start, start + limit - 1)
`,
);

/** ARGV: upToSeq. Drops the log's elements up to `upToSeq` and returns how many. */
export const ACK_MESSAGES = new LuaScript(
  "ack messages",
  `
local state = redis.call('HMGET', KEYS[1], 'ackedSeq', 'lastSeq')
if not state[1] then return 0 end
local acked = tonumber(state[1])
local upTo = math.min(tonumber(ARGV[1]), tonumber(state[2]))
if upTo <= acked then return 0 end
redis.call('LTRIM', KEYS[2], upTo - acked, -1)
redis.call('HSET', KEYS[1], 'ackedSeq', upTo)
return upTo - acked
`,
);
