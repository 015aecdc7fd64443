import { UNLIMITED_RATE } from "@chat/core";
import { createTestService, PASSWORD } from "@chat/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Frame } from "./frame.js";
import { FrameCode, SEED_MAX_CODE, TEXT_WIDTH } from "./frame-layout.js";
import { RawClient } from "./testing/raw-client.js";
import { WireServer } from "./wire-server.js";

/** A seed-only client's view: it must only ever see codes 6-8. */
function expectSeedOnly(frames: readonly Frame[]): void {
  for (const frame of frames) {
    expect(FrameCode[frame.type]).toBeGreaterThanOrEqual(FrameCode.err);
    expect(FrameCode[frame.type]).toBeLessThanOrEqual(SEED_MAX_CODE);
  }
}

function text(frame: Frame): string {
  if (frame.type !== "suc" && frame.type !== "err") throw new Error(`expected suc or err, got ${frame.type}`);
  return `${frame.type} ${frame.text}`;
}

/** Reads `suc` pieces of an account list until the `[n/n]` piece, and returns the names. */
async function readList(client: RawClient): Promise<{ names: string[]; pieces: string[] }> {
  const pieces: string[] = [];
  for (;;) {
    const frame = await client.next();
    if (frame.type !== "suc") throw new Error(`expected suc, got ${frame.type}`);
    pieces.push(frame.text);
    const match = /^accounts \[(\d+)\/(\d+)\]: /.exec(frame.text);
    if (!match) throw new Error(`not a list piece: ${frame.text}`);
    if (match[1] === match[2]) break;
  }
  const names = pieces.flatMap((piece) => piece.replace(/^accounts \[\d+\/\d+\]: /, "").split(" "));
  return { names: names.filter((name) => name !== "(none)"), pieces };
}

