import { ChatService, createScryptHasher, MemoryStore } from "@chat/core";
import { TEST_SCRYPT_PARAMETERS } from "@chat/core/testing/hashing";
import { GrpcServer } from "@chat/grpc";
import { WireServer } from "@chat/wire";

/** The chat server under test: one service on a memory store, behind both transports. */
export interface ChatBenchServer {
  readonly wirePort: number;
  readonly grpcPort: number;
  close(): Promise<void>;
}

/**
 * Starts the production server code (`ChatService`, `WireServer`, `GrpcServer`) on 127.0.0.1. The store
 * is in memory so the transports, not the disk, are what is measured (the store has its own section),
 * and passwords are hashed with the cheap test scrypt parameters so that registering a thousand accounts
 * for the listing measurement does not dominate the run. Nothing else differs from `chat-cli serve`.
 */
export async function startChatBenchServer(): Promise<ChatBenchServer> {
  const store = new MemoryStore();
  const service = new ChatService({
    store,
    hasher: createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS }),
  });
  const wire = new WireServer(service, {});
  const grpc = new GrpcServer(service, { reflection: false });
  const wireAddress = await wire.listen({ host: "127.0.0.1", port: 0 });
  const grpcAddress = await grpc.listen({ host: "127.0.0.1", port: 0 });
  return {
    wirePort: wireAddress.port,
    grpcPort: grpcAddress.port,
    close: async () => {
      await Promise.allSettled([wire.close(), grpc.close()]);
      await service.close();
      await store.close();
    },
  };
}
