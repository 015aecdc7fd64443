/** The bench behind `chat-cli bench` (issue 7). */
export { registerBenchCommand } from "./bench-command.js";
export type * from "./bench-results.js";
export { markdownReport } from "./markdown-report.js";
export { type BenchOptions, runBench } from "./run-bench.js";
export { svgChart } from "./svg-chart.js";
