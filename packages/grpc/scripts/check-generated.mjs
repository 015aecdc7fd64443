// Fails when the committed generated code differs from what `pnpm generate` just wrote, so a .proto change
// without regenerating (or a hand edit under src/gen) cannot slip through CI.
import { execFileSync } from "node:child_process";

const cwd = new URL("..", import.meta.url);
const status = execFileSync("git", ["status", "--porcelain", "--", "src/gen"], { cwd, encoding: "utf8" });
if (status.trim() !== "") {
  process.stderr.write(
    `Generated code in packages/grpc/src/gen is stale: run \`pnpm --filter @chat/grpc generate\` and commit.\n${status}`,
  );
  const diff = execFileSync("git", ["diff", "--stat", "--", "src/gen"], { cwd, encoding: "utf8" });
  if (diff) process.stderr.write(diff);
  process.exit(1);
}
process.stdout.write("Generated code in src/gen is up to date.\n");
