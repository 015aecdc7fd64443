// What an operator runs against `chat-cli serve`, over real sockets to the built CLI: the Prometheus
// endpoint scraped over HTTP while wire and gRPC clients chat, the gRPC health service called with a real
// grpc-js client, settings from the environment, --version everywhere, and both log formats.

import { PASSWORD } from "@chat/core/testing";
import { GrpcClient } from "@chat/grpc";
import { WireClient } from "@chat/wire";
import { type Client, credentials, makeClientConstructor, type ServiceError } from "@grpc/grpc-js";
import { service as healthDefinition } from "grpc-health-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CONNECT_ENV } from "../connect/connect-command.js";
import { requireBuiltCli } from "../testing/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { portOf, startTestServer, TEST_HASHING_FLAG } from "../testing/test-server.js";
import { portEnvironmentVariable, TRANSPORT_NAMES, TRANSPORTS } from "../transports/registry.js";
import { parseListenerLine } from "./listener-line.js";
import { SERVE_ENV } from "./serve-command.js";

beforeAll(requireBuiltCli);
afterEach(killAllCliProcesses);

/** The value of one sample in Prometheus text, e.g. `chat_sessions_live` or `x_total{code="A"}`. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Checks several series of one scrape at once: a mismatch shows every expected value beside the actual. */
function expectSamples(text: string, expected: Readonly<Record<string, number>>): void {
  const actual = Object.fromEntries(Object.keys(expected).map((series) => [series, sample(text, series)]));
  expect(actual).toEqual(expected);
}

async function scrape(
  port: number,
  path = "/metrics",
): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    text: await response.text(),
  };
}

type HealthClient = Client & {
  check(
    request: { service: string },
    callback: (error: ServiceError | null, reply?: { status: string }) => void,
  ): void;
};
const HealthClientConstructor = makeClientConstructor(healthDefinition, "grpc.health.v1.Health");

