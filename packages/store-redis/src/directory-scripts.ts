import { LuaScript } from "./lua-script.js";
import { ACK_LOG, READ_LOG } from "./store-scripts.js";

/*
 * The session directory's scripts, each on the keys of ONE account (one hash tag, one cluster slot), each
 * making every check before its first write. A lease is the hash `chat:{k}:lease` with a time to live; its
 * `token` comes from `chat:{k}:fence`, which only ever grows, so a token is never handed out twice for a
 * name, even after the account was deleted and registered again. Every operation on a lease compares the
 * caller's token with the lease's: a node holding an expired or taken-over lease is refused.
 */

/**
 * KEYS: account, lease, fence. ARGV: node id, ttl ms. Returns the new token; 0 when the account is live
 * already; -1 when the account does not exist.
 */
export const CLAIM_LEASE = new LuaScript(
  "claim lease",
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], 'token', token, 'node', ARGV[1], 'delivering', 1)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return token
`,
);

/** KEYS: account, lease. ARGV: token, ttl ms. Returns the log's last seq, or -1 when the lease is not held. */
export const RENEW_LEASE = new LuaScript(
  "renew lease",
  `
if redis.call('HGET', KEYS[2], 'token') ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return tonumber(redis.call('HGET', KEYS[1], 'lastSeq') or '0')
`,
);

/** KEYS: lease. ARGV: token. Deletes the lease when it is still this token's. Returns 1 or 0. */
export const RELEASE_LEASE = new LuaScript(
  "release lease",
  `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
);

/** KEYS: lease. ARGV: token, 1 or 0. Returns 1, or 0 when the lease is not held. */
export const SET_DELIVERING = new LuaScript(
  "set delivering",
  `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'delivering', ARGV[2])
return 1
`,
);

/**
 * KEYS: account, log, lease. ARGV: token, afterSeq, limit. The log elements after `afterSeq` (as
 * READ_MESSAGES), or nil when the lease is not held: a stale node reads nothing to deliver.
 */
export const FENCED_READ = new LuaScript(
  "fenced read",
  `
if redis.call('HGET', KEYS[3], 'token') ~= ARGV[1] then return false end
local afterSeq, limit = tonumber(ARGV[2]), tonumber(ARGV[3])
${READ_LOG}`,
);

/** KEYS: account, log, lease. ARGV: token, upToSeq. Acks as ACK_MESSAGES; -1 when the lease is not held. */
export const FENCED_ACK = new LuaScript(
  "fenced ack",
  `
if redis.call('HGET', KEYS[3], 'token') ~= ARGV[1] then return -1 end
local upToSeq = tonumber(ARGV[2])
${ACK_LOG}`,
);

/**
 * KEYS: lease. ARGV: seq, wake channel (same hash tag). When the account's session is delivering, publishes
 * the position on its wake channel and returns 1; otherwise 0.
 */
export const ANNOUNCE = new LuaScript(
  "announce",
  `
if redis.call('HGET', KEYS[1], 'delivering') ~= '1' then return 0 end
redis.call('SPUBLISH', ARGV[2], ARGV[1])
return 1
`,
);
