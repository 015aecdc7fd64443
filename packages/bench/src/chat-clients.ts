import type { ChatClient, ClientTls, IncomingMessage } from "@chat/core";
import { type Variant, variantClient } from "./bench-variant.js";

/** The password of every bench account (any valid one would do; hashing uses cheap test parameters). */
export const BENCH_PASSWORD = "bench-password";

/**
 * A client of `variant` for a server (or proxy) on 127.0.0.1 (see {@link variantClient}). Every bench client
 * stands for a separate device, so each has its own TCP connection (for gRPC, 64 receivers' streams on one
 * shared grpc-js connection would never all open).
 */
export function createChatClient(variant: Variant, port: number, tls: ClientTls = false): ChatClient {
  return variantClient(variant, port, tls);
}

/**
 * Where a run's clients connect: every client to one server, or the senders to one chat node and the
 * receivers to another (the scale-out section's cross-node runs).
 */
export type ClientPorts = number | { readonly senders: number; readonly receivers: number };

/** The senders' and the receivers' port of {@link ClientPorts}. */
export function splitPorts(ports: ClientPorts): { readonly senders: number; readonly receivers: number } {
  return typeof ports === "number" ? { senders: ports, receivers: ports } : ports;
}

/** Connects, registers and logs in a fresh account (over TLS with `tls`); resolves with the client. */
export async function loggedInClient(
  variant: Variant,
  port: number,
  username: string,
  tls: ClientTls = false,
): Promise<ChatClient> {
  const client = createChatClient(variant, port, tls);
  await client.connect();
  await client.register(username, BENCH_PASSWORD);
  await client.login(username, BENCH_PASSWORD);
  return client;
}

/** A pull-style view of a client's deliveries: `next()` resolves with the next message, in order. */
export interface Inbox {
  next(): Promise<IncomingMessage>;
}

/** Wraps a client's `messages` iterable; `next()` rejects once the connection has ended. */
export function inboxOf(client: ChatClient): Inbox {
  const iterator = client.messages[Symbol.asyncIterator]();
  return {
    next: async () => {
      const result = await iterator.next();
      if (result.done) throw new Error("the connection ended while a delivery was awaited");
      return result.value;
    },
  };
}

/** Content of exactly `bytes` ASCII bytes. */
export function contentOf(bytes: number): string {
  return "x".repeat(bytes);
}

/** Content of exactly `bytes` ASCII bytes that starts with a number, so a receiver can tell which it is. */
export function taggedContent(tag: number, bytes: number): string {
  const text = `${tag}:`;
  return text.length >= bytes ? text.slice(0, bytes) : text + "x".repeat(bytes - text.length);
}

/** The number a {@link taggedContent} starts with. */
export function tagOf(content: string): number {
  return Number.parseInt(content, 10);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` on every item, at most `concurrency` at a time. */
export async function forEachLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Closes clients, ignoring failures (the bench is done with them either way). */
export async function closeAll(clients: readonly ChatClient[]): Promise<void> {
  await Promise.allSettled(clients.map((client) => client.close()));
}

/** Longest wait for the first delivery of a run: connection setup on a busy machine can be slow. */
const FIRST_DELIVERY_TIMEOUT_MS = 15_000;

/**
 * Waits until something has been delivered (bounded), so a warm-up period starts with traffic flowing
 * rather than with connections still being set up.
 */
export async function firstDelivery(delivered: () => number): Promise<void> {
  const deadline = performance.now() + FIRST_DELIVERY_TIMEOUT_MS;
  while (delivered() === 0 && performance.now() < deadline) await sleep(5);
}

/** How long a run warms up (sent, not counted) and then measures, in milliseconds. */
export interface RunTiming {
  readonly warmupMs: number;
  readonly durationMs: number;
}

/** The settings every run over N sender → receiver pairs has: how many pairs, and its timing. */
export interface PairRunSettings extends RunTiming {
  readonly pairs: number;
}

/** Deliveries counted over a measured window. */
export interface DeliveryWindow {
  readonly count: number;
  readonly seconds: number;
}

/**
 * Waits for traffic to flow, lets it warm up, then counts deliveries over the measured window: the one
 * timing method every relay (chat and baselines alike) uses, so their figures compare.
 */
export async function measureDeliveries(delivered: () => number, timing: RunTiming): Promise<DeliveryWindow> {
  await firstDelivery(delivered);
  await sleep(timing.warmupMs);
  const startCount = delivered();
  const start = performance.now();
  await sleep(timing.durationMs);
  return { count: delivered() - startCount, seconds: (performance.now() - start) / 1000 };
}
