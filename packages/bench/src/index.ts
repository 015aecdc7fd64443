/** The bench (issue 7): `pnpm bench` from the repository root runs it; see docs/benchmarks.md. */
export { createBenchProgram } from "./bench-program.js";
export type * from "./bench-results.js";
export { markdownReport } from "./markdown-report.js";
export { type BenchOptions, runBench } from "./run-bench.js";
export { svgChart } from "./svg-chart.js";
