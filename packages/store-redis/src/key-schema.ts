/**
 * Every key of the chat system in Redis. Keys of one account share the hash tag `{<account key>}`, so Redis
 * Cluster puts them in one slot and one script may touch all of them atomically. Account keys are validated
 * usernames (`[a-z0-9_.-]`, case-folded), so they never contain the braces that delimit a tag.
 *
 * | key                       | type   | what                                                                   |
 * | ------------------------- | ------ | ---------------------------------------------------------------------- |
 * | `chat:{k}:account`        | hash   | `username`, `passwordHash`, `createdAt`, `lastSeq`, `ackedSeq`         |
 * | `chat:{k}:log`            | list   | unacknowledged messages, oldest first; element i has seq ackedSeq+1+i  |
 * | `chat:{k}:lease`           | hash   | the live session: `token`, `node`, `delivering`; expires (PEXPIRE)     |
 * | `chat:{k}:fence`          | string | last fencing token handed out for the name; survives account deletion  |
 * | `chat:{k}:sends`          | hash   | idempotent sends of k as sender: client id (hex) → JSON record         |
 * | `chat:{k}:send-expiry`    | zset   | the same ids scored by their `expiresAt`, for pruning                  |
 * | `chat:{k}:receipt:<n>`    | string | in the recipient's slot: "seq\nsentAt" of the append made under nonce n, |
 * |                           |        | or "X" when a retry took that nonce over; expires with the window      |
 * | `chat:accounts`           | zset   | every account key (score 0, ordered by bytes): the listing index       |
 *
 * and one sharded pub/sub channel per account, `chat:{k}:wake`, in the same slot, carrying wake-up hints
 * (the position of a new message).
 */
export interface AccountKeys {
  readonly account: string;
  readonly log: string;
  readonly lease: string;
  readonly fence: string;
  readonly sends: string;
  readonly sendExpiry: string;
  /** A sharded pub/sub channel, not a key; in the account's slot. */
  readonly wakeChannel: string;
}

/** Prefix of every key, so the chat can share a Redis database with other data. */
export const KEY_PREFIX = "chat:";
/** The listing index. It is derived data: the account hash decides whether an account exists. */
export const ACCOUNT_INDEX_KEY = `${KEY_PREFIX}accounts`;

/** The keys of one account, all in the slot of its hash tag. */
export function accountKeys(key: string): AccountKeys {
  const tag = `${KEY_PREFIX}{${key}}`;
  return {
    account: `${tag}:account`,
    log: `${tag}:log`,
    lease: `${tag}:lease`,
    fence: `${tag}:fence`,
    sends: `${tag}:sends`,
    sendExpiry: `${tag}:send-expiry`,
    wakeChannel: `${tag}:wake`,
  };
}

/** The key, in the recipient's slot, recording what became of the idempotent append made under `nonce`. */
export function receiptKey(recipientKey: string, nonce: string): string {
  return `${KEY_PREFIX}{${recipientKey}}:receipt:${nonce}`;
}
