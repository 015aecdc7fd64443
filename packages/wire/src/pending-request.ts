import type { AccountPage, ClientRequest, LoginResult, SendResult } from "@chat/core";

/** What a request's answer resolves to, by the kind of request. */
export interface AnswerTypes {
  readonly ok: undefined;
  readonly login: LoginResult;
  readonly send: SendResult;
  readonly list: AccountPage;
}

/**
 * A request sent and not yet answered; answers arrive in request order. It stays queued until its answer
 * arrives even when its `request` was given up (deadline, abort), so later answers still find their own.
 */
export interface PendingRequest<K extends keyof AnswerTypes = keyof AnswerTypes> {
  readonly kind: K;
  readonly request: ClientRequest<AnswerTypes[K]>;
  /** Names collected from `lsn` frames until `lse` ends the page. */
  names?: string[];
}
