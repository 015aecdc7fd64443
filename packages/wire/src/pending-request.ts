import type { AccountPage, ChatError, LoginResult, SendResult } from "@chat/core";

/** What a request's answer resolves to, by the kind of request. */
export interface AnswerTypes {
  readonly ok: undefined;
  readonly login: LoginResult;
  readonly send: SendResult;
  readonly list: AccountPage;
}

/** A request sent and not yet answered; answers arrive in request order. */
export interface PendingRequest<K extends keyof AnswerTypes = keyof AnswerTypes> {
  readonly kind: K;
  resolve(value: AnswerTypes[K]): void;
  reject(error: ChatError): void;
  /** Names collected from `lsn` frames until `lse` ends the page. */
  names?: string[];
}
