import {
  ChatService,
  createScryptHasher,
  type Store,
  type TransportAddress,
  type TransportServer,
} from "@chat/core";
import { TEST_SCRYPT_PARAMETERS } from "@chat/core/testing/hashing";
import type { Logger } from "pino";
import { CliFailure } from "../cli-failure.js";
import { describeNetworkError } from "../network-error.js";
import { formatAddress } from "../option-parsers.js";
import { readServerTls } from "../tls/tls-files.js";
import { DEFAULT_TRANSPORT, type TransportName, transportNamed } from "../transports/registry.js";
import { ChatMetrics } from "./metrics.js";
import { MetricsServer } from "./metrics-server.js";
import { openSessionDirectory, openStore, redactedUrl } from "./open-store.js";
import { type ServeOptions, type StorageChoice, transportsOf } from "./serve-options.js";

/** How long a graceful shutdown waits for the listeners to drain before closing the service regardless. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** One started listener and the address it really bound. */
export interface Listener extends TransportAddress {
  readonly transport: TransportName;
  /** The extra plaintext listener of `--plain-port`, next to TLS ones. */
  readonly plaintext?: true;
}

/** A started server: its listeners, and how to stop it. */
export interface RunningServer {
  /** Every listener, in start order (the registry's: wire before gRPC). */
  readonly listeners: readonly Listener[];
  /** Where the metrics endpoint listens, when `--metrics-port` was given. */
  readonly metrics?: TransportAddress;
  /**
   * Shuts down gracefully: the listeners stop accepting and finish in-flight requests, then the service
   * ends every session, then the store flushes and closes. Resolves to false when the listeners did not
   * drain within {@link SHUTDOWN_GRACE_MS} (the service and store are closed anyway, so no data is lost).
   */
  close(): Promise<boolean>;
}

function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.then(() => true), deadline]).finally(() => clearTimeout(timer));
}

async function stopAll(
  servers: readonly Pick<TransportServer, "close">[],
  service: ChatService,
  store: Store,
  logger: Logger,
): Promise<boolean> {
  const results = Promise.allSettled(servers.map((server) => server.close())).then((settled) => {
    for (const result of settled) {
      if (result.status === "rejected")
        logger.error({ err: result.reason }, "listener did not close cleanly");
    }
  });
  const drained = await withDeadline(results, SHUTDOWN_GRACE_MS);
  if (!drained)
    logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, "listeners did not drain in time; closing anyway");
  // Sessions end only after the listeners have finished their in-flight requests, so no request that was
  // accepted fails with "shutting down"; the store closes last so every accepted write is flushed.
  await service.close();
  await store.close();
  return drained;
}

function storeLogFields(storage: StorageChoice): Record<string, string> {
  if (storage.kind === "sqlite") return { store: "sqlite", path: storage.path };
  if (storage.kind === "redis") return { store: "redis", url: redactedUrl(storage.url) };
  return { store: "memory" };
}

/**
 * Opens the store, puts one {@link ChatService} on it and starts the chosen listeners in front of it. A
 * store that cannot be opened or a port that cannot be bound is a {@link CliFailure}, after everything
 * already started has been stopped again.
 */
export async function startServer(options: ServeOptions, logger: Logger): Promise<RunningServer> {
  // Read and checked first: a bad certificate fails before the store is opened or a port bound.
  const tls = options.tls === undefined ? undefined : await readServerTls(options.tls);
  const store = await openStore(options.storage);
  logger.info(storeLogFields(options.storage), "store opened");
  if (options.storage.kind === "redis" && options.storage.unsafe) {
    logger.warn({}, "--redis-unsafe: Redis settings are not checked; acknowledged sends may be lost");
  }
  if (options.insecureTestHashing) {
    logger.warn({}, "insecure test password hashing: never use for real accounts");
  }
  const metrics = options.metrics === undefined ? undefined : new ChatMetrics();
  const directory = await openSessionDirectory(store);
  const service = new ChatService({
    store,
    ...(directory ? { directory } : {}),
    ...(metrics === undefined ? {} : { observer: metrics.observer }),
    ...(options.insecureTestHashing
      ? { hasher: createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS }) }
      : {}),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.maxBacklog === undefined ? {} : { maxBacklog: options.maxBacklog }),
    onError: (error) => logger.error({ err: error }, "service error"),
  });
  metrics?.track(service, store);
  const servers: Pick<TransportServer, "close">[] = [];
  const listeners: Listener[] = [];
  // Every transport's listener speaks TLS when asked (its descriptor carries it); `--plain-port` adds a
  // plaintext listener of the default transport last, for clients that cannot do TLS.
  const planned = transportsOf(options.transport).map((transport) => ({
    transport,
    port: options.ports[transport],
    tls,
  }));
  if (options.plainPort !== undefined) {
    planned.push({ transport: DEFAULT_TRANSPORT, port: options.plainPort, tls: undefined });
  }
  for (const { transport, port, tls: serverTls } of planned) {
    const plaintext = tls !== undefined && serverTls === undefined;
    const server = transportNamed(transport).createServer(service, {
      logger: logger.child(plaintext ? { transport, plaintext } : { transport }),
      ...(serverTls === undefined ? {} : { tls: serverTls }),
    });
    try {
      const bound = await server.listen({ host: options.host, port });
      servers.push(server);
      listeners.push({ transport, host: bound.host, port: bound.port, ...(plaintext ? { plaintext } : {}) });
    } catch (error) {
      await stopAll(servers, service, store, logger);
      const address = formatAddress(options.host, port);
      const reason = describeNetworkError(error);
      throw new CliFailure(`cannot listen on ${address} (${transport}): ${reason}`, undefined, {
        cause: error,
      });
    }
  }
  let metricsAddress: TransportAddress | undefined;
  if (metrics !== undefined && options.metrics !== undefined) {
    const endpoint = new MetricsServer(metrics.registry);
    try {
      metricsAddress = await endpoint.listen(options.metrics);
      servers.push(endpoint);
    } catch (error) {
      await stopAll(servers, service, store, logger);
      const address = formatAddress(options.metrics.host, options.metrics.port);
      throw new CliFailure(
        `cannot listen on ${address} (metrics): ${describeNetworkError(error)}`,
        undefined,
        {
          cause: error,
        },
      );
    }
    logger.info({ host: metricsAddress.host, port: metricsAddress.port }, "metrics endpoint listening");
  }
  let closing: Promise<boolean> | undefined;
  return {
    listeners,
    ...(metricsAddress === undefined ? {} : { metrics: metricsAddress }),
    close: () => {
      closing ??= stopAll(servers, service, store, logger);
      return closing;
    },
  };
}
