import { Client, type ClientReadableStream, credentials, Metadata } from "@grpc/grpc-js";
import { measureBaselineRelay } from "./baseline-relay-measure.js";
import type { PaddleResult, RelayResult } from "./bench-results.js";
import { sleep } from "./chat-clients.js";
import { closedLoop, type PaddleBounds } from "./chat-paddle.js";
import type { RelaySettings } from "./chat-relay.js";
import { GRPC_BASELINE_METHODS, pairHeader } from "./grpc-baseline-service.js";

const { echo, send, subscribe } = GRPC_BASELINE_METHODS;

/** A client on its own connection (grpc-js would otherwise share one between all of them), like the chat's. */
function newClient(port: number): Client {
  return new Client(`127.0.0.1:${port}`, credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
  });
}

/** Characters of a chat session token (32 random bytes in base64url). */
const TOKEN_CHARS = 43;

/**
 * What every baseline call carries: an `authorization: Bearer <token>` header of a chat session's size,
 * one instance per process as a chat client keeps one per session (grpc-js clones it per call). The
 * chat's calls carry it, so grpc-js and HTTP/2 do the same header work on both sides of the comparison.
 */
const SESSION_METADATA = (() => {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${"t".repeat(TOKEN_CHARS)}`);
  return metadata;
})();

function unary(client: Client, method: typeof echo, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      SESSION_METADATA,
      (error, reply) => (error || !reply ? reject(error ?? new Error("empty reply")) : resolve(reply)),
    );
  });
}

function openStream(client: Client, pair: number): ClientReadableStream<Buffer> {
  const stream = client.makeServerStreamRequest(
    subscribe.path,
    subscribe.requestSerialize,
    subscribe.responseDeserialize,
    pairHeader(pair),
    SESSION_METADATA,
  );
  // Cancelling at the end is expected; nothing to report.
  stream.on("error", () => {});
  return stream;
}

/** Waits until a new stream has reached the server, so nothing sent to it is lost. */
async function ready(client: Client): Promise<void> {
  await unary(client, echo, Buffer.alloc(1));
}

/** Bare grpc-js unary echo of `payloadBytes` bytes: the cost of one call, closed loop. */
export async function grpcUnaryEcho(
  port: number,
  payloadBytes: number,
  bounds: PaddleBounds,
): Promise<PaddleResult> {
  const client = newClient(port);
  const payload = Buffer.alloc(payloadBytes);
  try {
    return await closedLoop("grpc-js unary echo", bounds, async () => {
      await unary(client, echo, payload);
    });
  } finally {
    client.close();
  }
}

/**
 * Bare grpc-js in the shape of the chat's gRPC paddle: a unary Send to oneself whose payload comes back
 * on one's own server stream; each round trip waits for both.
 */
export async function grpcBaselinePaddle(
  port: number,
  payloadBytes: number,
  bounds: PaddleBounds,
): Promise<PaddleResult> {
  const client = newClient(port);
  const stream = openStream(client, 0);
  await ready(client);
  await sleep(20);
  let wake: (() => void) | undefined;
  stream.on("data", () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  });
  const request = Buffer.concat([pairHeader(0), Buffer.alloc(payloadBytes)]);
  try {
    return await closedLoop("grpc-js send + stream", bounds, async () => {
      const delivered = new Promise<void>((resolve) => {
        wake = resolve;
      });
      await Promise.all([unary(client, send, request), delivered]);
    });
  } finally {
    stream.cancel();
    client.close();
  }
}

/**
 * Bare grpc-js in the shape of the chat's gRPC relay: N senders, each keeping `window` unary Sends in
 * flight, pushed to N receivers' server streams. Delivered messages per second over the measured window.
 */
export async function grpcBaselineRelay(
  port: number,
  payloadBytes: number,
  settings: RelaySettings,
): Promise<RelayResult> {
  const clients: Client[] = [];
  const streams: ClientReadableStream<Buffer>[] = [];
  let delivered = 0;
  let running = true;
  try {
    for (let pair = 0; pair < settings.pairs; pair++) {
      const receiver = newClient(port);
      clients.push(receiver);
      const stream = openStream(receiver, pair);
      streams.push(stream);
      stream.on("data", () => {
        delivered++;
      });
      await ready(receiver);
    }
    await sleep(20);
    for (let pair = 0; pair < settings.pairs; pair++) {
      const sender = newClient(port);
      clients.push(sender);
      const request = Buffer.concat([pairHeader(pair), Buffer.alloc(payloadBytes)]);
      let inFlight = 0;
      const pump = (): void => {
        while (running && inFlight < settings.window) {
          inFlight++;
          unary(sender, send, request).then(
            () => {
              inFlight--;
              pump();
            },
            () => {
              inFlight--;
            },
          );
        }
      };
      pump();
    }
    const result = await measureBaselineRelay("grpc-js relay", payloadBytes, () => delivered, settings);
    running = false;
    await sleep(50);
    return result;
  } finally {
    running = false;
    for (const stream of streams) stream.cancel();
    for (const client of clients) client.close();
  }
}
