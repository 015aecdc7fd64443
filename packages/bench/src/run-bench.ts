import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TransportName } from "@chat/cli";
import { baselineRatios, messageBytesOf, targetChecks } from "./baseline-ratios.js";
import { type BenchProfile, FULL_PROFILE, QUICK_PROFILE } from "./bench-profile.js";
import type {
  BenchResults,
  LoadResult,
  OperationBytes,
  PaddleResult,
  RelayResult,
  StoreResult,
} from "./bench-results.js";
import { BENCH_SECTIONS, type BenchSection } from "./bench-sections.js";
import { transportOf, VARIANT_LABELS, VARIANTS } from "./bench-variant.js";
import { chatLoad } from "./chat-load.js";
import { chatPaddle, PADDLE_CONTENT_BYTES, type PaddleBounds } from "./chat-paddle.js";
import { chatRelay, RELAY_CONTENT_BYTES, type RelaySettings } from "./chat-relay.js";
import { grpcBaselinePaddle, grpcBaselineRelay, grpcUnaryEcho } from "./grpc-baseline-client.js";
import { machineFacts } from "./machine-facts.js";
import { markdownReport } from "./markdown-report.js";
import { netPingPong, netRelay } from "./net-baseline-client.js";
import { measurePayloadSizes } from "./payload-sizes.js";
import { integer } from "./report-format.js";
import { redisServerVersion, runScaleOut } from "./run-scale-out.js";
import { scaleOutTargets } from "./scale-out-report.js";
import type { ServerKind } from "./server-kind.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { measureStores } from "./store-throughput.js";
import { svgChart } from "./svg-chart.js";
import { measureTlsCost, requireOpenssl, TLS_RELAY_PAIRS } from "./tls-cost.js";

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** A short smoke run (every section, tiny durations) instead of the full measurement. */
  readonly quick?: boolean;
  /** The sections to run (`--only`); every one of {@link BENCH_SECTIONS} when absent. */
  readonly sections?: readonly BenchSection[];
  /** Where to write the results as JSON. */
  readonly jsonPath?: string;
  /** Where to write the SVG chart. */
  readonly svgPath?: string;
  /** The server child entry; default `bench-server.js` next to this module (in `dist/`). */
  readonly serverEntry?: string;
  /** A directory for V8 CPU profiles of the server processes (`node --cpu-prof`); none when absent. */
  readonly cpuProfileDir?: string;
  /** Where progress lines go; default stderr. */
  readonly progress?: (line: string) => void;
}

function defaultServerEntry(): string {
  return fileURLToPath(new URL("./bench-server.js", import.meta.url));
}

