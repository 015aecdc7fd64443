import { Command } from "commander";
import { BENCH_SECTIONS, type BenchSection, parseSections } from "./bench-sections.js";
import { markdownReport } from "./markdown-report.js";
import { runBench } from "./run-bench.js";

/** The flags of the bench, as commander parses them. */
interface BenchFlags {
  readonly quick?: boolean;
  readonly only?: readonly BenchSection[];
  readonly json?: string;
  readonly svg?: string;
  readonly cpuProf?: string;
}

/**
 * The bench's command line (`pnpm bench [flags]` from the repository root): runs the bench (servers in
 * child processes, loopback only), shows progress on stderr and prints the markdown table on stdout.
 */
export function createBenchProgram(): Command {
  return new Command("chat-bench")
    .description(
      "measure payload sizes, round trips, relay throughput and latency of seed wire, compact wire, gRPC unary and gRPC stream against the bare runtime; store throughput; two chat nodes on one Redis against one node",
    )
    .helpOption("-h, --help", "show help")
    .option("--quick", "a short smoke run: tiny durations for every section that runs")
    .option(
      "--only <sections>",
      `run only these sections, comma-separated: ${BENCH_SECTIONS.join(", ")} (default: all)`,
      parseSections,
    )
    .option("--json <file>", "also write the results as JSON")
    .option(
      "--svg <file>",
      "also write a chart (throughput and bytes per message by variant, ratios to baseline) as SVG",
    )
    .option("--cpu-prof <dir>", "write V8 CPU profiles of the server processes to this directory")
    .action(async (flags: BenchFlags) => {
      const results = await runBench({
        quick: flags.quick ?? false,
        ...(flags.only === undefined ? {} : { sections: flags.only }),
        ...(flags.json === undefined ? {} : { jsonPath: flags.json }),
        ...(flags.svg === undefined ? {} : { svgPath: flags.svg }),
        ...(flags.cpuProf === undefined ? {} : { cpuProfileDir: flags.cpuProf }),
      });
      process.stdout.write(`${markdownReport(results)}\n`);
    });
}
