// Process tests of `chat-cli connect` reconnecting through a fault-injecting proxy: real server and client
// processes, the proxy in this process, loopback only.
import { FaultProxy } from "@chat/core/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { type CliProcess, killAllCliProcesses, LINE_TIMEOUT_MS } from "../testing/cli-process.js";
import { connectCli, portOf, startTestServer } from "../testing/test-server.js";
import { TRANSPORT_NAMES } from "../transports/registry.js";

/** How many times the test cuts the receiver's connection. */
const OUTAGES = 3;
/** Messages sent before each outage and while it lasts. */
const MESSAGES_PER_ROUND = 4;

beforeAll(requireBuiltCli);
const proxies: FaultProxy[] = [];
afterEach(async () => {
  await killAllCliProcesses();
  for (const proxy of proxies.splice(0)) await proxy.close();
});

/** Waits until `client` has printed `count` stderr lines matching `pattern`. */
async function stderrLines(client: CliProcess, pattern: RegExp, count: number): Promise<string[]> {
  const deadline = Date.now() + LINE_TIMEOUT_MS;
  for (;;) {
    const found = client.stderrMessages.filter((line) => pattern.test(line));
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`only ${found.length} lines ${pattern}:\n${client.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(TRANSPORT_NAMES)("chat-cli connect over %s through a proxy that cuts it", (transport) => {
  it("reconnects with one line each way, goes on with the script, and loses or repeats no message", async () => {
    const server = await startTestServer(["--memory"], { transport });
    const port = portOf(server, transport);
    const proxy = await FaultProxy.startQuiet(port);
    proxies.push(proxy);
    const sender = connectCli(transport, port);
    const receiver = connectCli(transport, proxy.port);
    await sender.command("register sam password-sam", "ok register sam");
    await sender.command("login sam password-sam", "ok login sam");
    await receiver.command("register rita password-rita", "ok register rita");
    await receiver.command("login rita password-rita", "ok login rita");
    const expected: string[] = [];
    let sent = 0;
    const send = async (): Promise<void> => {
      const text = `note ${sent++}`;
      expected.push(`message sam ${text}`);
      await sender.command(`message rita ${text}`, /^ok message rita \d+ (live|stored)$/);
    };
    for (let outage = 1; outage <= OUTAGES; outage++) {
      for (let index = 0; index < MESSAGES_PER_ROUND; index++) await send();
      await receiver.waitForLine(expected.at(-1) as string);
      proxy.setRefusing(true);
      proxy.cutAll();
      await stderrLines(receiver, /^chat-cli: lost the connection to the server at /, outage);
      // Sent while the receiver is away: stored, and delivered once it is back.
      for (let index = 0; index < MESSAGES_PER_ROUND; index++) await send();
      proxy.setRefusing(false);
      await stderrLines(receiver, /^chat-cli: reconnected to the server at /, outage);
      await receiver.command("accdump", "accounts rita sam");
    }
    const last = expected.at(-1) as string;
    const deadline = Date.now() + LINE_TIMEOUT_MS;
    while (!receiver.lines.includes(last) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    receiver.endInput();
    expect((await receiver.waitForExit()).code).toBe(0);
    expect(receiver.lines.filter((line) => line.startsWith("message "))).toEqual(expected);
    const lost = receiver.stderrMessages.filter((line) => line.includes("lost the connection"));
    const back = receiver.stderrMessages.filter((line) => line.includes("reconnected to"));
    expect(lost).toHaveLength(OUTAGES);
    expect(back).toHaveLength(OUTAGES);
    expect(lost[0]).toMatch(/; reconnecting$/);
    console.log(
      `chat-cli ${transport} through the proxy: ${proxy.cuts} cuts, ${expected.length} messages checked`,
    );
  });
});
