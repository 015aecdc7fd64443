import { decodeAccountCursor } from "./account-cursor.js";
import { ChatError } from "./chat-error.js";
import { isWellFormedUtf16, utf8ByteLength, utf8ByteLengthWithin } from "./utf8.js";

/** Shortest username, in bytes. */
export const USERNAME_MIN_BYTES = 1;
/** Longest username, in bytes: the seed's `16s` field. */
export const USERNAME_MAX_BYTES = 16;
/** The characters a username may use. Fixed, never built from input. */
const USERNAME_CHARACTERS = /^[A-Za-z0-9_.-]+$/;

/** Shortest password, in UTF-8 bytes. */
export const PASSWORD_MIN_BYTES = 8;
/** Longest password, in UTF-8 bytes: the seed's `64s` field. */
export const PASSWORD_MAX_BYTES = 64;

/** Shortest message content, in UTF-8 bytes. */
export const CONTENT_MIN_BYTES = 1;
/** Longest message content, in UTF-8 bytes: the seed's `512s` field. */
export const CONTENT_MAX_BYTES = 512;

/** Shortest client message id (the opaque key of an idempotent send), in bytes. */
export const CLIENT_MESSAGE_ID_MIN_BYTES = 1;
/** Longest client message id, in bytes: room for a UUID (16) or a ULID/KSUID in text, or a SHA-256. */
export const CLIENT_MESSAGE_ID_MAX_BYTES = 32;

/**
 * How long the server remembers a client message id and the answer its send got, in milliseconds: a
 * retry within this window is answered from the record and stores nothing. 24 hours outlasts any client
 * outbox a reconnecting client keeps.
 */
export const SEND_DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Default most unacknowledged messages one recipient may have waiting: past it, sends to them fail with
 * `RESOURCE_EXHAUSTED` until they read and acknowledge. 100,000 messages of at most 512 bytes is at most
 * ~50 MB of content per account, and far more than a person reads.
 */
export const DEFAULT_MAX_BACKLOG = 100_000;

/** Longest wildcard pattern, in UTF-8 bytes: the seed's `16s` field. */
export const WILDCARD_MAX_BYTES = 16;

/** Default number of account names in one page of a listing. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page of account names a caller may ask for. */
export const MAX_PAGE_SIZE = 1000;
/**
 * Most names one whole listing (`ChatConnection.listAllAccounts`, the seed protocol's `acd`/`acf`) gathers;
 * a longer listing is cut here and marked truncated, so one request cannot make the server hold every name.
 */
export const MAX_NAMES_PER_FULL_LISTING = 10_000;

function invalid(message: string): ChatError {
  return new ChatError("INVALID_ARGUMENT", message);
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== "string") throw invalid(`${what} must be a string`);
  if (!isWellFormedUtf16(value)) throw invalid(`${what} must be valid UTF-8`);
  if (value.includes("\0")) throw invalid(`${what} must not contain NUL bytes`);
  return value;
}

/**
 * Checks a username: 1–16 bytes of `[A-Za-z0-9_.-]`. Returns it unchanged; throws `INVALID_ARGUMENT`
 * naming the rule otherwise.
 */
export function validateUsername(value: unknown): string {
  const name = requireText(value, "username");
  if (name.length < USERNAME_MIN_BYTES || name.length > USERNAME_MAX_BYTES) {
    throw invalid(`username must be ${USERNAME_MIN_BYTES}-${USERNAME_MAX_BYTES} bytes long`);
  }
  if (!USERNAME_CHARACTERS.test(name)) {
    throw invalid("username may only use the letters A-Z and a-z, digits, '_', '.' and '-'");
  }
  return name;
}

/** Checks a password: 8–64 bytes of UTF-8 without NUL. */
export function validatePassword(value: unknown): string {
  const password = requireText(value, "password");
  const bytes = utf8ByteLength(password);
  if (bytes < PASSWORD_MIN_BYTES || bytes > PASSWORD_MAX_BYTES) {
    throw invalid(`password must be ${PASSWORD_MIN_BYTES}-${PASSWORD_MAX_BYTES} bytes of UTF-8`);
  }
  return password;
}

/** Checks message content: 1–512 bytes of UTF-8 without NUL (bytes, not characters: an emoji is 4). */
export function validateContent(value: unknown): string {
  const content = requireText(value, "message");
  // A UTF-16 unit is 1-3 bytes (a surrogate pair 4 for two), so most messages pass on their length alone.
  if (content.length >= CONTENT_MIN_BYTES && content.length * 3 <= CONTENT_MAX_BYTES) return content;
  const within = utf8ByteLengthWithin(content, CONTENT_MAX_BYTES);
  // The exact size is only needed for the error message.
  const bytes = within > CONTENT_MAX_BYTES ? utf8ByteLength(content) : within;
  if (bytes < CONTENT_MIN_BYTES || bytes > CONTENT_MAX_BYTES) {
    throw invalid(`message must be ${CONTENT_MIN_BYTES}-${CONTENT_MAX_BYTES} bytes of UTF-8 (got ${bytes})`);
  }
  return content;
}

/** Checks a wildcard pattern's size and encoding; its syntax is checked by `compileWildcard`. */
export function validateWildcardText(value: unknown): string {
  const pattern = requireText(value, "wildcard");
  if (utf8ByteLength(pattern) > WILDCARD_MAX_BYTES) {
    throw invalid(`wildcard must be at most ${WILDCARD_MAX_BYTES} bytes`);
  }
  return pattern;
}

/** Checks a requested page size: a whole number from 1 to {@link MAX_PAGE_SIZE}. */
export function validatePageSize(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw invalid(`page size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return value;
}

/** Checks a message sequence number: a positive safe integer. */
export function validateSequence(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalid("sequence number must be a whole number of 0 or more");
  }
  return value;
}

/** Checks a client message id: 1–32 bytes. Returns a copy, so later changes by the caller cannot alter it. */
export function validateClientMessageId(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid("client message id must be bytes");
  if (value.length < CLIENT_MESSAGE_ID_MIN_BYTES || value.length > CLIENT_MESSAGE_ID_MAX_BYTES) {
    throw invalid(
      `client message id must be ${CLIENT_MESSAGE_ID_MIN_BYTES}-${CLIENT_MESSAGE_ID_MAX_BYTES} bytes (got ${value.length})`,
    );
  }
  return Uint8Array.from(value);
}

/** Checks a backlog cap: a whole number of 1 or more. */
export function validateMaxBacklog(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw invalid("max backlog must be a whole number of 1 or more");
  }
  return value;
}

/**
 * Checks a page cursor: one the service handed out (`nextCursor`), unchanged. Returns it; throws
 * `INVALID_ARGUMENT` for anything else, as the service does.
 */
export function validateCursor(value: unknown): string {
  if (typeof value !== "string") throw invalid("page cursor must be a string");
  decodeAccountCursor(value);
  return value;
}
