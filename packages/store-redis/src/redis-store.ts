import { randomBytes } from "node:crypto";
import {
  type AccountListRange,
  type AccountRecord,
  type AppendLimits,
  type AppendOnceResult,
  ChatError,
  type DeliveryMode,
  type NewMessage,
  type SendDedupe,
  type Store,
  type StoredMessage,
} from "@chat/core";
import { checkRedisDurability } from "./durability-check.js";
import { ACCOUNT_INDEX_KEY, accountKeys, receiptKey } from "./key-schema.js";
import type { LuaScript } from "./lua-script.js";
import {
  connectRedis,
  type RedisConnection,
  type RedisConnectionOptions,
  type RedisReply,
} from "./redis-connection.js";
import { toChatError } from "./redis-errors.js";
import {
  ACK_MESSAGES,
  APPEND_MESSAGE,
  APPEND_MESSAGE_ONCE,
  COMMIT_SEND,
  CREATE_ACCOUNT,
  DELETE_ACCOUNT,
  DROP_SEND,
  READ_MESSAGES,
  RESERVE_SEND,
  RESOLVE_SEND,
  SET_PASSWORD_HASH,
} from "./store-scripts.js";

/** Every script of the store, loaded into each server at start so the first calls need no `EVAL`. */
export const STORE_SCRIPTS: readonly LuaScript[] = [
  CREATE_ACCOUNT,
  SET_PASSWORD_HASH,
  DELETE_ACCOUNT,
  APPEND_MESSAGE,
  READ_MESSAGES,
  ACK_MESSAGES,
  APPEND_MESSAGE_ONCE,
  RESERVE_SEND,
  COMMIT_SEND,
  DROP_SEND,
  RESOLVE_SEND,
];

/**
 * An idempotent send whose first attempt has been pending this long (by Redis's clock) may have crashed:
 * a retry then settles it, taking its nonce over when its append never happened. Safe at any value (the
 * takeover is fenced in the recipient's slot); it only bounds how long a retry waits.
 */
export const SEND_TAKEOVER_MS = 2000;
/** Pause between looks at an attempt that is still pending. */
const SEND_PENDING_POLL_MS = 20;
/** Rounds of reserve → append → commit before an idempotent send gives up with `UNAVAILABLE`. */
const SEND_MAX_ROUNDS = Math.ceil((SEND_TAKEOVER_MS * 2) / SEND_PENDING_POLL_MS);
/** Shortest life of a receipt key, whatever window the caller asks for. */
const MIN_RECEIPT_TTL_MS = 1000;

/** A pending or done idempotent-send record, as RESERVE_SEND stores it (all fields strings). */
interface SendRecord {
  readonly state: "pending" | "done";
  readonly nonce: string;
  readonly recipientKey: string;
  readonly contentDigest: string;
  readonly expiresAt: string;
  readonly delivery: DeliveryMode;
  readonly seq?: string;
  readonly sentAt?: string;
}

function parseSendRecord(raw: unknown): SendRecord {
  if (typeof raw !== "string") throw new ChatError("INTERNAL", "internal server error");
  return JSON.parse(raw) as SendRecord;
}

function appendFailure(code: number): ChatError | undefined {
  if (code === -1) return new ChatError("NOT_FOUND", "no such account");
  if (code === -2) {
    return new ChatError("RESOURCE_EXHAUSTED", "the recipient has too many unread messages; try again later");
  }
  return undefined;
}

function repeatedResult(record: SendRecord, seq: number, sentAt: number): AppendOnceResult {
  return {
    repeated: true,
    receipt: {
      recipientKey: record.recipientKey,
      seq,
      sentAt,
      delivery: record.delivery,
      contentDigest: record.contentDigest,
    },
  };
}

/** Index entries read per round trip while listing; entries of deleted accounts are skipped. */
const LISTING_BATCH = 256;
/** The highest code point: `prefix + this` bounds the range of keys that start with `prefix`. */
const HIGHEST_CHARACTER = "\u{10FFFF}";

export function asInteger(reply: unknown, what: string): number {
  if (typeof reply === "number" && Number.isInteger(reply)) return reply;
  throw new ChatError("INTERNAL", "internal server error", {
    cause: new Error(`${what}: unexpected reply ${String(reply)}`),
  });
}

