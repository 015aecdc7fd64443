import { type AddressInfo, createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { createServer as createTlsServer, connect as tlsConnect } from "node:tls";
import { createTestCertificates, type TestCertificates } from "@chat/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "./frame.js";
import { FrameReader } from "./frame-reader.js";
import { FrameWriter } from "./frame-writer.js";

/** Frames per event-loop turn and turns: 16-24 MB in either framing, far more than loopback buffers hold. */
const FRAMES_PER_TURN = 300;
const TURNS = 150;

let certificates: TestCertificates;

beforeAll(async () => {
  certificates = await createTestCertificates();
});

afterAll(() => certificates.remove());

/** The `index`th frame: its number in both fields, so a byte overwritten in staging shows. */
function frameNumber(index: number): Frame {
  return { type: "msg", to: `u${index}`, content: `message ${index} `.repeat(20 + (index % 7)) };
}

/**
 * Writes every frame through a FrameWriter on `socket`, `FRAMES_PER_TURN` per turn; with `stall` the peer
 * reads nothing until all are written (the socket backs up: partial writes, kept views, copies). Resolves
 * with what the peer decoded.
 */
async function writeAll(
  socket: Socket,
  peer: Promise<Socket>,
  framing: "fixed" | "compact",
  stall: boolean,
): Promise<Frame[]> {
  const reader = new FrameReader();
  const writer = new FrameWriter(socket);
  if (framing === "compact") {
    reader.useCompactFraming();
    writer.useCompactFraming();
  }
  const receiving = await peer;
  if (stall) receiving.pause();
  const got: Frame[] = [];
  const total = FRAMES_PER_TURN * TURNS;
  const done = new Promise<void>((resolve, reject) => {
    receiving.on("data", (chunk: Buffer) => {
      try {
        got.push(...reader.readAll(chunk));
      } catch (error) {
        reject(error);
      }
      if (got.length >= total) resolve();
    });
  });
  for (let turn = 0; turn < TURNS; turn++) {
    for (let index = 0; index < FRAMES_PER_TURN; index++)
      writer.write(frameNumber(turn * FRAMES_PER_TURN + index));
    writer.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (stall) {
    expect(socket.writableLength).toBeGreaterThan(0);
    receiving.resume();
  }
  await done;
  return got;
}

function expectEveryFrameInOrder(got: Frame[]): void {
  expect(got.length).toBe(FRAMES_PER_TURN * TURNS);
  got.forEach((frame, index) => {
    if (JSON.stringify(frame) !== JSON.stringify(frameNumber(index))) {
      expect(frame).toEqual(frameNumber(index));
    }
  });
}

async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  return (server.address() as AddressInfo).port;
}

describe("FrameWriter", () => {
  for (const framing of ["fixed", "compact"] as const) {
    it(`delivers every frame intact when a plain socket backs up (${framing} framing)`, async () => {
      const server = createServer();
      const peer = new Promise<Socket>((resolve) => server.once("connection", resolve));
      const port = await listenOnLoopback(server);
      const socket = tcpConnect({ host: "127.0.0.1", port });
      try {
        await new Promise((resolve) => socket.once("connect", resolve));
        expectEveryFrameInOrder(await writeAll(socket, peer, framing, true));
      } finally {
        socket.destroy();
        (await peer).destroy();
        server.close();
      }
    });
  }

  for (const stall of [false, true]) {
    it(`delivers every frame intact over TLS, which keeps each chunk past the write (peer ${stall ? "stalled" : "reading"})`, async () => {
      const server = createTlsServer({ cert: certificates.server.cert, key: certificates.server.key });
      const peer = new Promise<Socket>((resolve) => server.once("secureConnection", resolve));
      const port = await listenOnLoopback(server);
      const socket = tlsConnect({ host: "127.0.0.1", port, ca: certificates.ca.cert });
      try {
        await new Promise((resolve) => socket.once("secureConnect", resolve));
        expectEveryFrameInOrder(await writeAll(socket, peer, "fixed", stall));
      } finally {
        socket.destroy();
        (await peer).destroy();
        server.close();
      }
    });
  }
});
