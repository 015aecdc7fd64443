#!/usr/bin/env node
// The bench's executable (dist/bin.js, what `pnpm bench` runs). All logic lives in bench-program.ts.
import { BenchFailure } from "./bench-failure.js";
import { createBenchProgram } from "./bench-program.js";

// A reader that goes away (`pnpm bench | head -1`) is the end of the run, not a crash.
process.stdout.on("error", () => process.exit(1));
createBenchProgram()
  .parseAsync(process.argv)
  .then(
    // Exit explicitly: sockets, timers or gRPC channels left open must not keep a finished run alive.
    () => process.exit(0),
    (error: unknown) => {
      // A failure the user can act on is one line; anything else is a bug and keeps its stack.
      const text =
        error instanceof BenchFailure
          ? error.message
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error);
      process.stderr.write(`chat-bench: ${text}\n`);
      process.exit(1);
    },
  );
