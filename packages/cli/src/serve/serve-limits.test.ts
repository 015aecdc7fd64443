// Process test: the limits `chat-cli serve` takes from its flags reach the service (a real child process).
import { PASSWORD } from "@chat/core/testing";
import { WireClient } from "@chat/wire";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { killAllCliProcesses } from "../testing/cli-process.js";
import { portOf, startTestServer } from "../testing/test-server.js";

beforeAll(requireBuiltCli);
afterEach(killAllCliProcesses);

describe("chat-cli serve limit flags", () => {
  it("--send-burst, --sends-per-second and --max-backlog set the session's send rate and the backlog cap", async () => {
    // One send a day past a burst of 3: the 4th is refused however slow the machine is.
    const server = await startTestServer(
      ["--memory", "--send-burst", "3", "--sends-per-second", "1", "--max-backlog", "2"],
      { transport: "wire" },
    );
    const client = new WireClient({ host: "127.0.0.1", port: portOf(server, "wire") });
    await client.connect();
    try {
      await client.register("alice", PASSWORD);
      await client.register("bob", PASSWORD);
      await client.login("alice", PASSWORD);
      // bob is offline: two messages fill his backlog, the third is refused by the cap, not by the rate.
      await client.send("bob", "one");
      await client.send("bob", "two");
      await expect(client.send("bob", "three")).rejects.toMatchObject({
        code: "RESOURCE_EXHAUSTED",
        message: expect.stringMatching(/backlog|unread|mailbox/i),
      });
      // That refused send spent the burst's last token: the next is over the rate.
      await expect(client.send("alice", "four")).rejects.toMatchObject({
        code: "RESOURCE_EXHAUSTED",
        retryAfterMs: expect.any(Number),
      });
    } finally {
      await client.close();
    }
  });
});
