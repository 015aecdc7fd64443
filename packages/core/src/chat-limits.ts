import type { BackoffShape } from "./failure-backoff.js";
import { DEFAULT_HASH_CONCURRENCY } from "./node-crypto.js";
import type { BucketShape } from "./token-bucket.js";

/*
 * Every abuse limit of the service, with its default. They are the service's (not a transport's), so one
 * budget holds across every transport in front of it: an address cannot double its logins by switching
 * from the wire to gRPC. docs/security.md, "Every limit and its default", explains each.
 */

/**
 * Default most password hashes (logins, registrations) waiting for one of the `hashConcurrency` slots;
 * one more is refused with `RESOURCE_EXHAUSTED` and a retry hint. 32 waiting at about 0.1–0.3 s a hash
 * on 2 slots is a wait of a few seconds at most.
 */
export const DEFAULT_MAX_QUEUED_HASHES = 32;

/**
 * Default throttle of failed logins per account and source address: 5 free failures (OWASP's "a handful"),
 * then a wait of 1 s after the last failure, doubling with each further one up to 15 minutes; forgotten
 * after an hour without a failure, or at once after a right password from that address. It keys on the
 * address too, so a guesser elsewhere never locks the real user out.
 */
export const DEFAULT_LOGIN_BACKOFF_PER_ACCOUNT_AND_ADDRESS: BackoffShape = {
  freeFailures: 5,
  firstDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/**
 * Default throttle of failed logins per source address over all accounts (guessing spread across many
 * accounts): 20 free failures, then 1 s doubling up to 15 minutes; forgotten after an hour without one. A
 * right password takes its own attempt back but forgives nothing else from that address.
 */
export const DEFAULT_LOGIN_BACKOFF_PER_ADDRESS: BackoffShape = {
  freeFailures: 20,
  firstDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Default registrations per source address: 20 at once, then one every 30 s (2 a minute, 2,880 a day). */
export const DEFAULT_REGISTRATIONS_PER_ADDRESS: BucketShape = { burst: 20, perSecond: 1 / 30 };

/** Default listing requests per connection: 20 at once, then 2 a second. */
export const DEFAULT_LISTINGS_PER_CONNECTION: BucketShape = { burst: 20, perSecond: 2 };

/** Default listing requests per source address over all its connections: 50 at once, then 5 a second. */
export const DEFAULT_LISTINGS_PER_ADDRESS: BucketShape = { burst: 50, perSecond: 5 };

/**
 * Default account names a source address may have listings examine: 50,000 at once, then 20,000 a second.
 * A listing that runs out mid-way returns what it found with a cursor (or marked truncated); one that
 * starts with none left is refused with a retry hint.
 */
export const DEFAULT_NAMES_SCANNED_PER_ADDRESS: BucketShape = { burst: 50_000, perSecond: 20_000 };

/**
 * Default most account names one listing request examines (a page, or a whole seed `acd`/`acf`): past it
 * the answer is cut (a short page with a cursor, or a listing marked truncated). Twice the most names a
 * whole listing returns (`MAX_NAMES_PER_FULL_LISTING`).
 */
export const DEFAULT_MAX_NAMES_SCANNED_PER_REQUEST = 20_000;

/**
 * Default messages per session (per account: logging in again starts no new budget): 500 at once, then 100
 * a second. Far above a person (ergo's fakelag allows 2 a second, Synapse 0.2), room for bots and bridges;
 * the backlog cap bounds what one recipient can be sent.
 */
export const DEFAULT_SENDS_PER_SESSION: BucketShape = { burst: 500, perSecond: 100 };

/**
 * Default most keys (addresses, accounts, account and address pairs) each limit remembers; past it the
 * oldest is forgotten, so a flood of new addresses cannot grow memory without bound.
 */
export const DEFAULT_MAX_TRACKED_KEYS = 100_000;

/** The abuse limits of a `ChatService`. Every field has the default named after it. */
export interface ChatLimits {
  /** Password hashes the service runs at once. Default `DEFAULT_HASH_CONCURRENCY` (2). */
  readonly hashConcurrency: number;
  /** Hashes waiting for a slot before more are refused. Default {@link DEFAULT_MAX_QUEUED_HASHES}. */
  readonly maxQueuedHashes: number;
  /** Failed logins per account and address. Default {@link DEFAULT_LOGIN_BACKOFF_PER_ACCOUNT_AND_ADDRESS}. */
  readonly loginBackoffPerAccountAndAddress: BackoffShape;
  /** Failed logins per address. Default {@link DEFAULT_LOGIN_BACKOFF_PER_ADDRESS}. */
  readonly loginBackoffPerAddress: BackoffShape;
  /** Registrations per address. Default {@link DEFAULT_REGISTRATIONS_PER_ADDRESS}. */
  readonly registrationsPerAddress: BucketShape;
  /** Listing requests per connection. Default {@link DEFAULT_LISTINGS_PER_CONNECTION}. */
  readonly listingsPerConnection: BucketShape;
  /** Listing requests per address. Default {@link DEFAULT_LISTINGS_PER_ADDRESS}. */
  readonly listingsPerAddress: BucketShape;
  /** Names listings examine per address. Default {@link DEFAULT_NAMES_SCANNED_PER_ADDRESS}. */
  readonly namesScannedPerAddress: BucketShape;
  /** Names one listing request examines at most. Default {@link DEFAULT_MAX_NAMES_SCANNED_PER_REQUEST}. */
  readonly maxNamesScannedPerRequest: number;
  /** Sends per session. Default {@link DEFAULT_SENDS_PER_SESSION}. */
  readonly sendsPerSession: BucketShape;
  /** Keys each limit remembers. Default {@link DEFAULT_MAX_TRACKED_KEYS}. */
  readonly maxTrackedKeys: number;
}

/** The defaults of {@link ChatLimits}. */
export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  hashConcurrency: DEFAULT_HASH_CONCURRENCY,
  maxQueuedHashes: DEFAULT_MAX_QUEUED_HASHES,
  loginBackoffPerAccountAndAddress: DEFAULT_LOGIN_BACKOFF_PER_ACCOUNT_AND_ADDRESS,
  loginBackoffPerAddress: DEFAULT_LOGIN_BACKOFF_PER_ADDRESS,
  registrationsPerAddress: DEFAULT_REGISTRATIONS_PER_ADDRESS,
  listingsPerConnection: DEFAULT_LISTINGS_PER_CONNECTION,
  listingsPerAddress: DEFAULT_LISTINGS_PER_ADDRESS,
  namesScannedPerAddress: DEFAULT_NAMES_SCANNED_PER_ADDRESS,
  maxNamesScannedPerRequest: DEFAULT_MAX_NAMES_SCANNED_PER_REQUEST,
  sendsPerSession: DEFAULT_SENDS_PER_SESSION,
  maxTrackedKeys: DEFAULT_MAX_TRACKED_KEYS,
};

/** A rate that never limits: for benchmarks and load tests that measure something else. */
export const UNLIMITED_RATE: BucketShape = {
  burst: Number.POSITIVE_INFINITY,
  perSecond: Number.POSITIVE_INFINITY,
};

/** A backoff that never delays. */
export const NO_BACKOFF: BackoffShape = {
  freeFailures: Number.POSITIVE_INFINITY,
  firstDelayMs: 0,
  maxDelayMs: 0,
  forgetAfterMs: 0,
};

/**
 * Limits that refuse nothing (the checks still run, so their cost is still paid; hashing keeps its
 * concurrency): for benchmarks and load tests, which measure the transports, not the guards. Never for a
 * server anyone else can reach.
 */
export const NO_ABUSE_LIMITS: Partial<ChatLimits> = {
  maxQueuedHashes: Number.POSITIVE_INFINITY,
  loginBackoffPerAccountAndAddress: NO_BACKOFF,
  loginBackoffPerAddress: NO_BACKOFF,
  registrationsPerAddress: UNLIMITED_RATE,
  listingsPerConnection: UNLIMITED_RATE,
  listingsPerAddress: UNLIMITED_RATE,
  namesScannedPerAddress: UNLIMITED_RATE,
  maxNamesScannedPerRequest: Number.POSITIVE_INFINITY,
  sendsPerSession: UNLIMITED_RATE,
};

function positive(name: string, value: number, whole: boolean): void {
  const ok =
    value > 0 &&
    (whole ? Number.isSafeInteger(value) || value === Number.POSITIVE_INFINITY : !Number.isNaN(value));
  if (!ok)
    throw new RangeError(`limit ${name} must be a positive ${whole ? "whole " : ""}number (got ${value})`);
}

function checkBucket(name: string, shape: BucketShape): void {
  positive(`${name}.burst`, shape.burst, false);
  positive(`${name}.perSecond`, shape.perSecond, false);
}

function checkBackoff(name: string, shape: BackoffShape): void {
  if (shape.freeFailures === Number.POSITIVE_INFINITY) return;
  positive(`${name}.freeFailures`, shape.freeFailures + 1, true);
  for (const field of ["firstDelayMs", "maxDelayMs", "forgetAfterMs"] as const) {
    positive(`${name}.${field}`, shape[field], false);
  }
}

/** Fills in the defaults of `limits` and checks every value; a bad one is a `RangeError` naming it. */
export function resolveChatLimits(limits: Partial<ChatLimits> = {}): ChatLimits {
  const resolved: ChatLimits = { ...DEFAULT_CHAT_LIMITS, ...limits };
  positive("hashConcurrency", resolved.hashConcurrency, true);
  positive("maxQueuedHashes", resolved.maxQueuedHashes, true);
  positive("maxNamesScannedPerRequest", resolved.maxNamesScannedPerRequest, true);
  positive("maxTrackedKeys", resolved.maxTrackedKeys, true);
  checkBackoff("loginBackoffPerAccountAndAddress", resolved.loginBackoffPerAccountAndAddress);
  checkBackoff("loginBackoffPerAddress", resolved.loginBackoffPerAddress);
  checkBucket("registrationsPerAddress", resolved.registrationsPerAddress);
  checkBucket("listingsPerConnection", resolved.listingsPerConnection);
  checkBucket("listingsPerAddress", resolved.listingsPerAddress);
  checkBucket("namesScannedPerAddress", resolved.namesScannedPerAddress);
  checkBucket("sendsPerSession", resolved.sendsPerSession);
  return resolved;
}
