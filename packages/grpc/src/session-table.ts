import { type ChatConnection, ChatError, type ServerLogger } from "@chat/core";
import { serverShuttingDown } from "@chat/core/adapter";
import { type Metadata, status } from "@grpc/grpc-js";
import { GrpcSession, type GrpcSessionOwner } from "./grpc-session.js";
import { createSessionToken, hashSessionToken, readBearerToken } from "./session-token.js";
import type { GrpcStatus } from "./status.js";

/** Options of a {@link SessionTable}. */
export interface SessionTableOptions {
  /** The session lease: a session with no open stream and no call for this long expires, in milliseconds. */
  readonly leaseMs: number;
  /** How long calls alone may renew the lease of a session with no stream, in milliseconds. */
  readonly renewalLimitMs: number;
  readonly logger: ServerLogger;
}

const OK_STATUS: GrpcStatus = { code: status.OK, details: "OK" };

/**
 * Every live gRPC session, keyed by the hash of its token (the tokens themselves exist only on the
 * client). Turns the `authorization` metadata of a call into its session, or `UNAUTHENTICATED`.
 */
export class SessionTable implements GrpcSessionOwner {
  private readonly sessions = new Map<string, GrpcSession>();
  private closed = false;

  constructor(private readonly options: SessionTableOptions) {}

  /** How many sessions are live. */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * Registers a freshly logged-in connection and returns its new token. When the table is closed (the
   * server is stopping) the connection is closed instead and the call fails with `UNAVAILABLE`.
   */
  open(connection: ChatConnection, username: string): string {
    if (this.closed) {
      connection.close();
      throw serverShuttingDown();
    }
    const token = createSessionToken();
    const tokenHash = hashSessionToken(token);
    this.sessions.set(tokenHash, new GrpcSession(tokenHash, connection, username, this.options, this));
    return token;
  }

  /** The session named by the call's bearer token, or `undefined` when it is missing or not live. */
  find(metadata: Metadata): GrpcSession | undefined {
    const token = readBearerToken(metadata);
    return token === undefined ? undefined : this.sessions.get(hashSessionToken(token));
  }

  /** The session named by the call's bearer token; `UNAUTHENTICATED` when missing, unknown or expired. */
  authenticate(metadata: Metadata): GrpcSession {
    if (this.closed) throw serverShuttingDown();
    const token = readBearerToken(metadata);
    if (token === undefined) {
      throw new ChatError("UNAUTHENTICATED", "you must log in first (send authorization: Bearer <token>)");
    }
    const session = this.sessions.get(hashSessionToken(token));
    if (!session) throw new ChatError("UNAUTHENTICATED", "the session has ended or expired; log in again");
    return session;
  }

  /** Ends a session after the client's own logout or account deletion: its stream ends with OK. */
  end(session: GrpcSession, why: string): void {
    if (this.sessions.get(session.tokenHash) !== session) return;
    this.sessions.delete(session.tokenHash);
    session.close(OK_STATUS);
    this.options.logger.info({ username: session.username, reason: why }, "grpc session ended");
  }

  /** @inheritDoc */
  expire(session: GrpcSession): void {
    if (this.sessions.get(session.tokenHash) !== session) return;
    this.sessions.delete(session.tokenHash);
    session.close({ code: status.UNAUTHENTICATED, details: "the session expired" });
    this.options.logger.info({ username: session.username }, "grpc session lease expired");
  }

  /** @inheritDoc */
  lost(session: GrpcSession): void {
    if (this.sessions.get(session.tokenHash) === session) this.sessions.delete(session.tokenHash);
    session.close(OK_STATUS);
  }

  /**
   * Ends every session (the server is stopping): streams end with `streamStatus`, connections close, and
   * later `open` calls fail. Messages not acknowledged stay stored.
   */
  closeAll(streamStatus: GrpcStatus): void {
    this.closed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) session.close(streamStatus);
  }
}
