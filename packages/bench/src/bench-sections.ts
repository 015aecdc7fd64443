import { BenchFailure } from "./bench-failure.js";

/**
 * The parts of the bench `--only` can pick, in the order a run runs them. `transports`: the four protocol
 * variants with their bare-runtime baselines (payload sizes, paddle, relay, latency under load); `stores`:
 * stored-message throughput; `scale-out`: nodes on one Redis next to one node on SQLite and on memory;
 * `tls`: each transport's default client in plaintext and over TLS, back to back.
 */
export const BENCH_SECTIONS = ["transports", "tls", "stores", "scale-out"] as const;

/** One of {@link BENCH_SECTIONS}. */
export type BenchSection = (typeof BENCH_SECTIONS)[number];

function isBenchSection(value: string): value is BenchSection {
  return (BENCH_SECTIONS as readonly string[]).includes(value);
}

/** Parses `--only a,b`: known names only, each once, in the run's order. */
export function parseSections(list: string): BenchSection[] {
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const unknown = names.filter((name) => !isBenchSection(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new BenchFailure(
      `--only takes a comma-separated list of ${BENCH_SECTIONS.join(", ")}; got "${list}"`,
    );
  }
  return BENCH_SECTIONS.filter((section) => names.includes(section));
}
