// Drives the interactive prompt in a real pseudo-terminal (tmux) to show that an incoming message is
// printed above the line being typed without garbling it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { FaultProxy } from "@chat/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, requireBuiltCli } from "../testing/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { portOf, startTestServer } from "../testing/test-server.js";
import { PROMPT } from "./interactive-mode.js";

const TMUX = "/usr/bin/tmux";
const hasTmux = existsSync(TMUX);
/** A private tmux server, so the test never touches a developer's own sessions. */
const SOCKET = `chat-cli-test-${process.pid}`;
const SESSION = "chat";
const WIDTH = 80;

function tmux(...args: string[]): string {
  return execFileSync(TMUX, ["-L", SOCKET, "-f", "/dev/null", ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function sessionAlive(): boolean {
  try {
    tmux("has-session", "-t", SESSION);
    return true;
  } catch {
    return false;
  }
}

/** The visible screen, trailing blank lines dropped. */
function screen(): string[] {
  const lines = tmux("capture-pane", "-p", "-t", SESSION).split("\n");
  while (lines.length > 0 && lines.at(-1)?.trim() === "") lines.pop();
  return lines;
}

async function waitForScreen(check: (lines: string[]) => boolean, what: string): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lines = screen();
    if (check(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const last = (lines: string[]): string => lines.at(-1) ?? "";

beforeAll(async () => {
  if (hasTmux) requireBuiltCli();
});
afterEach(killAllCliProcesses);
afterAll(() => {
  if (!hasTmux) return;
  try {
    tmux("kill-server");
  } catch {
    // Already gone: the prompt quit and the session ended with it.
  }
});

describe("the interactive prompt in a terminal", () => {
  it.skipIf(!hasTmux)(
    "prints an incoming message above the half-typed line and keeps that line intact (skipped without /usr/bin/tmux)",
    async () => {
      const server = await startTestServer(["--memory"], { transport: "wire" });
      const port = String(portOf(server, "wire"));
      const bob = new CliProcess(["connect", "--port", port]);
      await bob.command("register alice password-alice", "ok register alice");
      await bob.command("register bob password-bob", "ok register bob");
      await bob.command("login bob password-bob", "ok login bob");

      tmux(
        "new-session",
        "-d",
        "-s",
        SESSION,
        "-x",
        String(WIDTH),
        "-y",
        "24",
        `${process.execPath} ${CLI_BIN} connect --port ${port}`,
      );
      await waitForScreen((lines) => last(lines) === PROMPT.trimEnd(), "the prompt");
      tmux("send-keys", "-t", SESSION, "-l", "login alice password-alice");
      tmux("send-keys", "-t", SESSION, "Enter");
      await waitForScreen((lines) => lines.includes("logged in as alice"), "the login");

      // Tab completes a command name.
      tmux("send-keys", "-t", SESSION, "-l", "del");
      tmux("send-keys", "-t", SESSION, "Tab");
      await waitForScreen((lines) => last(lines) === `${PROMPT}deleteacc`, "the completed command");
      tmux("send-keys", "-t", SESSION, "C-u");

      // Half a line typed, then a message arrives.
      tmux("send-keys", "-t", SESSION, "-l", "message bob hel");
      await waitForScreen((lines) => last(lines) === `${PROMPT}message bob hel`, "the typed text");
      await bob.command("message alice knock knock", /^ok message alice \d+ live$/);
      const shown = await waitForScreen((lines) => lines.includes("[bob] knock knock"), "the message");
      expect(last(shown)).toBe(`${PROMPT}message bob hel`);
      expect(shown.indexOf("[bob] knock knock")).toBe(shown.length - 2);

      // Typing goes on where it stopped, and the whole line is sent.
      tmux("send-keys", "-t", SESSION, "-l", "lo there");
      tmux("send-keys", "-t", SESSION, "Enter");
      await bob.waitForLine("message alice hello there");

      // The same with a line long enough to wrap across two terminal rows.
      const long = `message bob ${"x".repeat(WIDTH)}`;
      tmux("send-keys", "-t", SESSION, "-l", long);
      await waitForScreen((lines) => lines.join("").includes("x".repeat(WIDTH - 20)), "the long line");
      await bob.command("message alice second knock", /^ok message alice \d+ live$/);
      const wrapped = await waitForScreen(
        (lines) => lines.includes("[bob] second knock"),
        "the second message",
      );
      const at = wrapped.indexOf("[bob] second knock");
      expect(wrapped.slice(at + 1).join("")).toBe(`${PROMPT}${long}`);
      expect(wrapped.filter((line) => line.includes("[bob] knock knock"))).toHaveLength(1);
      tmux("send-keys", "-t", SESSION, "Enter");
      await bob.waitForLine(`message alice ${"x".repeat(WIDTH)}`);

      tmux("send-keys", "-t", SESSION, "-l", "quit");
      tmux("send-keys", "-t", SESSION, "Enter");
      // `quit` ends the CLI, and the tmux session with it.
      await expect.poll(sessionAlive, { timeout: 10_000 }).toBe(false);
    },
  );

  it.skipIf(!hasTmux)(
    "prints one line when the connection is lost and one when it is back, keeping the half-typed line (skipped without /usr/bin/tmux)",
    async () => {
      const server = await startTestServer(["--memory"], { transport: "wire" });
      const port = portOf(server, "wire");
      const proxy = await FaultProxy.start({
        targetPort: port,
        mode: "cut",
        seed: 3,
        faultAfterMs: { min: 0, max: 0 },
      });
      proxy.setFaulting(false);
      try {
        const bob = new CliProcess(["connect", "--port", String(port)]);
        await bob.command("register carol password-carol", "ok register carol");
        await bob.command("register bob password-bob", "ok register bob");
        await bob.command("login bob password-bob", "ok login bob");
        tmux(
          "new-session",
          "-d",
          "-s",
          SESSION,
          "-x",
          String(WIDTH),
          "-y",
          "24",
          `${process.execPath} ${CLI_BIN} connect --port ${proxy.port}`,
        );
        await waitForScreen((lines) => last(lines) === PROMPT.trimEnd(), "the prompt");
        tmux("send-keys", "-t", SESSION, "-l", "login carol password-carol");
        tmux("send-keys", "-t", SESSION, "Enter");
        await waitForScreen((lines) => lines.includes("logged in as carol"), "the login");
        tmux("send-keys", "-t", SESSION, "-l", "message bob half");
        await waitForScreen((lines) => last(lines) === `${PROMPT}message bob half`, "the typed text");

        proxy.setRefusing(true);
        proxy.cutAll();
        const lost = await waitForScreen(
          (lines) => lines.some((line) => line.startsWith("chat-cli: lost the connection")),
          "the lost line",
        );
        expect(last(lost)).toBe(`${PROMPT}message bob half`);
        proxy.setRefusing(false);
        const back = await waitForScreen(
          (lines) => lines.some((line) => line.startsWith("chat-cli: reconnected to")),
          "the reconnected line",
        );
        expect(last(back)).toBe(`${PROMPT}message bob half`);
        expect(back.filter((line) => line.startsWith("chat-cli: lost the connection"))).toHaveLength(1);

        // Typing goes on where it stopped; the session is logged in again.
        tmux("send-keys", "-t", SESSION, "-l", " way");
        tmux("send-keys", "-t", SESSION, "Enter");
        await bob.waitForLine("message carol half way");
        tmux("send-keys", "-t", SESSION, "-l", "quit");
        tmux("send-keys", "-t", SESSION, "Enter");
        await expect.poll(sessionAlive, { timeout: 10_000 }).toBe(false);
      } finally {
        await proxy.close();
      }
    },
  );
});
