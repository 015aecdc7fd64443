// Test support: a spawned `chat-cli` process with line-oriented access to its output.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { CLI_BIN } from "./built-cli.js";

/** How long a test waits for an expected line by default; generous because scrypt is slow on a busy CI box. */
export const LINE_TIMEOUT_MS = 20_000;

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const running = new Set<CliProcess>();

/** A running `node dist/bin.js ...`, its stdout split into lines, stderr kept as text. */
export class CliProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stdoutLines: string[] = [];
  private partial = "";
  private searchFrom = 0;
  private stderrText = "";
  private hasExited = false;
  private readonly listeners = new Set<() => void>();
  /** Settles when the process has exited. */
  readonly exited: Promise<ProcessExit>;

  constructor(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      // Extra variables on top of the test's own environment (CHAT_* settings, NO_COLOR).
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    running.add(this);
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      const parts = (this.partial + chunk).split("\n");
      this.partial = parts.pop() ?? "";
      this.stdoutLines.push(...parts);
      this.notify();
    });
    this.child.stderr.on("data", (chunk: string) => {
      this.stderrText += chunk;
      this.notify();
    });
    // Writing to a process that has exited is expected in the "server gone" tests.
    this.child.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        running.delete(this);
        this.hasExited = true;
        this.notify();
        resolve({ code, signal });
      });
    });
  }

  /** Every complete stdout line so far. */
  get lines(): readonly string[] {
    return this.stdoutLines;
  }

  /** Everything written to stderr so far. */
  get stderr(): string {
    return this.stderrText;
  }

  /** Stderr lines that are not pino's JSON log lines: what a person reads. */
  get stderrMessages(): string[] {
    return this.stderrText.split("\n").filter((line) => line !== "" && !line.startsWith("{"));
  }

  /** The process id, for signals. */
  get pid(): number {
    const { pid } = this.child;
    if (pid === undefined) throw new Error("the process did not start");
    return pid;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private describe(): string {
    return `stdout:\n${this.stdoutLines.join("\n")}${this.partial}\nstderr:\n${this.stderrText}`;
  }

  /** Writes one line to stdin. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Closes stdin (end of input). */
  endInput(): void {
    this.child.stdin.end();
  }

  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /**
   * Waits for the next stdout line (after the previous match) that equals `expected` or matches it, and
   * returns it. Lines in between are skipped by this search but stay in {@link lines}. Fails at once if the
   * process exits first.
   */
  async waitForLine(expected: string | RegExp, timeoutMs = LINE_TIMEOUT_MS): Promise<string> {
    const matches = (line: string): boolean =>
      typeof expected === "string" ? line === expected : expected.test(line);
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let index = this.searchFrom; index < this.stdoutLines.length; index++) {
          const line = this.stdoutLines[index];
          if (line !== undefined && matches(line)) {
            this.searchFrom = index + 1;
            resolve(line);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no line ${String(expected)} within ${timeoutMs} ms\n${this.describe()}`));
      }, timeoutMs);
      const listener = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.listeners.delete(listener);
        } else if (this.hasExited) {
          // No more output can come: fail now rather than at the timeout.
          clearTimeout(timer);
          this.listeners.delete(listener);
          reject(new Error(`the process exited without printing ${String(expected)}\n${this.describe()}`));
        }
      };
      this.listeners.add(listener);
    });
  }

  /** Sends a command line and waits for the reply line. */
  async command(line: string, reply: string | RegExp, timeoutMs = LINE_TIMEOUT_MS): Promise<string> {
    this.send(line);
    return this.waitForLine(reply, timeoutMs);
  }

  /** Waits for the process to exit, failing the test if it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs = LINE_TIMEOUT_MS): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the process did not exit within ${timeoutMs} ms\n${this.describe()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Kills every process the tests started that is still running; call it in `afterEach`. */
export async function killAllCliProcesses(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill("SIGKILL");
  await Promise.all(left.map((child) => child.exited));
}
