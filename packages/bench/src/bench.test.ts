import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuiltPackage, CLI_PACKAGES, PACKAGES_ROOT, requireBuilt } from "@chat/cli/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK_PROFILE } from "./bench-profile.js";
import type { BenchResults } from "./bench-results.js";
import { BENCH_SECTIONS } from "./bench-sections.js";
import { VARIANTS } from "./bench-variant.js";
import { SCALE_OUT_SETUPS } from "./scale-out-results.js";

/*
 * Runs `pnpm bench --quick` once, end to end, as real processes (the built bench spawning its server
 * children, the scale-out section its chat nodes and a real redis-server), and checks the results are
 * complete and sane; then `--only` and the bench's one-line failures. It never checks that anything is
 * fast: the figures depend on the machine and on whatever else it is doing.
 */

/** What the built bench runs: everything the CLI runs (the registry's transports), and the bench itself. */
const BENCH_PACKAGES: readonly BuiltPackage[] = [...CLI_PACKAGES, { dir: "bench", output: "dist/bin.js" }];
/** `CHAT_BENCH_BIN` runs another build of the bench instead (its freshness is then not checked). */
const override = process.env.CHAT_BENCH_BIN;
const bin = override ?? join(PACKAGES_ROOT, "bench", "dist", "bin.js");

