import type { ChatClient } from "@chat/core";
import type { OperationBytes } from "./bench-results.js";
import type { Variant } from "./bench-variant.js";
import {
  BENCH_PASSWORD,
  closeAll,
  contentOf,
  createChatClient,
  forEachLimited,
  inboxOf,
} from "./chat-clients.js";
import { CountingProxy, difference, type ProxySnapshot } from "./counting-proxy.js";
import { Http2StreamMeter, type StreamMeter, WireStreamMeter } from "./stream-meter.js";

/** Content sizes of the measured sends, in bytes. */
export const PAYLOAD_SEND_SIZES = [1, 64, 512] as const;

/** Names of the payload accounts: `bench0000`, `bench0001`, … (sorted = registration order). */
function accountName(index: number): string {
  return `bench${String(index).padStart(4, "0")}`;
}

/** How each variant's bytes are split into messages on the socket: its own framing. */
const METERS: Record<Variant, () => { up: StreamMeter; down: StreamMeter }> = {
  "wire-fixed": () => ({ up: new WireStreamMeter(), down: new WireStreamMeter() }),
  "wire-compact": () => ({ up: new WireStreamMeter(true), down: new WireStreamMeter(true) }),
  "grpc-unary": () => ({ up: new Http2StreamMeter(true), down: new Http2StreamMeter(false) }),
  "grpc-stream": () => ({ up: new Http2StreamMeter(true), down: new Http2StreamMeter(false) }),
};

/** Lists every account matching `pattern`, page after page, the way a client shows a full list. */
async function listAll(client: ChatClient, pattern?: string): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  // Bounded: 1,000 names fit in one page of 1,000; the bound only guards against a cursor that never ends.
  for (let page = 0; page < 100; page++) {
    const result = await client.listAccounts({
      pageSize: 1000,
      ...(pattern === undefined ? {} : { pattern }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    count += result.usernames.length;
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return count;
}

/**
 * Payload size of every operation on one variant, counted at the socket by a proxy per client. Every
 * operation except the first call runs once unmeasured first, so figures are steady state (for gRPC:
 * connection set up, HPACK tables warm); the first call on a fresh connection is its own row.
 *
 * @param serverPort a fresh chat server's port for this variant (it must hold no accounts yet)
 * @param largeListSize accounts in the large listing
 */
export async function measurePayloadSizes(
  variant: Variant,
  serverPort: number,
  largeListSize: number,
): Promise<OperationBytes[]> {
  const results: OperationBytes[] = [];
  const senderProxy = new CountingProxy(serverPort, METERS[variant]);
  const receiverProxy = new CountingProxy(serverPort, METERS[variant]);
  const sender = createChatClient(variant, await senderProxy.listen());
  const receiver = createChatClient(variant, await receiverProxy.listen());
  const helper = createChatClient(variant, serverPort);
  const measure = async (
    rows: readonly { operation: string; proxy: CountingProxy }[],
    operation: () => Promise<unknown>,
  ): Promise<void> => {
    for (const row of rows) await row.proxy.settle(30, 500);
    const before: ProxySnapshot[] = rows.map((row) => row.proxy.snapshot());
    await operation();
    // Let trailing bytes of the operation (deliveries, HTTP/2 acknowledgements) arrive.
    for (const row of rows) await row.proxy.settle(30, 500);
    rows.forEach((row, index) => {
      const after = row.proxy.snapshot();
      const start = before[index];
      if (!start) return;
      results.push({
        operation: row.operation,
        variant,
        clientToServer: difference(start.clientToServer, after.clientToServer),
        serverToClient: difference(start.serverToClient, after.serverToClient),
      });
    });
  };
  const on = (operation: string, proxy: CountingProxy = senderProxy) => [{ operation, proxy }];
  try {
    await measure(on("connect + first call (register)"), async () => {
      await sender.connect();
      await sender.register(accountName(0), BENCH_PASSWORD);
    });
    await sender.register(accountName(1), BENCH_PASSWORD);
    await measure(on("register"), () => sender.register(accountName(2), BENCH_PASSWORD));
    for (let index = 3; index < 10; index++) await sender.register(accountName(index), BENCH_PASSWORD);
    await listAll(sender);
    await measure(on("list 10 accounts"), () => listAll(sender));

    await helper.connect();
    const more = Array.from({ length: largeListSize - 10 }, (_, index) => accountName(index + 10));
    await forEachLimited(more, 16, (name) => helper.register(name, BENCH_PASSWORD));
    await listAll(sender);
    await measure(on(`list ${largeListSize.toLocaleString("en-US")} accounts`), () => listAll(sender));
    await listAll(sender, "bench000*");
    await measure(on("filter (10 matches)"), () => listAll(sender, "bench000*"));

    await sender.login(accountName(0), BENCH_PASSWORD);
    await sender.logout();
    await measure(on("login"), () => sender.login(accountName(0), BENCH_PASSWORD));

    await receiver.connect();
    await receiver.login(accountName(1), BENCH_PASSWORD);
    const inbox = inboxOf(receiver);
    let lastSeq = 0;
    for (const size of PAYLOAD_SEND_SIZES) {
      const content = contentOf(size);
      const roundTrip = async (): Promise<void> => {
        const [, message] = await Promise.all([sender.send(accountName(1), content), inbox.next()]);
        lastSeq = message.seq;
      };
      await roundTrip();
      await measure(
        [
          { operation: `send ${size} B`, proxy: senderProxy },
          { operation: `delivery ${size} B`, proxy: receiverProxy },
        ],
        roundTrip,
      );
    }
    await receiver.ack(lastSeq - 1);
    await measure(on("ack", receiverProxy), () => receiver.ack(lastSeq));
  } finally {
    await closeAll([sender, receiver, helper]);
    await Promise.all([senderProxy.close(), receiverProxy.close()]);
  }
  return results;
}
