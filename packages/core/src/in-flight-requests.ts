import { NO_TIMEOUT } from "./chat-client-options.js";

/**
 * What {@link InFlightRequests} keeps of a request: its place in its lane (the links, owned by the
 * tracker) and its deadline. `ClientRequest` is one; the links live on the request itself, so tracking it
 * allocates nothing.
 */
export interface TrackedRequest {
  /** @internal The lane's next older request; owned by {@link InFlightRequests}. */
  older: TrackedRequest | undefined;
  /** @internal The lane's next newer request; owned by {@link InFlightRequests}. */
  newer: TrackedRequest | undefined;
  /** @internal When its deadline passes, in `performance.now()` ms; owned by {@link InFlightRequests}. */
  deadline: number;
  /** The deadline passed: the request gives itself up, which takes it out of the tracker. */
  expire(): void;
}

/**
 * The requests with one timeout value, oldest first. They join in the order they are made and all wait
 * the same time, so their deadlines only grow along the lane: the oldest is always the first to expire.
 */
class Lane {
  oldest: TrackedRequest | undefined;
  newest: TrackedRequest | undefined;
  constructor(readonly timeoutMs: number) {}
}

/** Timer callback: a module function with the tracker as argument, so arming it allocates no closure. */
function fire(tracker: InFlightRequests<TrackedRequest>): void {
  tracker.fire();
}

/**
 * A client's requests in flight, and their deadlines on ONE timer. A request joins a linked list (no
 * allocation) and reads `performance.now()` once; the timer fires about once per timeout, for the oldest
 * request still waiting, and is armed again for the next.
 *
 * What it saves, measured with `node --cpu-prof` on the bench's relay load generator (8 pairs, 32 sends in
 * flight each, seed wire; docs/benchmarks.md): with a `setTimeout` per request and a `Set` of requests,
 * the garbage collector took 32 % of the generator's busy time and the timer calls (insert, removal, the
 * runtime's clock) another 2 %; with this, 16 % and 1 % (the clock read per request); the client before
 * the client base: 12 % and none.
 *
 * The clock decides that a deadline passed, not the timer: a timer can fire up to a ms before its delay by
 * `performance.now()` (the event loop counts whole ms), so a request still short of its deadline when the
 * timer fires waits for the timer armed again, and none ever expires early (a CI run once saw a request
 * expire 1.07 ms early when the time of the firing was taken to be the deadline armed for).
 *
 * When the last request with a deadline settles, the timer stays armed but unref'd (it keeps no process
 * alive, as no timer would), and the next request refs it again instead of arming a new one; a firing with
 * nothing left to time arms nothing. A ping-pong (one request at a time: the paddle) so costs no timer insert
 * or removal per request, only a ref and an unref, and the timer fires about once per timeout. Arming and
 * clearing per request cost the paddle's client 1.1 µs of its 13.7 µs of JavaScript per round trip
 * (`insert`, `unenroll`, `arm` in a `node --cpu-prof` profile; docs/benchmarks.md, "Where the time goes").
 */
export class InFlightRequests<R extends TrackedRequest = TrackedRequest> {
  private readonly lanes = new Map<number, Lane>();
  /** The lane used last, kept even when empty: a client's requests nearly all share one timeout. */
  private recent: Lane | undefined;
  private count = 0;
  private timedCount = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The deadline the timer was armed for. */
  private armedFor = 0;
  /** Whether the timer keeps the process alive: while a request with a deadline waits. */
  private timerRefed = false;

  /** How many requests are in flight. */
  get size(): number {
    return this.count;
  }

  /** Tracks `request`, with a deadline `timeoutMs` from now unless that is `NO_TIMEOUT`. */
  add(request: R, timeoutMs: number): void {
    const lane = this.laneFor(timeoutMs);
    request.older = lane.newest;
    request.newer = undefined;
    if (lane.newest === undefined) lane.oldest = request;
    else lane.newest.newer = request;
    lane.newest = request;
    this.count++;
    if (timeoutMs === NO_TIMEOUT) return;
    const deadline = performance.now() + timeoutMs;
    request.deadline = deadline;
    this.timedCount++;
    if (this.timer === undefined || deadline < this.armedFor) this.arm(deadline, timeoutMs);
    else if (!this.timerRefed) {
      // Armed for an earlier deadline, left from requests that settled: it fires first and re-arms.
      this.timer.ref();
      this.timerRefed = true;
    }
  }

  /** Stops tracking `request` (it settled). */
  delete(request: R, timeoutMs: number): void {
    const lane = this.recent?.timeoutMs === timeoutMs ? this.recent : this.lanes.get(timeoutMs);
    if (lane === undefined) return;
    const { older, newer } = request;
    if (older === undefined) {
      if (lane.oldest !== request) return;
      lane.oldest = newer;
    } else older.newer = newer;
    if (newer === undefined) lane.newest = older;
    else newer.older = older;
    request.older = undefined;
    request.newer = undefined;
    this.count--;
    if (lane.oldest === undefined && lane !== this.recent) this.lanes.delete(timeoutMs);
    if (timeoutMs === NO_TIMEOUT) return;
    this.timedCount--;
    // Nothing left to time: the timer stays armed for the next request but keeps nothing alive.
    if (this.timedCount === 0 && this.timer !== undefined) {
      this.timer.unref();
      this.timerRefed = false;
    }
  }

  /** Every request in flight, oldest first per timeout value: a copy, to settle them one by one. */
  snapshot(): R[] {
    const all: R[] = [];
    for (const lane of this.lanes.values()) {
      // Only `add` links requests in, and it takes only an `R`.
      for (let request = lane.oldest; request !== undefined; request = request.newer) all.push(request as R);
    }
    return all;
  }

  /** @internal The timer fired: expires every request whose deadline passed, then arms for the next. */
  fire(): void {
    const now = performance.now();
    this.timer = undefined;
    this.timerRefed = false;
    for (const lane of this.lanes.values()) {
      if (lane.timeoutMs === NO_TIMEOUT) continue;
      // `expire` takes the request out of its lane (and may make or settle others), so read the head anew.
      for (let head = lane.oldest; head !== undefined && head.deadline <= now; head = lane.oldest) {
        head.expire();
      }
    }
    let earliest = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes.values()) {
      const head = lane.oldest;
      if (lane.timeoutMs !== NO_TIMEOUT && head !== undefined && head.deadline < earliest) {
        earliest = head.deadline;
      }
    }
    if (earliest === Number.POSITIVE_INFINITY) return;
    if (this.timer === undefined || earliest < this.armedFor) this.arm(earliest, earliest - now);
  }

  private arm(deadline: number, delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    // Whole ms, rounded up, and at least 1: a deadline a fraction of a ms away is re-checked then.
    this.timer = setTimeout(fire, Math.max(1, Math.ceil(delayMs)), this);
    this.timerRefed = true;
    this.armedFor = deadline;
  }

  private laneFor(timeoutMs: number): Lane {
    const recent = this.recent;
    if (recent?.timeoutMs === timeoutMs) return recent;
    let lane = this.lanes.get(timeoutMs);
    if (lane === undefined) {
      lane = new Lane(timeoutMs);
      this.lanes.set(timeoutMs, lane);
    }
    if (recent !== undefined && recent.oldest === undefined) this.lanes.delete(recent.timeoutMs);
    this.recent = lane;
    return lane;
  }
}
