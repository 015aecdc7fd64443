import { connect, type Socket } from "node:net";
import { measureBaselineRelay } from "./baseline-relay-measure.js";
import type { PaddleResult, RelayResult } from "./bench-results.js";
import { sleep } from "./chat-clients.js";
import { closedLoop, type PaddleBounds } from "./chat-paddle.js";
import type { RelaySettings } from "./chat-relay.js";
import { NET_DELIVERY_BYTES, NET_REPLY_BYTES, NET_REQUEST_BYTES } from "./net-baseline-server.js";

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, noDelay: true }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Bare `node:net` ping-pong with the wire paddle's frame sizes: a 529-byte request, answered by 18 + 545
 * bytes. The fastest a request/response over one loopback socket can go on this machine and runtime.
 */
export async function netPingPong(port: number, bounds: PaddleBounds): Promise<PaddleResult> {
  const socket = await open(port);
  const answer = NET_REPLY_BYTES + NET_DELIVERY_BYTES;
  let received = 0;
  let wake: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received >= answer && wake) {
      received -= answer;
      const resolve = wake;
      wake = undefined;
      resolve();
    }
  });
  try {
    return await closedLoop("node:net ping-pong", bounds, () => {
      const done = new Promise<void>((resolve) => {
        wake = resolve;
      });
      socket.write(Buffer.alloc(NET_REQUEST_BYTES));
      return done;
    });
  } finally {
    socket.destroy();
  }
}

/**
 * Bare `node:net` relay with the wire relay's frame sizes: N senders each keep `window` 529-byte frames in
 * flight; the server answers each with 18 bytes and pushes 545 bytes to the paired receiver, corking its
 * writes per read. Delivered frames per second over the measured window.
 */
export async function netRelay(port: number, settings: RelaySettings): Promise<RelayResult> {
  const sockets: Socket[] = [];
  let delivered = 0;
  let running = true;
  try {
    for (let pair = 0; pair < settings.pairs; pair++) {
      const receiver = await open(port);
      sockets.push(receiver);
      receiver.write(Buffer.from([1, pair >> 8, pair & 0xff]));
      let bytes = 0;
      receiver.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        delivered += Math.floor(bytes / NET_DELIVERY_BYTES);
        bytes %= NET_DELIVERY_BYTES;
      });
    }
    // Let every receiver's hello arrive before the first frame is relayed to it.
    await sleep(50);
    for (let pair = 0; pair < settings.pairs; pair++) {
      const sender = await open(port);
      sockets.push(sender);
      sender.write(Buffer.from([0, pair >> 8, pair & 0xff]));
      let replyBytes = 0;
      const sendFrames = (count: number): void => {
        sender.cork();
        for (let index = 0; index < count; index++) sender.write(Buffer.alloc(NET_REQUEST_BYTES));
        process.nextTick(() => sender.uncork());
      };
      sender.on("data", (chunk: Buffer) => {
        replyBytes += chunk.length;
        const replies = Math.floor(replyBytes / NET_REPLY_BYTES);
        replyBytes %= NET_REPLY_BYTES;
        if (running && replies > 0) sendFrames(replies);
      });
      sendFrames(settings.window);
    }
    const result = await measureBaselineRelay("node:net relay", NET_REQUEST_BYTES, () => delivered, settings);
    running = false;
    return result;
  } finally {
    running = false;
    for (const socket of sockets) socket.destroy();
  }
}
