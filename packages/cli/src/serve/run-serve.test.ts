// Process tests of `chat-cli serve`: the built CLI in real child processes, loopback and free ports only.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { temporaryDirectoryForFile } from "../testing/temporary-directory.js";
import { connectCli, portOf, startTestServer, TEST_HASHING_FLAG } from "../testing/test-server.js";

const dir = temporaryDirectoryForFile("chat-cli-serve-");
beforeAll(requireBuiltCli);
afterEach(killAllCliProcesses);

/** Runs `chat-cli` to completion and returns its exit code and the human lines it wrote on stderr. */
async function runToExit(args: readonly string[]) {
  const run = new CliProcess(args, { cwd: dir.path });
  const { code } = await run.waitForExit();
  return { code, messages: run.stderrMessages, stdout: run.lines };
}

describe("chat-cli serve", () => {
  it("prints the bound address of each listener and shuts down gracefully on SIGTERM and SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const server = await startTestServer();
      expect(server.process.lines).toEqual([
        `wire listening on 127.0.0.1:${portOf(server, "wire")}`,
        `grpc listening on 127.0.0.1:${portOf(server, "grpc")}`,
      ]);
      expect(portOf(server, "wire")).toBeGreaterThan(0);
      server.process.kill(signal);
      const exit = await server.process.waitForExit();
      expect(exit.code).toBe(0);
      expect(server.process.stderrMessages).toEqual([]);
    }
  });

  it("starts only the listener asked for", async () => {
    const server = await startTestServer(["--memory"], { transport: "grpc" });
    expect(server.ports.wire).toBeUndefined();
    expect(server.process.lines).toEqual([`grpc listening on 127.0.0.1:${portOf(server, "grpc")}`]);
  });

  it("rejects a bad flag or flag value with one line and exit status 2", async () => {
    for (const args of [
      ["serve", "--bogus"],
      ["serve", "--port", "70000"],
      ["serve", "--transport", "carrier-pigeon"],
      ["serve", "--memory", "--db", "x.db"],
      ["serve", "--send-burst", "0"],
      ["serve", "--sends-per-second", "1e3"],
      ["serve", "--max-backlog", "-5"],
    ]) {
      const result = await runToExit(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.messages, args.join(" ")).toHaveLength(1);
      expect(result.messages[0]).toMatch(/^chat-cli: error: /);
      expect(result.messages.join("\n")).not.toMatch(/\bat .*:\d+:\d+/);
    }
  });

  it("reports a busy port in one line and exits 1, for either transport", async () => {
    const running = await startTestServer();
    for (const [flag, transport] of [
      ["--port", "wire"],
      ["--grpc-port", "grpc"],
    ] as const) {
      const port = portOf(running, transport);
      const other = flag === "--port" ? "--grpc-port" : "--port";
      const result = await runToExit(["serve", "--memory", flag, String(port), other, "0"]);
      expect(result.code).toBe(1);
      expect(result.messages).toEqual([
        `chat-cli: cannot listen on 127.0.0.1:${port} (${transport}): the address is already in use (is another server running on it?)`,
      ]);
      expect(result.stdout.filter((line) => line.startsWith(transport))).toEqual([]);
    }
  });

  it("refuses a database file that is not ours in one line", async () => {
    const path = join(dir.path, "not-a-db.db");
    await writeFile(path, "this is not a database, just some text that is long enough to look like a file\n");
    const result = await runToExit(["serve", "--db", path, "--port", "0", "--grpc-port", "0"]);
    expect(result.code).toBe(1);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatch(/^chat-cli: cannot open chat database .*not-a-db\.db: /);
  });

  it("keeps accounts and queued messages across a restart with the SQLite store", async () => {
    const db = ["--db", join(dir.path, "persist.db")];
    const first = await startTestServer(db, { transport: "wire" });
    const client = new CliProcess(["connect", "--port", String(portOf(first, "wire"))]);
    await client.command("register alice password1", "ok register alice");
    await client.command("register bob password2", "ok register bob");
    await client.command("login alice password1", "ok login alice");
    await client.command("message bob kept on disk", /^ok message bob \d+ stored$/);
    await client.command("quit", "ok quit");
    expect((await client.waitForExit()).code).toBe(0);
    first.process.kill("SIGTERM");
    expect((await first.process.waitForExit()).code).toBe(0);

    const second = await startTestServer(db, { transport: "grpc" });
    const bob = connectCli("grpc", portOf(second, "grpc"));
    await bob.command("login bob password2", "ok login bob");
    await bob.waitForLine("message alice kept on disk");
    await bob.command("accdump", "accounts alice bob");
  });

  it("uses ./chat.db in the working directory by default", async () => {
    const server = new CliProcess(
      ["serve", "--port", "0", "--grpc-port", "0", "--log-level", "info", TEST_HASHING_FLAG],
      { cwd: dir.path },
    );
    await server.waitForLine(/^grpc listening on /);
    server.kill("SIGTERM");
    await server.waitForExit();
    expect(server.stderr).toContain('"path":"chat.db"');
    expect(existsSync(join(dir.path, "chat.db"))).toBe(true);
  });
});