beforeAll(() => {
  if (override === undefined) requireBuilt(BENCH_PACKAGES);
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Longest a quick run may take before the test kills it: generous, the machine is shared. */
const RUN_KILL_MS = 250_000;

function runBench(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: PACKAGES_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_KILL_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

const OPERATIONS = [
  "connect + first call (register)",
  "register",
  "list 10 accounts",
  "list 1,000 accounts",
  "filter (10 matches)",
  "login",
  "send 1 B",
  "delivery 1 B",
  "send 64 B",
  "delivery 64 B",
  "send 512 B",
  "delivery 512 B",
  "ack",
];

describe("pnpm bench --quick", () => {
  const directory = mkdtempSync(join(tmpdir(), "chat-bench-test-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("runs end to end and reports every section with sane figures", { timeout: 300_000 }, async () => {
    const json = join(directory, "bench.json");
    const svg = join(directory, "bench.svg");
    const run = await runBench(["--quick", "--json", json, "--svg", svg]);
    expect(run.code, run.stderr).toBe(0);
    // Progress goes to stderr, the table to stdout.
    expect(run.stderr).toContain("[bench");
    expect(run.stdout).toContain("| CPU | cores | Node |");
    expect(run.stdout).toContain("### Targets");
    expect(run.stdout).toContain("### TLS cost");
    // The verdict comes first, with the four variants and the paragraph that answers the question.
    expect(run.stdout.indexOf("### Verdict")).toBeLessThan(run.stdout.indexOf("### Machine"));
    expect(run.stdout).toContain("**Which to pick when.**");
    for (const label of ["seed wire", "compact wire", "gRPC unary", "gRPC stream"]) {
      expect(run.stdout).toContain(`| **${label}** |`);
    }
    expect(readFileSync(svg, "utf8")).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\s*$/,
    );

    const results = JSON.parse(readFileSync(json, "utf8")) as BenchResults;
    expect(results.profile).toBe("quick");
    expect(results.sections).toEqual([...BENCH_SECTIONS]);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.nodeVersion).toBe(process.version);

    // TLS cost: each default client in plaintext and over TLS, every figure measured.
    const tls = results.tls ?? [];
    expect(tls.map((row) => row.variant)).toEqual(["wire-compact", "grpc-stream"]);
    for (const row of tls) {
      for (const side of [row.plain, row.tls]) {
        expect(side.paddle.roundTripsPerSecond).toBeGreaterThan(0);
        expect(side.relay.messagesPerSecond).toBeGreaterThan(0);
        expect(side.connectP50Ms).toBeGreaterThan(0);
      }
      expect(row.tls.paddle.name).toBe(`${row.variant} paddle over TLS`);
    }

    // Payload sizes: every operation on every variant.
    for (const variant of VARIANTS) {
      const rows = results.payload.filter((row) => row.variant === variant);
      expect(rows.map((row) => row.operation)).toEqual(OPERATIONS);
      for (const row of rows) {
        expect(row.clientToServer.socketBytes + row.serverToClient.socketBytes).toBeGreaterThan(0);
        expect(row.clientToServer.socketBytes).toBeGreaterThanOrEqual(row.clientToServer.messageBytes);
        expect(row.serverToClient.socketBytes).toBeGreaterThanOrEqual(row.serverToClient.messageBytes);
      }
    }
    const row = (variant: string, operation: string) => {
      const found = results.payload.find(
        (candidate) => candidate.variant === variant && candidate.operation === operation,
      );
      if (!found) throw new Error(`no payload row ${variant} ${operation}`);
      return found;
    };
    // The wire has no framing beyond its frames: every byte on the socket is a frame byte.
    for (const wire of results.payload.filter((candidate) => candidate.variant.startsWith("wire"))) {
      expect(wire.clientToServer.socketBytes).toBe(wire.clientToServer.messageBytes);
      expect(wire.serverToClient.socketBytes).toBe(wire.serverToClient.messageBytes);
    }
    for (const size of [1, 64, 512]) {
      expect(row("wire-fixed", `send ${size} B`).clientToServer.messages).toEqual(["msg:529"]);
      expect(row("wire-fixed", `send ${size} B`).serverToClient.messages).toEqual(["snt:18"]);
      expect(row("wire-fixed", `delivery ${size} B`).serverToClient.messages).toEqual(["dlv:545"]);
      // Compact: a length, the code, the name and the content with their lengths (`bench0001`, 9 bytes).
      const compactSend = size + 9 + (size < 128 ? 1 : 2) + 1 + 1 + (size + 12 < 128 ? 1 : 2);
      expect(row("wire-compact", `send ${size} B`).clientToServer.messages).toEqual([`msg:${compactSend}`]);
      expect(row("wire-compact", `delivery ${size} B`).serverToClient.messages).toHaveLength(1);
      // A protobuf SendMessageRequest holds the content plus a few bytes of tags, lengths and the name.
      for (const grpc of ["grpc-unary", "grpc-stream"]) {
        const protobuf = row(grpc, `send ${size} B`).clientToServer.messageBytes;
        expect(protobuf).toBeGreaterThan(size);
        expect(protobuf).toBeLessThan(size + 40);
      }
    }
    expect(row("wire-fixed", "ack").clientToServer.messages).toEqual(["ack:9"]);
    expect(row("wire-fixed", "register").clientToServer.messages).toEqual(["reg:81"]);
    // gRPC wraps its messages: HTTP/2 frame headers, HPACK headers and the 5-byte prefix.
    expect(row("grpc-unary", "send 512 B").clientToServer.socketBytes).toBeGreaterThan(
      row("grpc-unary", "send 512 B").clientToServer.messageBytes + 5,
    );
    expect(row("grpc-unary", "connect + first call (register)").clientToServer.socketBytes).toBeGreaterThan(
      row("grpc-unary", "register").clientToServer.socketBytes,
    );

    // Round trips: the four variants, as they said they ran, and the three baselines.
    expect(results.paddle.map((paddle) => paddle.name).sort()).toEqual(
      [
        ...VARIANTS.map((variant) => `${variant} paddle`),
        "grpc-js send + stream",
        "grpc-js unary echo",
        "node:net ping-pong",
      ].sort(),
    );
    expect(
      Object.fromEntries(results.paddle.filter((paddle) => paddle.variant).map((p) => [p.variant, p.ranAs])),
    ).toEqual({
      "wire-fixed": "fixed frames",
      "wire-compact": "compact frames",
      "grpc-unary": "unary calls",
      "grpc-stream": "Chat stream",
    });
    for (const paddle of results.paddle) {
      expect(paddle.roundTrips).toBeGreaterThan(0);
      expect(paddle.roundTripsPerSecond).toBeGreaterThan(0);
      expect(paddle.latency.p50Ms).toBeGreaterThan(0);
      expect(paddle.latency.p50Ms).toBeLessThanOrEqual(paddle.latency.p99Ms);
      expect(paddle.latency.p99Ms).toBeLessThanOrEqual(paddle.latency.p999Ms);
    }

    // Relay: every implementation at every pair count.
    for (const name of [
      ...VARIANTS.map((variant) => `${variant} relay`),
      "node:net relay",
      "grpc-js relay",
    ]) {
      const rows = results.relay.filter((relay) => relay.name === name);
      expect(rows.map((relay) => relay.pairs)).toEqual([1, 8, 64]);
      for (const relay of rows) {
        expect(relay.delivered).toBeGreaterThan(0);
        expect(relay.messagesPerSecond).toBeGreaterThan(0);
      }
    }

    // Latency under load: every variant, at least one step with samples; the steps climb the profile's
    // rates in order and stop only after one the server could not keep up with, so the common rate is
    // among them unless an earlier step was saturated. (Whether a rate is kept up with is a matter of speed
    // and of the machine's load, which this test does not judge.)
    expect(results.load.map((load) => load.variant)).toEqual([...VARIANTS]);
    for (const load of results.load) {
      const first = load.steps[0];
      expect(first?.latency.count ?? 0).toBeGreaterThan(0);
      expect(first?.deliveredPerSecond ?? 0).toBeGreaterThan(0);
      const offered = load.steps.map((step) => step.offeredPerSecond);
      const rates = QUICK_PROFILE.loadRates[load.variant];
      expect(offered).toEqual(rates.slice(0, offered.length));
      for (const step of load.steps.slice(0, -1)) expect(step.saturated).toBe(false);
      if (offered.length < rates.length) expect(load.steps.at(-1)?.saturated).toBe(true);
      expect(rates).toContain(results.commonLoadRate);
    }

    // Stores.
    expect(results.stores.map((store) => store.store)).toEqual(["memory", "sqlite"]);
    for (const store of results.stores) {
      expect(store.appendPerSecond).toBeGreaterThan(0);
      expect(store.drainPerSecond).toBeGreaterThan(0);
    }
    const sqliteBytes =
      results.stores.find((store) => store.store === "sqlite")?.bytesPerMillionMessages ?? 0;
    // At least the content of a million 64-byte messages.
    expect(sqliteBytes).toBeGreaterThan(64_000_000);

    // Scale-out: every set-up, in order, with a paddle, a relay and a load step at the target rate; the
    // Redis set-ups with their commands counted: at least one script call (the append) per message sent.
    const scaleOut = results.scaleOut;
    expect(scaleOut?.nodesRanAs).toBe("child processes");
    expect(scaleOut?.redisSettings).toEqual({
      appendonly: "yes",
      appendfsync: "always",
      "maxmemory-policy": "noeviction",
    });
    expect(scaleOut?.rows.map((row) => [row.setup, row.nodes])).toEqual(
      SCALE_OUT_SETUPS.map((setup) => [setup, setup === "redis-two-nodes" ? 2 : 1]),
    );
    for (const setup of scaleOut?.rows ?? []) {
      expect(setup.paddle.roundTrips).toBeGreaterThan(0);
      expect(setup.paddle.ranAs).toBe("compact frames");
      expect(setup.relay.delivered).toBeGreaterThan(0);
      expect(setup.relay.sent ?? 0).toBeGreaterThan(0);
      expect(setup.load[0]?.offeredPerSecond).toBe(scaleOut?.targetRate);
      const commands = setup.redisCommands;
      if (setup.setup === "memory" || setup.setup === "sqlite") {
        expect(commands).toBeUndefined();
        continue;
      }
      for (const count of [commands?.paddle, commands?.relay]) {
        expect(count?.messages ?? 0).toBeGreaterThan(0);
        expect(count?.scriptCallsPerMessage ?? 0).toBeGreaterThanOrEqual(1);
        expect(count?.commandsPerMessage ?? 0).toBeGreaterThan(count?.scriptCallsPerMessage ?? 0);
        expect(count?.byCommand.evalsha ?? 0).toBeGreaterThanOrEqual(1);
        // The bench's own INFO readings are not the chat's traffic.
        expect(count?.byCommand).not.toHaveProperty("info");
      }
    }
    // Across nodes a message wakes the receiver's node through Redis pub/sub; on one node it never does.
    const wakeUps = (setup: string): number =>
      scaleOut?.rows.find((row) => row.setup === setup)?.redisCommands?.relay.byCommand.spublish ?? 0;
    expect(wakeUps("redis-two-nodes")).toBeGreaterThan(0);
    expect(wakeUps("redis-one-node")).toBe(0);
    expect(run.stdout).toContain("### Scale-out");
    expect(run.stdout).toContain("| **two nodes, one Redis** |");

    // Ratios for paddle and every relay size on every variant, and every target reported.
    expect(results.ratios).toHaveLength(4 * 4);
    for (const ratio of results.ratios) expect(ratio.fraction).toBeGreaterThan(0);
    expect(results.targets).toHaveLength(11 + 2);
    expect(results.targets.map((target) => target.target)).toContain(
      "two nodes on one Redis: p99 ≤ 10 ms at 10,000 msgs/s offered",
    );
  });

  it("runs only the sections --only names", { timeout: 120_000 }, async () => {
    const json = join(directory, "stores.json");
    const run = await runBench(["--quick", "--only", "stores", "--json", json]);
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(readFileSync(json, "utf8")) as BenchResults;
    expect(results.sections).toEqual(["stores"]);
    expect(results.stores.map((store) => store.store)).toEqual(["memory", "sqlite"]);
    expect(results.payload).toEqual([]);
    expect(results.relay).toEqual([]);
    expect(results.scaleOut).toBeUndefined();
    expect(run.stdout).toContain("### Stored-message throughput");
    expect(run.stdout).not.toContain("### Verdict");
    expect(run.stdout).not.toContain("### Scale-out");
  });

  it("says in one line, without a stack, what is wrong with --only", async () => {
    const run = await runBench(["--only", "transports,nonsense"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'chat-bench: --only takes a comma-separated list of transports, tls, stores, scale-out; got "transports,nonsense"',
    );
  });

  it("says in one line, before running anything, that scale-out needs redis-server", async () => {
    // A PATH with no redis-server on it (the bench starts its Node children by absolute path).
    const emptyPath = mkdtempSync(join(tmpdir(), "chat-bench-path-"));
    try {
      const run = await runBench(["--quick"], { ...process.env, PATH: emptyPath });
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^chat-bench: the scale-out section needs redis-server, which is not on PATH/);
      expect(lines[0]).toContain("--only transports,stores");
      expect(run.stdout).toBe("");
    } finally {
      rmSync(emptyPath, { recursive: true, force: true });
    }
  });
});