describe("chat-cli serve for operators", () => {
  it("serves Prometheus metrics that follow what the clients do, over both transports", async () => {
    const server = await startTestServer(["--memory", "--metrics-port", "0"]);
    const announced = parseListenerLine(await server.process.waitForLine(/^metrics listening on /));
    expect(announced?.transport).toBe("metrics");
    const metricsPort = announced?.port ?? 0;

    const alice = new WireClient({ host: "127.0.0.1", port: portOf(server, "wire") });
    const bob = new GrpcClient({ host: "127.0.0.1", port: portOf(server, "grpc") });
    await alice.connect();
    await bob.connect();
    await alice.register("alice", PASSWORD);
    await bob.register("bob", PASSWORD);
    await expect(alice.login("alice", "not the password")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await alice.login("alice", PASSWORD);
    expect((await alice.send("bob", "stored one")).delivery).toBe("stored");
    expect((await alice.send("bob", "stored two")).delivery).toBe("stored");

    let { status, type, text } = await scrape(metricsPort);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expectSamples(text, {
      'chat_connections_open{transport="wire"}': 1,
      chat_sessions_live: 1,
      'chat_messages_sent_total{delivery="stored"}': 2,
      chat_messages_queued: 2,
      'chat_request_errors_total{transport="wire",operation="login",code="UNAUTHENTICATED"}': 1,
      'chat_request_duration_seconds_count{transport="wire",operation="login"}': 2,
      'chat_request_duration_seconds_count{transport="grpc",operation="register"}': 1,
    });
    // prom-client's process metrics come along.
    expect(text).toMatch(/^process_cpu_seconds_total /m);

    await bob.login("bob", PASSWORD);
    const received: string[] = [];
    void (async () => {
      for await (const message of bob.messages) {
        received.push(message.content);
        await bob.ack(message.seq);
      }
    })();
    await expect.poll(() => received).toEqual(["stored one", "stored two"]);
    expect((await alice.send("bob", "live one")).delivery).toBe("live");
    await expect.poll(() => received).toHaveLength(3);
    await expect.poll(async () => sample((await scrape(metricsPort)).text, "chat_messages_queued")).toBe(0);
    ({ text } = await scrape(metricsPort));
    expectSamples(text, {
      chat_sessions_live: 2,
      'chat_messages_sent_total{delivery="live"}': 1,
      'chat_messages_delivered_total{transport="grpc"}': 3,
    });
    expect(
      sample(text, 'chat_request_duration_seconds_count{transport="grpc",operation="ack"}'),
    ).toBeGreaterThan(0);

    await alice.close();
    await expect
      .poll(async () => sample((await scrape(metricsPort)).text, 'chat_connections_open{transport="wire"}'))
      .toBe(0);
    expect(sample((await scrape(metricsPort)).text, 'chat_connections_opened_total{transport="wire"}')).toBe(
      1,
    );
    expect((await scrape(metricsPort, "/")).status).toBe(404);
    await bob.close();
  });

  it("answers the gRPC health checking protocol on the gRPC port", async () => {
    const server = await startTestServer(["--memory"], { transport: "grpc" });
    const client = new HealthClientConstructor(
      `127.0.0.1:${portOf(server, "grpc")}`,
      credentials.createInsecure(),
    ) as unknown as HealthClient;
    const reply = await new Promise((resolve, reject) => {
      client.check({ service: "" }, (error, answer) => (error ? reject(error) : resolve(answer)));
    });
    expect(reply).toEqual({ status: "SERVING" });
    client.close();
  });

  it("takes every setting from CHAT_* environment variables, flags winning", async () => {
    const server = new CliProcess(["serve", TEST_HASHING_FLAG, "--grpc-port", "0"], {
      env: {
        CHAT_HOST: "127.0.0.1",
        CHAT_PORT: "0",
        CHAT_GRPC_PORT: "1",
        CHAT_MEMORY: "1",
        CHAT_TRANSPORT: "both",
        CHAT_LOG_LEVEL: "warn",
        CHAT_METRICS_PORT: "0",
      },
    });
    const lines = [
      await server.waitForLine(/^wire listening/),
      await server.waitForLine(/^grpc listening/),
      await server.waitForLine(/^metrics listening/),
    ].map(parseListenerLine);
    // CHAT_GRPC_PORT=1 would have needed privileges: the flag's 0 won.
    expect(lines.map((listener) => listener?.port !== undefined && listener.port > 1)).toEqual([
      true,
      true,
      true,
    ]);
    // Warn level from the environment: only the warning about test hashing, none of the info lines.
    const levels = server.stderr
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { level: number }).level);
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.every((level) => level >= 40)).toBe(true);
    const wire = lines[0]?.port ?? 0;
    const client = new CliProcess(["connect"], { env: { CHAT_HOST: "127.0.0.1", CHAT_PORT: String(wire) } });
    await client.command("register erin password-erin", "ok register erin");
    await client.command("quit", "ok quit");
    const grpc = lines[1]?.port ?? 0;
    const viaGrpc = new CliProcess(["connect"], {
      env: { CHAT_CONNECT_TRANSPORT: "grpc", CHAT_GRPC_PORT: String(grpc) },
    });
    await viaGrpc.command("accdump", "accounts erin");
    await viaGrpc.command("quit", "ok quit");
    server.kill("SIGTERM");
    expect((await server.waitForExit()).code).toBe(0);
  });

  it("shows every flag's default and environment variable in serve --help and connect --help", async () => {
    /** The help text as one line, so a wrapped `(default: …, env: …)` still reads as one. */
    const help = async (command: string): Promise<string> => {
      const run = new CliProcess([command, "--help"]);
      expect((await run.waitForExit()).code).toBe(0);
      return run.lines.join(" ").replace(/\s+/g, " ");
    };
    const serve = await help("serve");
    const serveVariables = [
      ...Object.values(SERVE_ENV),
      ...TRANSPORT_NAMES.map((name) => portEnvironmentVariable(name)),
    ];
    for (const variable of serveVariables) expect(serve).toContain(`env: ${variable})`);
    for (const transport of TRANSPORTS) {
      expect(serve).toContain(
        `(default: ${transport.defaultPort}, env: ${portEnvironmentVariable(transport.name)})`,
      );
    }
    expect(serve).toContain('default: "both", env: CHAT_TRANSPORT)');
    expect(serve).toContain('default: "127.0.0.1", env: CHAT_HOST)');
    expect(serve).toContain("(default: ./chat.db) (env: CHAT_DB)");
    const connect = await help("connect");
    for (const variable of Object.values(CONNECT_ENV)) expect(connect).toContain(`env: ${variable}`);
    for (const transport of TRANSPORTS) {
      expect(connect).toContain(
        `${transport.defaultPort} for ${transport.name}, env: ${portEnvironmentVariable(transport.name)}`,
      );
    }
  });

  it("prints the version for every command", async () => {
    for (const command of ["serve", "connect"]) {
      const run = new CliProcess([command, "--version"]);
      expect((await run.waitForExit()).code).toBe(0);
      expect(run.lines).toEqual([expect.stringMatching(/^\d+\.\d+\.\d+/)]);
    }
  });

  it("logs JSON lines when stderr is not a terminal, and readable lines with --log-format pretty", async () => {
    const json = await startTestServer(["--memory", "--log-level", "info"], { transport: "wire" });
    json.process.kill("SIGTERM");
    await json.process.waitForExit();
    const jsonLines = json.process.stderr.trim().split("\n");
    expect(jsonLines.length).toBeGreaterThan(0);
    for (const line of jsonLines) expect(JSON.parse(line)).toMatchObject({ name: "chat-cli" });

    const pretty = await startTestServer(["--memory", "--log-level", "info", "--log-format", "pretty"], {
      transport: "wire",
    });
    pretty.process.kill("SIGTERM");
    await pretty.process.waitForExit();
    const prettyLines = pretty.process.stderr.trim().split("\n");
    expect(prettyLines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: shutting down/.test(line))).toBe(
      true,
    );
    for (const line of prettyLines) expect(line.startsWith("{")).toBe(false);
  });
});
