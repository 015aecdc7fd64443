import { execFile } from "node:child_process";
import type { ClientTls } from "@chat/core";
import { createTestCertificates } from "@chat/core/testing/certificates";
import { BenchFailure } from "./bench-failure.js";
import type { PaddleResult, RelayResult } from "./bench-results.js";
import { transportOf, VARIANT_LABELS, type Variant } from "./bench-variant.js";
import { closeAll, createChatClient } from "./chat-clients.js";
import { chatPaddle, type PaddleBounds } from "./chat-paddle.js";
import { chatRelay, type RelaySettings } from "./chat-relay.js";
import { LatencyRecorder, nowMs } from "./latency-recorder.js";
import type { ServerKind } from "./server-kind.js";
import type { ServerProcess } from "./server-process.js";

/**
 * The variants the TLS section measures: what each transport's client speaks by default (compact frames;
 * the `Chat` stream). TLS sits below the framing, so the other two variants pay the same per-byte cost.
 */
export const TLS_VARIANTS: readonly Variant[] = ["wire-compact", "grpc-stream"];
/** Sender–receiver pairs of the TLS section's relay: enough to keep the server's core busy. */
export const TLS_RELAY_PAIRS = 8;
/** Connections opened one after another to time `connect()` (TCP, the TLS handshake, hello or HTTP/2 setup). */
export const TLS_CONNECT_SAMPLES = 20;

/** How long `openssl version` may take before the check gives up on it. */
const OPENSSL_CHECK_TIMEOUT_MS = 10_000;

/**
 * Checks that the `openssl` command line is there (the section makes its certificates with it), before the
 * run starts: a missing program is a {@link BenchFailure} saying how to install it or leave the section out.
 */
export function requireOpenssl(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("openssl", ["version"], { timeout: OPENSSL_CHECK_TIMEOUT_MS }, (error) => {
      if (error === null) resolve();
      else
        reject(
          new BenchFailure(
            `the tls section needs the openssl command line (${error.message.split("\n", 1)[0]}): install it (apt-get install -y openssl, or bash scripts/ensure-system-packages.sh) or leave the section out (--only transports,stores)`,
          ),
        );
    });
  });
}

/** One variant, measured in plaintext and over TLS in the same run, each on a fresh server. */
export interface TlsCostResult {
  readonly variant: Variant;
  readonly plain: TlsCostSide;
  readonly tls: TlsCostSide;
}

/** What one side (plaintext or TLS) of a {@link TlsCostResult} measured. */
export interface TlsCostSide {
  readonly paddle: PaddleResult;
  readonly relay: RelayResult;
  /** Median time of `connect()` over {@link TLS_CONNECT_SAMPLES} fresh clients, in milliseconds. */
  readonly connectP50Ms: number;
}

/** What the TLS section needs from the runner. */
export interface TlsCostContext {
  readonly bounds: PaddleBounds;
  readonly relay: RelaySettings;
  /** Starts a bench server child of `kind` with `args` after it (see `startServerProcess`). */
  startServer(kind: ServerKind, args: readonly string[]): Promise<ServerProcess>;
  progress(line: string): void;
}

async function connectP50(variant: Variant, port: number, tls: ClientTls): Promise<number> {
  const recorder = new LatencyRecorder(TLS_CONNECT_SAMPLES);
  for (let index = 0; index < TLS_CONNECT_SAMPLES; index++) {
    const client = createChatClient(variant, port, tls);
    const started = nowMs();
    await client.connect();
    recorder.record(nowMs() - started);
    await closeAll([client]);
  }
  return recorder.summary().p50Ms;
}

async function measureSide(
  context: TlsCostContext,
  variant: Variant,
  server: ServerProcess,
  tls: ClientTls,
): Promise<TlsCostSide> {
  const port = server.port(transportOf(variant));
  const connectP50Ms = await connectP50(variant, port, tls);
  const paddle = await chatPaddle(variant, port, context.bounds, tls);
  const runId = tls === false ? "tp" : "tt";
  const relay = await chatRelay(variant, port, context.relay, runId, tls);
  return { paddle, relay, connectP50Ms };
}

/**
 * The TLS cost: for each of {@link TLS_VARIANTS}, connect time, paddle and relay on a plaintext server, then
 * the same on a server with TLS on every listener (throwaway certificates made with `openssl`, as the
 * tests do; the client trusts their CA). Plaintext is measured again here rather than taken from the main
 * sections, so each pair of figures comes from the same minutes of a shared machine.
 */
export async function measureTlsCost(context: TlsCostContext): Promise<TlsCostResult[]> {
  const certificates = await createTestCertificates();
  try {
    const clientTls: ClientTls = { ca: certificates.ca.cert };
    const results: TlsCostResult[] = [];
    for (const variant of TLS_VARIANTS) {
      const label = VARIANT_LABELS[variant];
      const side = async (secure: boolean): Promise<TlsCostSide> => {
        const server = secure
          ? await context.startServer("chat-tls", [certificates.server.certPath, certificates.server.keyPath])
          : await context.startServer("chat", []);
        try {
          return await measureSide(context, variant, server, secure ? clientTls : false);
        } finally {
          await server.stop();
        }
      };
      const plain = await side(false);
      const tls = await side(true);
      results.push({ variant, plain, tls });
      context.progress(
        `${label} TLS cost: paddle ${Math.round(plain.paddle.roundTripsPerSecond)} → ${Math.round(tls.paddle.roundTripsPerSecond)} round trips/s, relay ${Math.round(plain.relay.messagesPerSecond)} → ${Math.round(tls.relay.messagesPerSecond)} msgs/s, connect ${plain.connectP50Ms} → ${tls.connectP50Ms} ms`,
      );
    }
    return results;
  } finally {
    await certificates.remove();
  }
}