export function asStrings(reply: unknown, what: string): string[] {
  if (Array.isArray(reply) && reply.every((item) => typeof item === "string")) return reply as string[];
  throw new ChatError("INTERNAL", "internal server error", { cause: new Error(`${what}: unexpected reply`) });
}

/** Parses a log element written by `APPEND_MESSAGE`: "seq\nsentAt\nJSON sender\ncontent". */
export function parseLogElement(element: string): StoredMessage {
  const first = element.indexOf("\n");
  const second = element.indexOf("\n", first + 1);
  const third = element.indexOf("\n", second + 1);
  if (first < 0 || second < 0 || third < 0) {
    throw new ChatError("INTERNAL", "internal server error", { cause: new Error("malformed log element") });
  }
  return {
    seq: Number(element.slice(0, first)),
    sentAt: Number(element.slice(first + 1, second)),
    from: JSON.parse(element.slice(second + 1, third)) as string,
    content: element.slice(third + 1),
  };
}

/**
 * A {@link Store} on Redis, one server or a Redis Cluster. Each change to an account is one Lua script over
 * that account's hash-tagged keys (see key-schema.ts), so it is atomic on a single server and on a cluster
 * alike. Durability is Redis's: with the settings `checkRedisDurability` insists on, a write is fsynced to
 * the AOF before Redis answers, so a resolved promise is a durable write.
 *
 * The listing index (one sorted set) cannot share a slot with every account, so it is kept beside the
 * accounts, not inside their scripts: an account is added to it before and after its creation, removed
 * after its deletion (and re-added if it was created again meanwhile), and a listing skips entries whose
 * account is gone. Uniqueness is decided by the account's own script alone.
 */
export class RedisStore implements Store {
  private closed = false;

