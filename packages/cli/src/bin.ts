#!/usr/bin/env node
// The `chat-cli` executable. All logic lives in run-cli.ts so it can be tested and reused.
import { runCli } from "./run-cli.js";

// A reader that goes away (`chat-cli connect | head -1`) is the end of the run, not a crash.
process.stdout.on("error", () => process.exit(1));

// Exit explicitly: open sockets, timers or gRPC channels must not keep a finished command alive.
runCli(process.argv).then((code) => process.exit(code));
