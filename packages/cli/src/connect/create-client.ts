import type { ChatClient } from "@chat/core";
import { GrpcClient } from "@chat/grpc";
import { WireClient } from "@chat/wire";

/** The transports `chat-cli connect` can speak. */
export const CONNECT_TRANSPORTS = ["wire", "grpc"] as const;

/** One of {@link CONNECT_TRANSPORTS}. */
export type ConnectTransport = (typeof CONNECT_TRANSPORTS)[number];

/** Creates (without connecting) a client of the given transport; the prompt never needs to know which. */
export function createClient(transport: ConnectTransport, host: string, port: number): ChatClient {
  return transport === "wire" ? new WireClient({ host, port }) : new GrpcClient({ host, port });
}