/**
 * Runs the whole bench: every server in a child process, this process as the load generator, all traffic
 * on 127.0.0.1, every loop bounded in count and time. Writes JSON and SVG when asked and resolves with the
 * results (the caller prints {@link markdownReport}).
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResults> {
  const profile: BenchProfile = options.quick ? QUICK_PROFILE : FULL_PROFILE;
  const sections = BENCH_SECTIONS.filter((section) => (options.sections ?? BENCH_SECTIONS).includes(section));
  // A missing redis-server is reported before anything runs, not after minutes of other sections.
  if (sections.includes("scale-out")) await redisServerVersion();
  if (sections.includes("tls")) await requireOpenssl();
  const began = performance.now();
  const startedAt = new Date().toISOString();
  const log = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress = (line: string): void =>
    log(`[bench ${((performance.now() - began) / 1000).toFixed(1)}s] ${line}`);
  const entry = options.serverEntry ?? defaultServerEntry();
  const nodeArgs = options.cpuProfileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.cpuProfileDir)}`]
    : [];
  const withServer = async <T>(kind: ServerKind, work: (server: ServerProcess) => Promise<T>): Promise<T> => {
    const server = await startServerProcess(entry, kind, nodeArgs);
    try {
      return await work(server);
    } finally {
      await server.stop();
    }
  };
  const bounds: PaddleBounds = {
    warmup: profile.paddleWarmup,
    durationMs: profile.paddleMs,
    maxRoundTrips: profile.paddleMaxRoundTrips,
  };
  const relaySettings = (pairs: number): RelaySettings => ({
    pairs,
    window: profile.relayWindow,
    warmupMs: profile.relayWarmupMs,
    durationMs: profile.relayMs,
  });
  const payload: OperationBytes[] = [];
  const paddle: PaddleResult[] = [];
  const relay: RelayResult[] = [];
  const load: LoadResult[] = [];
  const reportPaddle = (result: PaddleResult): void => {
    paddle.push(result);
    progress(
      `${result.name}: ${integer(result.roundTripsPerSecond)} round trips/s, p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms`,
    );
  };
  const reportRelay = (result: RelayResult): void => {
    relay.push(result);
    progress(`${result.name}, ${result.pairs} pairs: ${integer(result.messagesPerSecond)} msgs/s`);
  };

  progress(`${profile.name} run of ${sections.join(", ")}; servers from ${entry}`);

  const baselines: Record<TransportName, () => Promise<void>> = {
    wire: async () => {
      progress("baseline: bare node:net");
      await withServer("net", async (server) => {
        reportPaddle(await netPingPong(server.port("pingPong"), bounds));
        for (const pairs of profile.relayPairs)
          reportRelay(await netRelay(server.port("relay"), relaySettings(pairs)));
      });
    },
    grpc: async () => {
      progress("baseline: bare grpc-js");
      await withServer("grpc-baseline", async (server) => {
        reportPaddle(await grpcUnaryEcho(server.port("grpc"), PADDLE_CONTENT_BYTES, bounds));
        reportPaddle(await grpcBaselinePaddle(server.port("grpc"), PADDLE_CONTENT_BYTES, bounds));
        for (const pairs of profile.relayPairs) {
          reportRelay(
            await grpcBaselineRelay(server.port("grpc"), RELAY_CONTENT_BYTES, relaySettings(pairs)),
          );
        }
      });
    },
  };

  // Each transport's variants run right after its own baseline, so a change in background load on a shared
  // machine skews a ratio as little as possible.
  let baselineRan: TransportName | undefined;
  for (const variant of sections.includes("transports") ? VARIANTS : []) {
    const transport = transportOf(variant);
    if (baselineRan !== transport) {
      await baselines[transport]();
      baselineRan = transport;
    }
    const label = VARIANT_LABELS[variant];
    progress(`${label}: payload sizes`);
    await withServer("chat", async (server) => {
      const rows = await measurePayloadSizes(variant, server.port(transport), profile.listAccounts);
      payload.push(...rows);
      for (const size of [1, 512]) {
        const bytes = messageBytesOf(rows, variant, size);
        if (bytes !== undefined)
          progress(`${label}: a ${size}-byte message sent and delivered = ${bytes} B on the socket`);
      }
      progress(`${label}: paddle`);
      const result = await chatPaddle(variant, server.port(transport), bounds);
      reportPaddle(result);
      progress(`${label}: the client ran with ${result.ranAs ?? "?"}`);
    });
    progress(`${label}: relay`);
    await withServer("chat", async (server) => {
      for (const pairs of profile.relayPairs) {
        reportRelay(await chatRelay(variant, server.port(transport), relaySettings(pairs), String(pairs)));
      }
    });
    progress(`${label}: latency under load`);
    await withServer("chat", async (server) => {
      load.push(
        await chatLoad(
          variant,
          server.port(transport),
          profile.loadRates[variant],
          { pairs: profile.loadPairs, warmupMs: profile.loadWarmupMs, durationMs: profile.loadMs },
          "load",
          (step) =>
            progress(
              `${label} at ${integer(step.offeredPerSecond)}/s offered: delivered ${integer(step.deliveredPerSecond)}/s, p50 ${step.latency.p50Ms} ms, p99 ${step.latency.p99Ms} ms, p999 ${step.latency.p999Ms} ms${step.saturated ? " (saturated)" : ""}`,
            ),
        ),
      );
    });
  }

  if (sections.includes("tls")) progress("TLS cost: plaintext and TLS servers, back to back");
  const tls = sections.includes("tls")
    ? await measureTlsCost({
        bounds,
        relay: relaySettings(TLS_RELAY_PAIRS),
        startServer: (kind, args) => startServerProcess(entry, kind, nodeArgs, args),
        progress,
      })
    : undefined;

  if (sections.includes("stores"))
    progress(`stores: ${integer(profile.storeMessages)} messages, append then drain`);
  const stores: StoreResult[] = sections.includes("stores") ? await measureStores(profile.storeMessages) : [];
  for (const store of stores) {
    progress(
      `${store.store}: append ${integer(store.appendPerSecond)}/s, drain ${integer(store.drainPerSecond)}/s`,
    );
  }

  const scaleOut = sections.includes("scale-out")
    ? await runScaleOut({ profile: profile.name, serverEntry: entry, nodeArgs, progress })
    : undefined;

  const inputs = { paddle, relay, load, payload };
  const results: BenchResults = {
    version: 2,
    profile: profile.name,
    sections,
    startedAt,
    durationMs: Math.round(performance.now() - began),
    machine: machineFacts(),
    payload,
    paddle,
    relay,
    load,
    stores,
    ...(tls ? { tls } : {}),
    ...(scaleOut ? { scaleOut } : {}),
    commonLoadRate: profile.commonLoadRate,
    ratios: baselineRatios(inputs),
    targets: [...targetChecks(inputs), ...(scaleOut ? scaleOutTargets(scaleOut) : [])],
  };
  if (options.jsonPath) await writeOutput(options.jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  if (options.svgPath) await writeOutput(options.svgPath, svgChart(results));
  progress("done");
  return results;
}

async function writeOutput(path: string, content: string): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, content);
}
