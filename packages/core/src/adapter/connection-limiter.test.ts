import { describe, expect, it } from "vitest";
import {
  type Admission,
  ConnectionLimiter,
  type ConnectionSlot,
  connectionRefusalText,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
} from "./connection-limiter.js";

function slotOf(admission: Admission): ConnectionSlot {
  if (!admission.admitted) throw new Error(`refused: ${admission.refusal}`);
  return admission.slot;
}

describe("ConnectionLimiter", () => {
  it("refuses one connection past the per-address cap while other addresses still get in", () => {
    const limiter = new ConnectionLimiter({ maxConnections: 100 });
    const slots = Array.from({ length: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS }, () =>
      slotOf(limiter.admit("127.0.0.2")),
    );
    expect(limiter.admit("127.0.0.2")).toEqual({ admitted: false, refusal: "address-full" });
    slotOf(limiter.admit("127.0.0.3"));
    slots[0]?.release();
    slotOf(limiter.admit("127.0.0.2"));
    expect(limiter.countFrom("127.0.0.2")).toBe(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  });

  it("refuses past the global cap whatever the address", () => {
    const limiter = new ConnectionLimiter({ maxConnections: 2, maxConnectionsPerAddress: 2 });
    const first = slotOf(limiter.admit("10.0.0.1"));
    slotOf(limiter.admit("10.0.0.2"));
    expect(limiter.admit("10.0.0.3")).toEqual({ admitted: false, refusal: "server-full" });
    first.release();
    expect(limiter.size).toBe(1);
    slotOf(limiter.admit("10.0.0.3"));
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    const limiter = new ConnectionLimiter({ maxConnections: 10, maxConnectionsPerAddress: 1 });
    slotOf(limiter.admit("127.0.0.5"));
    expect(limiter.admit("::ffff:127.0.0.5")).toEqual({ admitted: false, refusal: "address-full" });
  });

  it("releases a slot once, however often it is released", () => {
    const limiter = new ConnectionLimiter({ maxConnections: 10 });
    const slot = slotOf(limiter.admit("::1"));
    slotOf(limiter.admit("::1"));
    slot.release();
    slot.release();
    expect(limiter.size).toBe(1);
    expect(limiter.countFrom("::1")).toBe(1);
  });

  it("refuses caps that are not positive integers, and says why it refused", () => {
    expect(() => new ConnectionLimiter({ maxConnections: 0 })).toThrow(RangeError);
    expect(() => new ConnectionLimiter({ maxConnections: 1, maxConnectionsPerAddress: 1.5 })).toThrow(
      RangeError,
    );
    expect(connectionRefusalText("address-full")).toMatch(/too many connections from your address/);
    expect(connectionRefusalText("server-full")).toMatch(/server is full/);
  });
});