  constructor(
    /** The connection; closed with the store when `ownsConnection`. */
    readonly redis: RedisConnection,
    private readonly ownsConnection = true,
  ) {}

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ChatError("UNAVAILABLE", "the store is closed");
    try {
      return await operation();
    } catch (error) {
      throw toChatError(error);
    }
  }

  createAccount(account: AccountRecord): Promise<void> {
    return this.run(async () => {
      // Indexed first, so a crash right after the creation cannot leave an account that no listing shows.
      await this.redis.send(ACCOUNT_INDEX_KEY, ["ZADD", ACCOUNT_INDEX_KEY, "0", account.key], false);
      const created = await this.runOnAccount(CREATE_ACCOUNT, account.key, [
        account.username,
        account.passwordHash,
        String(account.createdAt),
      ]);
      if (asInteger(created, "create account") === 0) {
        throw new ChatError("ALREADY_EXISTS", `username ${account.username} is already taken`);
      }
      // Again after: a deletion of an earlier account of this key may have removed the entry in between.
      await this.redis.send(ACCOUNT_INDEX_KEY, ["ZADD", ACCOUNT_INDEX_KEY, "0", account.key], false);
    });
  }

  getAccount(key: string): Promise<AccountRecord | undefined> {
    return this.run(async () => {
      const account = accountKeys(key).account;
      const fields = asStringsOrNull(
        await this.redis.send(account, ["HMGET", account, "username", "passwordHash", "createdAt"], true),
      );
      const [username, passwordHash, createdAt] = fields;
      if (username == null || passwordHash == null || createdAt == null) return undefined;
      return { username, key, passwordHash, createdAt: Number(createdAt) };
    });
  }

  setPasswordHash(key: string, passwordHash: string): Promise<void> {
    return this.run(async () => {
      const updated = await this.runOnAccount(SET_PASSWORD_HASH, key, [passwordHash]);
      if (asInteger(updated, "set password hash") === 0) throw new ChatError("NOT_FOUND", "no such account");
    });
  }

  deleteAccount(key: string): Promise<boolean> {
    return this.run(async () => {
      const keys = accountKeys(key);
      // The lease goes too: the account's session ends on every node (its next renewal finds it gone).
      const existed = asInteger(
        await DELETE_ACCOUNT.run(
          this.redis,
          [keys.account, keys.log, keys.lease, keys.sends, keys.sendExpiry],
          [],
        ),
        "delete",
      );
      await this.redis.send(ACCOUNT_INDEX_KEY, ["ZREM", ACCOUNT_INDEX_KEY, key], false);
      // A registration of the same name may have run between the two steps; its entry must stay.
      const recreated = await this.redis.send(keys.account, ["EXISTS", keys.account], true);
      if (asInteger(recreated, "exists") === 1) {
        await this.redis.send(ACCOUNT_INDEX_KEY, ["ZADD", ACCOUNT_INDEX_KEY, "0", key], false);
      }
      return existed === 1;
    });
  }

  listAccounts(range: AccountListRange): Promise<string[]> {
    return this.run(async () => {
      const prefix = range.keyPrefix ?? "";
      const limit = Math.max(0, Math.trunc(range.limit));
      const max = prefix === "" ? "+" : `[${prefix}${HIGHEST_CHARACTER}`;
      let min =
        range.afterKey !== undefined && range.afterKey >= prefix
          ? `(${range.afterKey}`
          : prefix === ""
            ? "-"
            : `[${prefix}`;
      const names: string[] = [];
      while (names.length < limit) {
        const keys = asStrings(
          await this.redis.send(
            ACCOUNT_INDEX_KEY,
            ["ZRANGEBYLEX", ACCOUNT_INDEX_KEY, min, max, "LIMIT", "0", String(LISTING_BATCH)],
            true,
          ),
          "list accounts",
        );
        // One command per account, all in flight at once (node-redis pipelines them).
        const usernames = await Promise.all(
          keys.map((key) => {
            const account = accountKeys(key).account;
            return this.redis.send(account, ["HGET", account, "username"], true);
          }),
        );
        for (const username of usernames) {
          if (typeof username === "string" && names.length < limit) names.push(username);
        }
        if (keys.length < LISTING_BATCH) break;
        min = `(${keys.at(-1) as string}`;
      }
      return names;
    });
  }

  appendMessage(recipientKey: string, message: NewMessage, limits?: AppendLimits): Promise<StoredMessage> {
    return this.run(async () => {
      const seq = asInteger(
        await this.runOnAccount(APPEND_MESSAGE, recipientKey, appendArguments(message, limits)),
        "append message",
      );
      const failure = appendFailure(seq);
      if (failure) throw failure;
      return { seq, from: message.from, content: message.content, sentAt: message.sentAt };
    });
  }

  /**
   * The receipt lives in the sender's slot and the message in the recipient's, which Redis Cluster cannot
   * change in one script; so an idempotent send is three single-slot scripts: reserve the id (a pending
   * record with a fresh nonce) in the sender's slot, append in the recipient's slot recording the nonce's
   * outcome there atomically with the message, commit the record. A retry that finds the record pending
   * waits; once it has been pending for {@link SEND_TAKEOVER_MS} it settles it in the recipient's slot —
   * taking the outcome recorded there, or taking the nonce over so that the old attempt can never append —
   * so a crash at any point leaves the message either stored once with its receipt, or not at all.
   */
  appendMessageOnce(
    recipientKey: string,
    message: NewMessage,
    dedupe: SendDedupe,
    limits?: AppendLimits,
  ): Promise<AppendOnceResult> {
    return this.run(async () => {
      const sender = accountKeys(dedupe.senderKey);
      const id = Buffer.from(dedupe.clientMessageId).toString("hex");
      const ttlMs = String(Math.max(MIN_RECEIPT_TTL_MS, Math.ceil(dedupe.expiresAt - message.sentAt)));
      for (let round = 0; round < SEND_MAX_ROUNDS; round++) {
        const nonce = randomBytes(12).toString("hex");
        const reply = await RESERVE_SEND.run(
          this.redis,
          [sender.sends, sender.sendExpiry],
          [
            id,
            String(message.sentAt),
            nonce,
            recipientKey,
            dedupe.contentDigest,
            String(dedupe.expiresAt),
            dedupe.delivery,
            String(SEND_TAKEOVER_MS),
          ],
        );
        const [state, raw] = asStrings(reply, "reserve send");
        const record = parseSendRecord(raw);
        if (state === "done") return repeatedResult(record, Number(record.seq), Number(record.sentAt));
        if (state === "pending") {
          await new Promise((resolve) => setTimeout(resolve, SEND_PENDING_POLL_MS));
          continue;
        }
        if (state === "stale") {
          const receipt = receiptKey(record.recipientKey, record.nonce);
          const outcome = await RESOLVE_SEND.run(this.redis, [receipt], [ttlMs]);
          if (typeof outcome === "string" && outcome !== "X") {
            const [seq, sentAt] = outcome.split("\n").map(Number) as [number, number];
            await COMMIT_SEND.run(
              this.redis,
              [sender.sends],
              [id, record.nonce, String(seq), String(sentAt)],
            );
            return repeatedResult(record, seq, sentAt);
          }
          await DROP_SEND.run(this.redis, [sender.sends, sender.sendExpiry], [id, record.nonce]);
          continue;
        }
        const keys = accountKeys(recipientKey);
        const seq = asInteger(
          await APPEND_MESSAGE_ONCE.run(
            this.redis,
            [keys.account, keys.log, receiptKey(recipientKey, nonce)],
            [...appendArguments(message, limits), ttlMs],
          ),
          "append message once",
        );
        if (seq === -3) continue;
        const failure = appendFailure(seq);
        if (failure) {
          // A failed send records nothing, so its retry can succeed.
          await DROP_SEND.run(this.redis, [sender.sends, sender.sendExpiry], [id, nonce]);
          throw failure;
        }
        await COMMIT_SEND.run(this.redis, [sender.sends], [id, nonce, String(seq), String(message.sentAt)]);
        return {
          repeated: false,
          message: { seq, from: message.from, content: message.content, sentAt: message.sentAt },
        };
      }
      throw new ChatError("UNAVAILABLE", "the send could not be settled; try again");
    });
  }

  readMessages(recipientKey: string, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    return this.run(async () => {
      const elements = asStrings(
        await this.runOnAccount(
          READ_MESSAGES,
          recipientKey,
          [String(Math.max(0, Math.trunc(afterSeq))), String(Math.max(0, Math.trunc(limit)))],
          true,
        ),
        "read messages",
      );
      return elements.map(parseLogElement);
    });
  }

  ackMessages(recipientKey: string, upToSeq: number): Promise<number> {
    return this.run(async () => {
      return asInteger(
        await this.runOnAccount(ACK_MESSAGES, recipientKey, [String(Math.trunc(upToSeq))]),
        "ack messages",
      );
    });
  }

  /** Runs one of the scripts whose keys are an account's hash and log (store-scripts.ts). */
  private runOnAccount(
    script: LuaScript,
    accountKey: string,
    args: readonly string[],
    readonly = false,
  ): Promise<RedisReply> {
    const keys = accountKeys(accountKey);
    return script.run(this.redis, [keys.account, keys.log], args, readonly);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsConnection) await this.redis.close();
  }
}

