import {
  type ChatService,
  type ChatServiceOptions,
  createScryptHasher,
  type PasswordHasher,
} from "@chat/core";
import {
  type ConformanceServer,
  createTestService,
  PASSWORD,
  SourceAddressRelays,
  TEST_SCRYPT_PARAMETERS,
} from "@chat/core/testing";
import {
  type CallOptions,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";
import { afterEach } from "vitest";
import { ChatServiceClient } from "../gen/chat/v1/chat.js";
import { GrpcClient, type GrpcClientOptions } from "../grpc-client.js";
import { GrpcServer, type GrpcServerOptions } from "../grpc-server.js";

/**
 * A gRPC server in front of `service` for the conformance suite, with clients made with `clientOptions`
 * (the suite runs once per way of calling). Clients of the per-address tests come from other loopback
 * addresses through relays.
 */
export async function startGrpcConformanceServer(
  service: ChatService,
  clientOptions: Omit<GrpcClientOptions, "host" | "port">,
): Promise<ConformanceServer> {
  const server = new GrpcServer(service, { shutdownTimeoutMs: 1000 });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const open = async (to: number): Promise<GrpcClient> => {
    const client = new GrpcClient({ ...clientOptions, host: "127.0.0.1", port: to });
    await client.connect();
    return client;
  };
  return SourceAddressRelays.conformanceServer(port, open, () => server.close());
}

/** A server on 127.0.0.1 with a fresh service, and a raw generated client that bypasses `GrpcClient`. */
export interface TestBed {
  readonly service: ChatService;
  readonly server: GrpcServer;
  readonly port: number;
  /** The ts-proto client with permissive limits, to send what `GrpcClient` never would. */
  readonly raw: ChatServiceClient;
  /** Closes the raw client, the server and the service. */
  close(): Promise<void>;
}

/** What a {@link TestBed}'s server and service are made with, over the tests' defaults. */
export interface TestBedOptions {
  readonly server?: GrpcServerOptions;
  readonly service?: Partial<ChatServiceOptions>;
}

/** Starts a {@link TestBed}. Tests only: it listens on 127.0.0.1 on a free port. */
export async function startTestBed(options: TestBedOptions = {}): Promise<TestBed> {
  const service = createTestService(options.service);
  const server = new GrpcServer(service, { shutdownTimeoutMs: 500, ...options.server });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const raw = new ChatServiceClient(`127.0.0.1:${port}`, credentials.createInsecure(), {
    "grpc.max_send_message_length": 1024 * 1024,
    "grpc.max_receive_message_length": 1024 * 1024,
  });
  return {
    service,
    server,
    port,
    raw,
    close: async () => {
      raw.close();
      await server.close();
      await service.close();
    },
  };
}

/**
 * {@link startTestBed} for a test file that starts beds in its tests: call it once at the top of the file;
 * every bed the returned function starts is closed after the test that started it.
 */
export function closedAfterEachTest(): (options?: TestBedOptions) => Promise<TestBed> {
  const beds: TestBed[] = [];
  afterEach(async () => {
    await Promise.all(beds.splice(0).map((bed) => bed.close()));
  });
  return async (options) => {
    const bed = await startTestBed(options);
    beds.push(bed);
    return bed;
  };
}

/** `authorization: Bearer <token>` metadata. */
export function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

/** Calls a raw unary method; rejects with the grpc-js `ServiceError` (code and details untouched). */
export function unary<Request, Response>(
  method: (
    request: Request,
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (error: ServiceError | null, response: Response) => void,
  ) => ClientUnaryCall,
  request: Request,
  metadata: Metadata = new Metadata(),
  options: Partial<CallOptions> = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    method(request, metadata, options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/** Registers `username` (unless told not to) and logs in over the raw client; resolves with the token. */
export async function rawLogin(bed: TestBed, username: string, register = true): Promise<string> {
  const { raw } = bed;
  if (register) await unary(raw.register.bind(raw), { username, password: PASSWORD });
  const reply = await unary(raw.login.bind(raw), { username, password: PASSWORD });
  return reply.token;
}

/** The test hasher with `delayMs` added to every verification: a login that takes a known while. */
export function slowHasher(delayMs: number): PasswordHasher {
  const inner = createScryptHasher({ parameters: TEST_SCRYPT_PARAMETERS });
  const pause = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  return {
    hash: (password) => inner.hash(password),
    verify: async (password, stored) => {
      await pause();
      return inner.verify(password, stored);
    },
    verifyNothing: (password) => inner.verifyNothing(password),
  };
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
