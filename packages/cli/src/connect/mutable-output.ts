import { Writable } from "node:stream";

type WriteCallback = (error?: Error | null) => void;

/**
 * The terminal as readline sees it, with a mute switch: while muted, what readline writes (the echo of
 * typed characters, its redraws) is dropped, which is how a password is typed without being shown. The
 * terminal's size and resizes are passed through so line editing still wraps correctly. Writes go
 * straight through, never buffered, so they stay in order with text written to the terminal directly.
 */
export class MutableOutput extends Writable {
  /** While true, nothing readline writes reaches the terminal. */
  muted = false;

  constructor(private readonly terminal: NodeJS.WritableStream & { columns?: number; rows?: number }) {
    super();
    const forwardResize = (): boolean => this.emit("resize");
    terminal.on("resize", forwardResize);
    this.once("close", () => terminal.removeListener("resize", forwardResize));
  }

  /** Characters per row, as readline reads it to wrap long lines. */
  get columns(): number | undefined {
    return this.terminal.columns;
  }

  /** Rows of the terminal. */
  get rows(): number | undefined {
    return this.terminal.rows;
  }

  override write(
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | WriteCallback,
    callback?: WriteCallback,
  ): boolean {
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (this.muted) {
      done?.();
      return true;
    }
    this.terminal.write(chunk, done);
    return true;
  }
}