/** ARGV of APPEND_MESSAGE, and the first ones of APPEND_MESSAGE_ONCE. */
function appendArguments(message: NewMessage, limits: AppendLimits | undefined): string[] {
  return [
    String(message.sentAt),
    JSON.stringify(message.from),
    message.content,
    String(limits?.maxBacklog ?? -1),
  ];
}

function asStringsOrNull(reply: unknown): Array<string | null> {
  if (Array.isArray(reply) && reply.every((item) => item === null || typeof item === "string")) {
    return reply as Array<string | null>;
  }
  throw new ChatError("INTERNAL", "internal server error", { cause: new Error("HMGET: unexpected reply") });
}

/** How to open a {@link RedisStore}. */
export interface OpenRedisStoreOptions extends RedisConnectionOptions {
  /**
   * Run even when Redis is configured so that it may lose answered writes (see `REQUIRED_REDIS_SETTINGS`).
   * For experiments only.
   */
  readonly unsafe?: boolean;
}

/** Loads every script into every server, so the hot path sends a 40-byte SHA instead of the source. */
export async function loadScripts(connection: RedisConnection, scripts: readonly LuaScript[]): Promise<void> {
  for (const server of await connection.servers()) {
    for (const script of scripts) await server.send(["SCRIPT", "LOAD", script.source]);
  }
}

/**
 * Connects, refuses a Redis whose settings could lose answered sends (unless `unsafe`), and returns the store.
 * Throws `UNAVAILABLE` when Redis cannot be reached and `FAILED_PRECONDITION` for unsafe settings.
 */
export async function openRedisStore(options: OpenRedisStoreOptions): Promise<RedisStore> {
  let connection: RedisConnection;
  try {
    connection = await connectRedis(options);
  } catch (error) {
    throw new ChatError("UNAVAILABLE", (error as Error).message, { cause: error });
  }
  try {
    if (options.unsafe !== true) await checkRedisDurability(connection);
    await loadScripts(connection, STORE_SCRIPTS);
  } catch (error) {
    await connection.close();
    throw toChatError(error);
  }
  return new RedisStore(connection);
}
