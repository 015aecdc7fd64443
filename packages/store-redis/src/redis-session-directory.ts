import { randomUUID } from "node:crypto";
import {
  ChatError,
  DEFAULT_LEASE_RENEW_INTERVAL_MS,
  DEFAULT_LEASE_TTL_MS,
  LEASE_SAFETY_MARGIN_MS,
  type LeaseRenewal,
  leaseLostError,
  type SessionDirectory,
  type SessionLease,
  type StopWatching,
  type StoredMessage,
} from "@chat/core";
import {
  ANNOUNCE,
  CLAIM_LEASE,
  FENCED_ACK,
  FENCED_READ,
  RELEASE_LEASE,
  RENEW_LEASE,
  SET_DELIVERING,
} from "./directory-scripts.js";
import { accountKeys } from "./key-schema.js";
import type { LuaScript } from "./lua-script.js";
import type { RedisConnection } from "./redis-connection.js";
import { toChatError } from "./redis-errors.js";
import { asInteger, asStrings, loadScripts, parseLogElement } from "./redis-store.js";

/** Every script of the directory, loaded into each server at start. */
export const DIRECTORY_SCRIPTS: readonly LuaScript[] = [
  CLAIM_LEASE,
  RENEW_LEASE,
  RELEASE_LEASE,
  SET_DELIVERING,
  FENCED_READ,
  FENCED_ACK,
  ANNOUNCE,
];

/** Timing of a {@link RedisSessionDirectory}. */
export interface RedisSessionDirectoryOptions {
  /** Lease time to live: how long a killed node's sessions block their accounts. */
  readonly leaseTtlMs?: number;
  /** How often leases are renewed; also the catch-up bound for a lost wake-up. */
  readonly renewIntervalMs?: number;
  /** This node's name in leases (diagnostics only); a random UUID by default. */
  readonly nodeId?: string;
}

class RedisLease implements SessionLease {
  constructor(
    readonly key: string,
    readonly token: number,
    public validUntil: number,
  ) {}
}

/**
 * A {@link SessionDirectory} on Redis, shared by every node on it. A session's lease is a hash with a time
 * to live, renewed by its node; a killed node's leases expire within `leaseTtlMs`. Fencing tokens make every
 * read for delivery, every ack and every renewal conditional on still holding the lease, inside the same
 * script as the operation. Wake-ups are sharded pub/sub messages carrying the new message's position.
 */
export class RedisSessionDirectory implements SessionDirectory {
  readonly distributed = true;
  readonly renewIntervalMs: number;
  readonly leaseTtlMs: number;
  readonly nodeId: string;

  private constructor(
    private readonly redis: RedisConnection,
    options: RedisSessionDirectoryOptions,
  ) {
    this.leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewIntervalMs = options.renewIntervalMs ?? DEFAULT_LEASE_RENEW_INTERVAL_MS;
    this.nodeId = options.nodeId ?? randomUUID();
    if (this.renewIntervalMs * 2 + LEASE_SAFETY_MARGIN_MS > this.leaseTtlMs) {
      throw new RangeError("a lease must live for at least two renewal intervals plus the safety margin");
    }
  }

  /** A directory on `redis` (typically the connection of the node's `RedisStore`, which closes it). */
  static async create(
    redis: RedisConnection,
    options: RedisSessionDirectoryOptions = {},
  ): Promise<RedisSessionDirectory> {
    const directory = new RedisSessionDirectory(redis, options);
    try {
      await loadScripts(redis, DIRECTORY_SCRIPTS);
    } catch (error) {
      throw toChatError(error);
    }
    return directory;
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toChatError(error);
    }
  }

  /** When a lease renewed (or claimed) at `startedAt` stops being certainly ours. */
  private validUntil(startedAt: number): number {
    return startedAt + this.leaseTtlMs - LEASE_SAFETY_MARGIN_MS;
  }

  claim(key: string): Promise<SessionLease | undefined> {
    return this.run(async () => {
      const keys = accountKeys(key);
      const startedAt = Date.now();
      const token = asInteger(
        await CLAIM_LEASE.run(
          this.redis,
          [keys.account, keys.lease, keys.fence],
          [this.nodeId, String(this.leaseTtlMs)],
        ),
        "claim lease",
      );
      if (token < 0) throw new ChatError("UNAUTHENTICATED", "wrong username or password");
      return token === 0 ? undefined : new RedisLease(key, token, this.validUntil(startedAt));
    });
  }

  renew(lease: SessionLease): Promise<LeaseRenewal> {
    return this.run(async () => {
      const keys = accountKeys(lease.key);
      const startedAt = Date.now();
      const lastSeq = asInteger(
        await RENEW_LEASE.run(
          this.redis,
          [keys.account, keys.lease],
          [String(lease.token), String(this.leaseTtlMs)],
        ),
        "renew lease",
      );
      if (lastSeq < 0) return { held: false };
      if (lease instanceof RedisLease) lease.validUntil = this.validUntil(startedAt);
      return { held: true, lastSeq };
    });
  }

  release(lease: SessionLease): Promise<void> {
    return this.run(async () => {
      await RELEASE_LEASE.run(this.redis, [accountKeys(lease.key).lease], [String(lease.token)]);
    });
  }

  setDelivering(lease: SessionLease, delivering: boolean): Promise<void> {
    return this.run(async () => {
      await SET_DELIVERING.run(
        this.redis,
        [accountKeys(lease.key).lease],
        [String(lease.token), delivering ? "1" : "0"],
      );
    });
  }

  readMessages(lease: SessionLease, afterSeq: number, limit: number): Promise<StoredMessage[]> {
    return this.run(async () => {
      const keys = accountKeys(lease.key);
      const reply = await FENCED_READ.run(
        this.redis,
        [keys.account, keys.log, keys.lease],
        [
          String(lease.token),
          String(Math.max(0, Math.trunc(afterSeq))),
          String(Math.max(0, Math.trunc(limit))),
        ],
      );
      if (reply === null) throw leaseLostError();
      return asStrings(reply, "fenced read").map(parseLogElement);
    });
  }

  ackMessages(lease: SessionLease, upToSeq: number): Promise<number> {
    return this.run(async () => {
      const keys = accountKeys(lease.key);
      const count = asInteger(
        await FENCED_ACK.run(
          this.redis,
          [keys.account, keys.log, keys.lease],
          [String(lease.token), String(Math.trunc(upToSeq))],
        ),
        "fenced ack",
      );
      if (count < 0) throw leaseLostError();
      return count;
    });
  }

  isDelivering(key: string): Promise<boolean> {
    return this.run(async () => {
      const lease = accountKeys(key).lease;
      return (await this.redis.send(lease, ["HGET", lease, "delivering"], true)) === "1";
    });
  }

  announce(key: string, seq: number): Promise<boolean> {
    return this.run(async () => {
      const keys = accountKeys(key);
      const live = await ANNOUNCE.run(this.redis, [keys.lease], [String(seq), keys.wakeChannel]);
      return asInteger(live, "announce") === 1;
    });
  }

  watch(key: string, onHint: (seq: number) => void): Promise<StopWatching> {
    return this.run(() =>
      this.redis.subscribe(accountKeys(key).wakeChannel, (message) => {
        const seq = Number(message);
        // Only this package publishes here; anything else is ignored rather than trusted.
        if (Number.isSafeInteger(seq) && seq > 0) onHint(seq);
      }),
    );
  }
}
