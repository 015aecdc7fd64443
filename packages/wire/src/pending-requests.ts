import type { AccountPage, ClientRequest, LoginResult, SendResult } from "@chat/core";

/** What a request's answer resolves to, by the kind of request. */
export interface AnswerTypes {
  readonly ok: undefined;
  readonly login: LoginResult;
  readonly send: SendResult;
  readonly list: AccountPage;
}

/** The kind of answer a request waits for. */
export type AnswerKind = keyof AnswerTypes;

/** Room the ring starts with; it doubles when a pipeline gets deeper. */
const INITIAL_CAPACITY = 16;

/**
 * Requests sent and not yet answered, oldest first: answers arrive in request order. A request stays
 * queued until its answer arrives even when it was given up (deadline, abort), so later answers still
 * find their own.
 *
 * A ring of two parallel arrays (kind, request) rather than an array of `{ kind, request }` entries:
 * queuing a request allocates nothing once the ring is as deep as the pipeline, and taking the oldest is
 * O(1) at any depth.
 */
export class PendingRequests {
  private kinds: (AnswerKind | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  private requests: (ClientRequest<unknown> | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  private head = 0;
  private count = 0;
  /** Names collected from `lsn` frames for the oldest request (a `listAccounts`) until `lse` ends the page. */
  private names: string[] | undefined;

  /** How many requests wait for their answer. */
  get size(): number {
    return this.count;
  }

  /** The kind of answer the oldest request waits for, or `undefined` when none waits. */
  get oldestKind(): AnswerKind | undefined {
    return this.count === 0 ? undefined : this.kinds[this.head];
  }

  /** Queues a request just sent. */
  push<K extends AnswerKind>(kind: K, request: ClientRequest<AnswerTypes[K]>): void {
    if (this.count === this.kinds.length) this.grow();
    const at = (this.head + this.count) & (this.kinds.length - 1);
    this.kinds[at] = kind;
    this.requests[at] = request as ClientRequest<unknown>;
    this.count++;
  }

  /** Adds names of an `lsn` frame to the oldest request's page. */
  collectNames(names: readonly string[]): void {
    this.names ??= [];
    for (const name of names) this.names.push(name);
  }

  /** The names collected for the oldest request so far (empty unless it is a list that got `lsn` frames). */
  get oldestNames(): string[] {
    return this.names ?? [];
  }

  /** Takes the oldest request, whose kind the caller checked is `kind` (see {@link oldestKind}). */
  take<K extends AnswerKind>(_kind: K): ClientRequest<AnswerTypes[K]> {
    return this.takeAny() as ClientRequest<AnswerTypes[K]>;
  }

  /** Takes the oldest request, whatever it waits for; `undefined` when none waits. */
  takeAny(): ClientRequest<unknown> | undefined {
    if (this.count === 0) return undefined;
    const request = this.requests[this.head];
    this.kinds[this.head] = undefined;
    this.requests[this.head] = undefined;
    this.head = (this.head + 1) & (this.kinds.length - 1);
    this.count--;
    this.names = undefined;
    return request;
  }

  /** Forgets every request (the connection is gone; the base has settled or will settle them). */
  clear(): void {
    this.kinds.fill(undefined);
    this.requests.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.names = undefined;
  }

  private grow(): void {
    const kinds: (AnswerKind | undefined)[] = new Array(this.kinds.length * 2).fill(undefined);
    const requests: (ClientRequest<unknown> | undefined)[] = new Array(this.kinds.length * 2).fill(undefined);
    for (let index = 0; index < this.count; index++) {
      const from = (this.head + index) & (this.kinds.length - 1);
      kinds[index] = this.kinds[from];
      requests[index] = this.requests[from];
    }
    this.kinds = kinds;
    this.requests = requests;
    this.head = 0;
  }
}
