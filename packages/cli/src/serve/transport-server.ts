import type { ChatService, ServerLogger } from "@chat/core";
import { GrpcServer } from "@chat/grpc";
import { WireServer } from "@chat/wire";
import type { TransportName } from "./serve-options.js";

/** The address a listener really bound. */
export interface BoundAddress {
  readonly host: string;
  readonly port: number;
}

/** What the CLI needs of a transport's server; `WireServer` and `GrpcServer` both offer it. */
export interface TransportServer {
  /** Starts listening; port 0 picks a free port, and the result says which. */
  listen(options: { host: string; port: number }): Promise<BoundAddress>;
  /** Stops accepting, lets in-flight requests finish, and ends every connection. */
  close(): Promise<void>;
}

/** Creates the server of one transport in front of the shared service. */
export function createTransportServer(
  transport: TransportName,
  service: ChatService,
  logger: ServerLogger,
): TransportServer {
  return transport === "wire" ? new WireServer(service, { logger }) : new GrpcServer(service, { logger });
}
