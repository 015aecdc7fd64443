// Process tests of `chat-cli connect` in scripted mode: real server and client processes, loopback only.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { connectCli, portOf, startTestServer, type TestServer } from "../testing/test-server.js";
import { TRANSPORT_NAMES, type TransportName } from "../transports/registry.js";

beforeAll(requireBuiltCli);
afterEach(killAllCliProcesses);

function connect(server: TestServer, transport: TransportName, ...flags: string[]): CliProcess {
  return connectCli(transport, portOf(server, transport), ...flags);
}

/** A client process and the name it registered and logged in as. */
interface CliUser {
  readonly client: CliProcess;
  readonly name: string;
}

/** A client that has registered and logged in. */
async function loggedIn(
  server: TestServer,
  transport: TransportName,
  name: string,
  ...flags: string[]
): Promise<CliUser> {
  const client = connect(server, transport, ...flags);
  await client.command(`register ${name} password-${name}`, `ok register ${name}`);
  await client.command(`login ${name} password-${name}`, `ok login ${name}`);
  return { client, name };
}

/** `from` sends `text` to `to`, answered with how it was delivered: `live` or `stored` for a later login. */
async function send(from: CliUser, to: CliUser, text: string, delivery: "live" | "stored"): Promise<void> {
  await from.client.command(
    `message ${to.name} ${text}`,
    new RegExp(`^ok message ${to.name} \\d+ ${delivery}$`),
  );
}

/** `from` sends `text` to `to`, who is logged in: answered `live`, and `to`'s client prints it. */
async function sendLive(from: CliUser, to: CliUser, text: string): Promise<void> {
  await send(from, to, text, "live");
  await to.client.waitForLine(`message ${from.name} ${text}`);
}

/** `to` logs out; `from`'s messages are answered `stored`, and `to`'s client prints them at its next login. */
async function sendWhileLoggedOut(from: CliUser, to: CliUser, ...texts: string[]): Promise<void> {
  await to.client.command("logout", "ok logout");
  for (const text of texts) await send(from, to, text, "stored");
  await to.client.command(`login ${to.name} password-${to.name}`, `ok login ${to.name}`);
  for (const text of texts) await to.client.waitForLine(`message ${from.name} ${text}`);
}

describe.each(TRANSPORT_NAMES)("chat-cli connect over %s", (transport) => {
  it("lets two clients chat both ways, with the offline queue and the scripted format", async () => {
    const server = await startTestServer(["--memory"], { transport });
    const alice = await loggedIn(server, transport, "alice");
    const bob = await loggedIn(server, transport, "bob");

    await sendLive(alice, bob, "hi bob");
    await sendLive(bob, alice, "hello  alice, two spaces");

    // Bob goes offline; alice's messages wait for him, in order, and arrive once at his next login.
    await sendWhileLoggedOut(alice, bob, "while you were out", "second one");
    await bob.client.command("accdump", "accounts alice bob");
    await bob.client.command("accfilter a*", "accounts alice");
    await bob.client.command("login", "usage login USR PWD");
    await bob.client.command("register alice password-x", /^error ALREADY_EXISTS /);
    await bob.client.command("message nobody hi", /^error NOT_FOUND /);
    await bob.client.command("quit", "ok quit");
    expect((await bob.client.waitForExit()).code).toBe(0);
    // Acknowledged after printing: a new connection does not get them again.
    const again = connect(server, transport);
    await again.command("login bob password-bob", "ok login bob");
    await sendLive(alice, { client: again, name: "bob" }, "fresh");
    expect(again.lines.filter((line) => line.startsWith("message "))).toEqual(["message alice fresh"]);
    again.endInput();
    expect((await again.waitForExit()).code).toBe(0);
  });

  it("with --no-reconnect, says in one line that the server is gone and exits 1 when it is killed", async () => {
    const server = await startTestServer(["--memory"], { transport });
    const { client } = await loggedIn(server, transport, "carol", "--no-reconnect");
    server.process.kill("SIGKILL");
    // gRPC notices on its stream, wire on its socket; either way nothing more is typed.
    const exit = await client.waitForExit();
    expect(exit.code).toBe(1);
    expect(client.stderrMessages).toEqual([
      expect.stringMatching(
        new RegExp(
          `^chat-cli: lost the connection to the server at 127\\.0\\.0\\.1:\\d+ \\(${transport}\\): `,
        ),
      ),
    ]);
  });

  it("with --no-reconnect, says so when the server goes away between logins, at the next command", async () => {
    const server = await startTestServer(["--memory"], { transport });
    const client = connect(server, transport, "--no-reconnect");
    await client.command("accdump", "accounts");
    server.process.kill("SIGTERM");
    await server.process.waitForExit();
    client.send("accdump");
    expect((await client.waitForExit()).code).toBe(1);
    expect(client.stderrMessages).toHaveLength(1);
    expect(client.stderrMessages[0]).toMatch(/^chat-cli: lost the connection to the server at /);
  });

  it("says in one line that an unreachable server cannot be reached and exits 1", async () => {
    const server = await startTestServer(["--memory"], { transport });
    const port = portOf(server, transport);
    server.process.kill("SIGTERM");
    await server.process.waitForExit();
    const client = connectCli(transport, port);
    expect((await client.waitForExit()).code).toBe(1);
    expect(client.stderrMessages).toEqual([
      expect.stringMatching(
        new RegExp(`^chat-cli: cannot connect to the server at 127\\.0\\.0\\.1:${port} `),
      ),
    ]);
  });
});

