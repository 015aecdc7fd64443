import { describe, expect, it } from "vitest";
import { SeedAckHorizon } from "./seed-ack-horizon.js";

function horizon(bytes: number): { horizon: SeedAckHorizon; acks: Array<[number, number]> } {
  const acks: Array<[number, number]> = [];
  return { horizon: new SeedAckHorizon(bytes, (seq, epoch) => acks.push([seq, epoch])), acks };
}

describe("SeedAckHorizon", () => {
  it("acknowledges a write only once the horizon's worth of bytes was accepted after it", () => {
    const { horizon: subject, acks } = horizon(1000);
    subject.written(600, { seq: 1, epoch: 1 });
    subject.written(600, { seq: 2, epoch: 1 });
    expect(acks).toEqual([]);
    // 1,000 bytes after the first write's end (600): it, and only it, must have been read.
    subject.written(400);
    expect(acks).toEqual([[1, 1]]);
    subject.written(599);
    expect(acks).toEqual([[1, 1]]);
    subject.written(1);
    expect(acks).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(subject.unacknowledgedWrites).toBe(0);
  });

  it("acknowledges the newest of several released writes with one call", () => {
    const { horizon: subject, acks } = horizon(100);
    for (let seq = 1; seq <= 5; seq++) subject.written(10, { seq, epoch: 3 });
    subject.written(500);
    expect(acks).toEqual([[5, 3]]);
  });

  it("hands back the newest write on a clean close, and forgets everything when the server ends it", () => {
    const clean = horizon(1 << 20);
    clean.horizon.written(10, { seq: 1, epoch: 1 });
    clean.horizon.written(10, { seq: 2, epoch: 2 });
    expect(clean.horizon.clientClosed()).toEqual({ seq: 2, epoch: 2 });
    expect(clean.horizon.clientClosed()).toBeUndefined();

    const dropped = horizon(100);
    dropped.horizon.written(10, { seq: 1, epoch: 1 });
    dropped.horizon.forget();
    dropped.horizon.written(1000);
    expect(dropped.acks).toEqual([]);
    expect(dropped.horizon.clientClosed()).toBeUndefined();
  });
});