describe("a seed-only client (codes 0-5 out, 6-8 in, no hello)", () => {
  // More registrations (the long list) than the per-address default allows, which is not what this is about.
  const service = createTestService({ limits: { registrationsPerAddress: UNLIMITED_RATE } });
  let server: WireServer;
  let port: number;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    server = new WireServer(service);
    ({ port } = await server.listen({ host: "127.0.0.1", port: 0 }));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server.close();
  });

  async function open(): Promise<RawClient> {
    const client = await RawClient.open(port);
    clients.push(client);
    return client;
  }

  it("does everything through a full two-user session, offline queue and long list included", async () => {
    const alice = await open();
    const bob = await open();

    alice.send({ type: "reg", username: "alice", password: PASSWORD });
    expect(text(await alice.next())).toBe("suc account alice registered");
    bob.send({ type: "reg", username: "bob", password: PASSWORD });
    expect(text(await bob.next())).toBe("suc account bob registered");
    alice.send({ type: "reg", username: "ALICE", password: PASSWORD });
    expect(text(await alice.next())).toMatch(/^err ALREADY_EXISTS: /);

    // Forty more accounts with long names, so the dump cannot fit one 256-byte suc.
    const extra = Array.from({ length: 40 }, (_, index) => `user-${String(index).padStart(11, "0")}`);
    alice.send(...extra.map((username) => ({ type: "reg" as const, username, password: PASSWORD })));
    for (const frame of await alice.take(extra.length)) expect(text(frame)).toMatch(/^suc account user-/);

    alice.send({ type: "log", username: "alice", password: PASSWORD });
    expect(text(await alice.next())).toBe("suc logged in as alice");

    // Bob is offline: the messages wait in his queue.
    alice.send(
      { type: "msg", to: "bob", content: "first" },
      { type: "msg", to: "bob", content: "second 👋" },
    );
    expect((await alice.take(2)).map(text)).toEqual([
      "suc message to bob stored until they log in",
      "suc message to bob stored until they log in",
    ]);
    alice.send({ type: "msg", to: "nobody", content: "hello?" });
    expect(text(await alice.next())).toBe("err NOT_FOUND: message not sent: no user named nobody");

    // Wrong password, then the right one: the suc comes first, then the queue in order.
    bob.send({ type: "log", username: "bob", password: "wrong password" });
    expect(text(await bob.next())).toBe("err UNAUTHENTICATED: wrong username or password");
    bob.send({ type: "log", username: "bob", password: PASSWORD });
    expect(await bob.take(3)).toEqual([
      { type: "suc", text: "logged in as bob" },
      { type: "nms", from: "alice", content: "first" },
      { type: "nms", from: "alice", content: "second 👋" },
    ]);

    // Live both ways.
    bob.send({ type: "msg", to: "ALICE", content: "hi alice" });
    expect(text(await bob.next())).toBe("suc message to ALICE delivered");
    expect(await alice.next()).toEqual({ type: "nms", from: "bob", content: "hi alice" });

    // The long dump, split into readable pieces of at most 256 bytes.
    bob.send({ type: "acd" });
    const dump = await readList(bob);
    expect(dump.pieces.length).toBeGreaterThan(1);
    for (const piece of dump.pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(TEXT_WIDTH);
    expect(dump.names).toEqual(["alice", "bob", ...extra]);

    bob.send({ type: "acf", pattern: "a*" });
    expect((await readList(bob)).names).toEqual(["alice"]);
    bob.send({ type: "acf", pattern: "zz*" });
    expect(await readList(bob)).toEqual({ names: [], pieces: ["accounts [1/1]: (none)"] });

    // A second login on the same connection is refused; delete confirms and frees the name.
    alice.send({ type: "log", username: "bob", password: PASSWORD });
    expect(text(await alice.next())).toMatch(/^err FAILED_PRECONDITION: /);
    alice.send({ type: "del" });
    expect(text(await alice.next())).toBe("suc account alice deleted");
    alice.send({ type: "del" });
    expect(text(await alice.next())).toMatch(/^err UNAUTHENTICATED: /);
    bob.send({ type: "acf", pattern: "alice" });
    expect((await readList(bob)).names).toEqual([]);

    expectSeedOnly(alice.received);
    expectSeedOnly(bob.received);
  });

  it("counts a message delivered once written to its socket, since it cannot ack", async () => {
    const setup = await open();
    setup.send(
      { type: "reg", username: "carol", password: PASSWORD },
      { type: "reg", username: "dave", password: PASSWORD },
      { type: "log", username: "carol", password: PASSWORD },
      { type: "msg", to: "dave", content: "one" },
    );
    await setup.take(4);
    const dave = await open();
    dave.send({ type: "log", username: "dave", password: PASSWORD });
    expect(await dave.take(2)).toEqual([
      { type: "suc", text: "logged in as dave" },
      { type: "nms", from: "carol", content: "one" },
    ]);
    // Wait until the written message is acknowledged on dave's behalf, then log in again: nothing comes.
    const deadline = Date.now() + 3_000;
    while (service.isLoggedIn("dave") && Date.now() < deadline) {
      dave.destroy();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const again = await open();
    again.send({ type: "log", username: "dave", password: PASSWORD }, { type: "acd" });
    expect(await again.next()).toEqual({ type: "suc", text: "logged in as dave" });
    // The next frame is the dump's answer, not a redelivered nms.
    expect((await again.next()).type).toBe("suc");
    expectSeedOnly(again.received);
  });

  it("gets err for codes it should not send, and the stream stays usable", async () => {
    const client = await open();
    client.send({ type: "out" }, { type: "ack", upToSeq: 1 }, { type: "suc", text: "hi" }, { type: "acd" });
    const [out, ack, suc] = (await client.take(3)).map(text);
    expect(out).toMatch(/^err FAILED_PRECONDITION: code 14 \(out\)/);
    expect(ack).toMatch(/^err FAILED_PRECONDITION: code 16 \(ack\)/);
    expect(suc).toMatch(/^err INVALID_ARGUMENT: code 7 \(suc\) is not a request/);
    expect((await client.next()).type).toBe("suc");
    expectSeedOnly(client.received);
  });
});