describe("chat-cli serve --transport both", () => {
  it("lets a wire client and a gRPC client talk through one service", async () => {
    const server = await startTestServer(["--memory"], { transport: "both" });
    const wire = await loggedIn(server, "wire", "wendy");
    const grpc = await loggedIn(server, "grpc", "gus");
    await sendLive(wire, grpc, "over the wire");
    await sendLive(grpc, wire, "over http/2");
    await sendWhileLoggedOut(wire, grpc, "queued");
    await wire.client.command("accdump", "accounts gus wendy");
  });
});

describe("chat-cli connect at the other transport's port", () => {
  it("says what the port speaks instead of timing out, and exits 1", async () => {
    const server = await startTestServer(["--memory"], { transport: "both" });
    const wireAtGrpc = new CliProcess(["connect", "--port", String(portOf(server, "grpc"))]);
    const grpcAtWire = connectCli("grpc", portOf(server, "wire"));
    expect((await wireAtGrpc.waitForExit()).code).toBe(1);
    expect(wireAtGrpc.stderrMessages).toEqual([
      `chat-cli: cannot connect to the server at 127.0.0.1:${portOf(server, "grpc")} (wire): that port speaks gRPC; try --transport grpc`,
    ]);
    expect((await grpcAtWire.waitForExit()).code).toBe(1);
    expect(grpcAtWire.stderrMessages).toEqual([
      `chat-cli: cannot connect to the server at 127.0.0.1:${portOf(server, "wire")} (grpc): that port does not speak gRPC (it waits for the client, like a wire server); try --transport wire`,
    ]);
  });
});

describe("chat-cli connect flags", () => {
  it("rejects a bad flag with one line and exit status 2", async () => {
    const client = new CliProcess(["connect", "--transport", "smoke-signals"]);
    expect((await client.waitForExit()).code).toBe(2);
    expect(client.stderrMessages).toEqual([
      "chat-cli: error: option '--transport <kind>' argument 'smoke-signals' is invalid. Allowed choices are wire, grpc.",
    ]);
  });

  it("has --help on every command and --version", async () => {
    for (const args of [["--help"], ["serve", "--help"], ["connect", "--help"]]) {
      const run = new CliProcess(args);
      expect((await run.waitForExit()).code).toBe(0);
      expect(run.lines.join("\n")).toMatch(/^Usage: chat-cli/);
    }
    const version = new CliProcess(["--version"]);
    expect((await version.waitForExit()).code).toBe(0);
    expect(version.lines).toEqual([expect.stringMatching(/^\d+\.\d+\.\d+/)]);
  });
});
