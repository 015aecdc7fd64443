// Drives the interactive prompt in a real pseudo-terminal (tmux): the prompt naming who is logged in,
// hidden password entry that stays out of the history, the deleteacc confirmation, completion, and
// incoming messages printed above the line being typed without garbling it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { FaultProxy } from "@chat/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, requireBuiltCli } from "../testing/built-cli.js";
import { PACKAGES_ROOT } from "../testing/built-packages.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { portOf, startTestServer } from "../testing/test-server.js";
import { DELETE_QUESTION, PROMPT, userPrompt } from "./interactive-mode.js";

const TMUX = "/usr/bin/tmux";
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

/** How long a screen may take to show what a step waits for: generous, the terminal runs a whole CLI. */
const SCREEN_TIMEOUT_MS = 30_000;
/** A whole terminal test: several screens in a row, each allowed `SCREEN_TIMEOUT_MS` on a loaded machine. */
const TERMINAL_TEST_TIMEOUT_MS = 120_000;

async function waitForScreen(check: (lines: string[]) => boolean, what: string): Promise<string[]> {
  const deadline = Date.now() + SCREEN_TIMEOUT_MS;
  for (;;) {
    const lines = screen();
    if (check(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`screen never showed ${what}:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const last = (lines: string[]): string => lines.at(-1) ?? "";
const PROMPT_ALICE = userPrompt("alice");

/** Types `text` as it is, pressing nothing after it. */
function typeKeys(text: string): void {
  tmux("send-keys", "-t", SESSION, "-l", text);
}

/** Presses one named key (`Enter`, `Tab`, `Up`, `C-u`, …). */
function press(key: string): void {
  tmux("send-keys", "-t", SESSION, key);
}

/** Types a line into the prompt and presses Enter. */
function type(line: string): void {
  typeKeys(line);
  press("Enter");
}

/** Waits until the screen's last line is `text`, trailing spaces aside (the screen capture drops them). */
function waitForLastLine(text: string, what: string): Promise<string[]> {
  return waitForScreen((lines) => last(lines) === text.trimEnd(), what);
}

/** Waits until one of the screen's lines is exactly `line`. */
function waitForLineShown(line: string, what: string): Promise<string[]> {
  return waitForScreen((lines) => lines.includes(line), what);
}

/** Types `command` (`quit` or `exit`) and waits for the CLI to end, and the terminal session with it. */
async function endWith(command: "quit" | "exit"): Promise<void> {
  type(command);
  await expect.poll(sessionAlive, { timeout: 10_000 }).toBe(false);
}

/** Opens the test's terminal (the tmux session), `WIDTH` columns by 24 rows, running `command`. */
function startTerminal(command: string): void {
  tmux("new-session", "-d", "-s", SESSION, "-x", String(WIDTH), "-y", "24", command);
}

/** Runs `chat-cli connect` with `args` in the terminal; resolves with the screen once it shows the prompt. */
function startPrompt(args: string): Promise<string[]> {
  startTerminal(`${process.execPath} ${CLI_BIN} connect ${args}`);
  return waitForLastLine(PROMPT, "the prompt");
}

beforeAll(async () => {
  // Never skipped: the README's test command installs tmux (scripts/ensure-system-packages.sh), so a
  // missing one is a broken set-up, and a green run without these tests would prove nothing.
  if (!existsSync(TMUX)) {
    throw new Error(`${TMUX} is missing: run pnpm ensure:system (it installs Debian's tmux package)`);
  }
  requireBuiltCli();
});
/** Ends the test's terminal, if a test left it open (one that failed half-way), so the next can open its own. */
function killTerminal(): void {
  try {
    tmux("kill-server");
  } catch {
    // Already gone: the prompt quit and the session ended with it.
  }
}

afterEach(async () => {
  killTerminal();
  await killAllCliProcesses();
});
afterAll(killTerminal);

describe("the interactive prompt in a terminal", { timeout: TERMINAL_TEST_TIMEOUT_MS }, () => {
  it("drives the prompt: hidden password, alice> prompt, stored mail marked, completion, messages above the half-typed line, deleteacc confirmation", async () => {
    const server = await startTestServer(["--memory"], { transport: "wire" });
    const port = String(portOf(server, "wire"));
    const bob = new CliProcess(["connect", "--port", port]);
    await bob.command("register alice password-alice", "ok register alice");
    await bob.command("register bob password-bob", "ok register bob");
    await bob.command("login bob password-bob", "ok login bob");

    // Bob, away, leaves a message for Alice.
    await bob.command("message alice while you slept", /^ok message alice \d+ stored$/);

    const banner = await startPrompt(`--port ${port}`);
    expect(banner[0]).toMatch(new RegExp(`^chat-cli \\S+: connected to 127\\.0\\.0\\.1:${port} \\(wire\\)`));

    // `login alice` without a password asks for it, and what is typed is not shown.
    type("login alice");
    await waitForLastLine("password for alice:", "the password question");
    typeKeys("password-alice");
    const typing = screen();
    expect(typing.join("\n")).not.toContain("password-alice");
    expect(last(typing)).toBe("password for alice:");
    press("Enter");
    const loggedIn = await waitForLineShown("logged in as alice", "the login");
    // The prompt now says who is logged in; the stored message came with the login, marked as such.
    await waitForLastLine(userPrompt("alice"), "alice's prompt");
    expect(loggedIn.join("\n")).not.toContain("password-alice");
    const away = await waitForScreen(
      (lines) =>
        lines.some((line) => /^\[\d\d:\d\d\] bob: while you slept \(while you were away\)$/.test(line)),
      "the stored message",
    );
    expect(away.join("\n")).not.toContain("password-alice");
    // The history has the command without the password, and never the password on its own.
    press("Up");
    await waitForScreen((lines) => last(lines) === `${PROMPT_ALICE}login alice`, "the login in the history");
    press("Up");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(screen().join("\n")).not.toContain("password-alice");
    press("C-u");

    // Tab completes a command name, and the recipient of a message, each with its trailing space.
    typeKeys("del");
    press("Tab");
    await waitForLastLine(`${PROMPT_ALICE}deleteacc`, "the completed command");
    press("C-u");
    typeKeys("message b");
    press("Tab");
    typeKeys("x");
    await waitForLastLine(`${PROMPT_ALICE}message bob x`, "the completed name");
    press("C-u");

    // Half a line typed, then a message arrives.
    typeKeys("message bob hel");
    await waitForLastLine(`${PROMPT_ALICE}message bob hel`, "the typed text");
    await bob.command("message alice knock knock", /^ok message alice \d+ live$/);
    const knock = /^\[\d\d:\d\d\] bob: knock knock$/;
    const shown = await waitForScreen((lines) => lines.some((line) => knock.test(line)), "the message");
    expect(last(shown)).toBe(`${PROMPT_ALICE}message bob hel`);
    expect(shown.findIndex((line) => knock.test(line))).toBe(shown.length - 2);

    // Typing goes on where it stopped, and the whole line is sent.
    type("lo there");
    await bob.waitForLine("message alice hello there");

    // The same with a line long enough to wrap across two terminal rows.
    const long = `message bob ${"x".repeat(WIDTH)}`;
    typeKeys(long);
    await waitForScreen((lines) => lines.join("").includes("x".repeat(WIDTH - 20)), "the long line");
    await bob.command("message alice second knock", /^ok message alice \d+ live$/);
    const second = /^\[\d\d:\d\d\] bob: second knock$/;
    const wrapped = await waitForScreen(
      (lines) => lines.some((line) => second.test(line)),
      "the second message",
    );
    const at = wrapped.findIndex((line) => second.test(line));
    expect(wrapped.slice(at + 1).join("")).toBe(`${PROMPT_ALICE}${long}`);
    expect(wrapped.filter((line) => knock.test(line))).toHaveLength(1);
    press("Enter");
    await bob.waitForLine(`message alice ${"x".repeat(WIDTH)}`);

    // deleteacc asks first: no keeps the account, yes deletes it and the prompt forgets alice.
    press("C-l");
    type("deleteacc");
    await waitForLastLine(DELETE_QUESTION, "the confirmation");
    type("n");
    await waitForLineShown("kept your account", "the account kept");
    await bob.command("accfilter alice", "accounts alice");
    type("deleteacc");
    await waitForLastLine(DELETE_QUESTION, "the second confirmation");
    type("yes");
    await waitForLineShown("account deleted", "the deletion");
    await waitForLastLine(PROMPT, "the anonymous prompt");
    await bob.command("accfilter alice", "accounts");

    // `exit`, like `quit`, ends the CLI, and the tmux session with it.
    await endWith("exit");
  });

  it("deletes at once with --yes, asking nothing", async () => {
    const server = await startTestServer(["--memory"], { transport: "wire" });
    const port = String(portOf(server, "wire"));
    await startPrompt(`--yes --port ${port}`);
    type("register zed password-zed");
    await waitForScreen(
      (lines) => lines.some((line) => line.startsWith("registered zed")),
      "the registration",
    );
    type("login zed password-zed");
    await waitForLastLine(userPrompt("zed"), "zed's prompt");
    type("deleteacc");
    const deleted = await waitForLineShown("account deleted", "the deletion");
    expect(deleted.join("\n")).not.toContain(DELETE_QUESTION.trim());
    await waitForLastLine(PROMPT, "the anonymous prompt");
    const checker = new CliProcess(["connect", "--port", port]);
    await checker.command("accdump", "accounts");
    await endWith("quit");
  });

  it("ends `pnpm chat-cli serve` on Ctrl-C with exit status 0 and no ELIFECYCLE line", async () => {
    // The root package's script, run the way the README says, in a terminal where Ctrl-C reaches the
    // whole foreground process group (pnpm and the server) at once.
    // An interactive shell runs it as its own foreground job, as for a person at a prompt.
    startTerminal("bash --norc --noprofile -i");
    const command = `cd ${dirname(PACKAGES_ROOT)} && pnpm chat-cli serve --memory --port 0 --grpc-port 0 --log-level warn; echo "exit status $?"`;
    type(command);
    await waitForScreen((lines) => lines.some((line) => line.startsWith("grpc listening on")), "the server");
    press("C-c");
    // The terminal echoes the keypress as ^C just before the status line.
    const status = /^(\^C)?exit status (\d+)$/;
    const after = await waitForScreen((lines) => lines.some((line) => status.test(line)), "the exit");
    const codes = after.map((line) => status.exec(line)?.[2]).filter((code) => code !== undefined);
    expect(codes).toEqual(["0"]);
    expect(after.join("\n")).not.toContain("ELIFECYCLE");
    tmux("kill-session", "-t", SESSION);
  });

  it("prints one line when the connection is lost and one when it is back, keeping the half-typed line", async () => {
    const server = await startTestServer(["--memory"], { transport: "wire" });
    const port = portOf(server, "wire");
    const proxy = await FaultProxy.startQuiet(port);
    try {
      const bob = new CliProcess(["connect", "--port", String(port)]);
      await bob.command("register carol password-carol", "ok register carol");
      await bob.command("register bob password-bob", "ok register bob");
      await bob.command("login bob password-bob", "ok login bob");
      await startPrompt(`--port ${proxy.port}`);
      type("login carol password-carol");
      await waitForLineShown("logged in as carol", "the login");
      typeKeys("message bob half");
      await waitForScreen(
        (lines) => last(lines) === `${userPrompt("carol")}message bob half`,
        "the typed text",
      );

      proxy.setRefusing(true);
      proxy.cutAll();
      const lost = await waitForScreen(
        (lines) => lines.some((line) => line.startsWith("chat-cli: lost the connection")),
        "the lost line",
      );
      expect(last(lost)).toBe(`${userPrompt("carol")}message bob half`);
      proxy.setRefusing(false);
      const back = await waitForScreen(
        (lines) => lines.some((line) => line.startsWith("chat-cli: reconnected to")),
        "the reconnected line",
      );
      expect(last(back)).toBe(`${userPrompt("carol")}message bob half`);
      expect(back.filter((line) => line.startsWith("chat-cli: lost the connection"))).toHaveLength(1);

      // Typing goes on where it stopped; the session is logged in again.
      type(" way");
      await bob.waitForLine("message carol half way");
      await endWith("quit");
    } finally {
      await proxy.close();
    }
  });
});
