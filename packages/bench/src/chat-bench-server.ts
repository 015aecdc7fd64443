import { TRANSPORTS, type TransportName } from "@chat/cli";
import {
  ChatService,
  createScryptHasher,
  MemoryStore,
  NO_ABUSE_LIMITS,
  type ServerTlsOptions,
  type TransportServer,
} from "@chat/core";
import { TEST_SCRYPT_PARAMETERS } from "@chat/core/testing/hashing";

/** Connections the bench may open from its one address (127.0.0.1): far above the 128 of 64 relay pairs. */
export const BENCH_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

/** The chat server under test: one service on a memory store, behind every transport. */
export interface ChatBenchServer {
  /** The port each transport listens on. */
  readonly ports: Readonly<Record<TransportName, number>>;
  close(): Promise<void>;
}

/**
 * Starts the production server code on 127.0.0.1: a `ChatService` behind every transport of the CLI's
 * registry, each made by its descriptor exactly as `chat-cli serve` makes it. The store is in memory so the
 * transports, not the disk, are what is measured (the store has its own section), and passwords are hashed
 * with the cheap test scrypt parameters so that registering a thousand accounts for the listing
 * measurement does not dominate the run. The abuse limits refuse nothing (`NO_ABUSE_LIMITS`: their checks
 * still run, so their cost is measured), since the bench floods from one address and a few sessions on
 * purpose; for the same reason the per-address connection cap is raised to
 * {@link BENCH_MAX_CONNECTIONS_PER_ADDRESS}. Nothing else differs from `chat-cli serve`. With `tls` (the
 * bench's TLS section) every listener speaks TLS.
 */
export async function startChatBenchServer(tls?: ServerTlsOptions): Promise<ChatBenchServer> {
  const store = new MemoryStore();
  const service = new ChatService({
    store,
    hasher: createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS }),
    limits: NO_ABUSE_LIMITS,
  });
  const servers: TransportServer[] = [];
  const ports: Partial<Record<TransportName, number>> = {};
  for (const transport of TRANSPORTS) {
    // With `tls`, every transport speaks TLS: the descriptor carries it, as for `chat-cli serve --tls-cert`.
    const server = transport.createServer(service, {
      maxConnectionsPerAddress: BENCH_MAX_CONNECTIONS_PER_ADDRESS,
      ...(tls === undefined ? {} : { tls }),
    });
    servers.push(server);
    ports[transport.name] = (await server.listen({ host: "127.0.0.1", port: 0 })).port;
  }
  return {
    // Every transport of the registry was set in the loop above.
    ports: ports as Record<TransportName, number>,
    close: async () => {
      await Promise.allSettled(servers.map((server) => server.close()));
      await service.close();
      await store.close();
    },
  };
}
