/**
 * The closed set of error codes every layer of the chat system speaks. Names and numbers follow the gRPC
 * status codes, so the gRPC adapter maps them one-to-one and the wire adapter can print a stable name.
 */
export const ChatErrorCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** One of the names in {@link ChatErrorCode}. */
export type ChatErrorCodeName = keyof typeof ChatErrorCode;

const codeNames = new Set<string>(Object.keys(ChatErrorCode));

/** Whether a string is one of the closed set of {@link ChatErrorCodeName}s. */
export function isChatErrorCodeName(value: string): value is ChatErrorCodeName {
  return codeNames.has(value);
}

/** Looks up the code name for a gRPC-style status number; `undefined` when it is not in the closed set. */
export function chatErrorCodeFromNumber(status: number): ChatErrorCodeName | undefined {
  for (const [name, value] of Object.entries(ChatErrorCode)) {
    if (value === status) return name as ChatErrorCodeName;
  }
  return undefined;
}

/**
 * The one error type of the chat system: a code from the closed set plus a message meant for a person.
 * Transports convert it to their own form (a wire `err` frame, a gRPC status) only at their boundary.
 */
export class ChatError extends Error {
  override readonly name = "ChatError";
  /**
   * For a refusal that will pass on its own (a rate limit, a full queue; always `RESOURCE_EXHAUSTED`): how
   * long to wait before trying again, in milliseconds. Absent when waiting would not help.
   */
  readonly retryAfterMs: number | undefined;

  constructor(
    /** What kind of failure this is. */
    readonly code: ChatErrorCodeName,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options !== undefined && "cause" in options ? { cause: options.cause } : undefined);
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** The gRPC-compatible status number of {@link code}. */
  get status(): number {
    return ChatErrorCode[this.code];
  }

  /**
   * Turns anything thrown into a `ChatError`. A `ChatError` is returned as it is; anything else becomes
   * `INTERNAL` with a generic message, so that internals (paths, SQL, stack traces) never reach a client.
   * The original value is kept as `cause` for logs.
   */
  static from(value: unknown): ChatError {
    if (value instanceof ChatError) return value;
    return new ChatError("INTERNAL", "internal server error", { cause: value });
  }
}
