import type { Server } from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";

/** The fully qualified name health checks ask about for the chat itself. */
export const CHAT_SERVICE_NAME = "chat.v1.ChatService";

/**
 * The services the health service reports on: the server as a whole (the empty name, what load balancers
 * and `grpc_health_probe` ask by default) and the chat service.
 */
const HEALTH_SERVICE_NAMES = ["", CHAT_SERVICE_NAME] as const;

/**
 * The standard gRPC health checking protocol (`grpc.health.v1.Health`, `Check` and `Watch`) on the chat's
 * port, through the grpc-health-check package: `SERVING` while the server runs, `NOT_SERVING` from the
 * moment it starts shutting down, so orchestrators stop routing to it before the port closes.
 */
export class ChatHealth {
  private readonly health = new HealthImplementation(
    Object.fromEntries(HEALTH_SERVICE_NAMES.map((name) => [name, "SERVING" satisfies ServingStatus])),
  );

  /** Registers the health service on `server`. */
  addTo(server: Server): void {
    this.health.addToServer(server);
  }

  /** Reports every service as not serving (and tells `Watch` callers) because the server is shutting down. */
  shuttingDown(): void {
    for (const name of HEALTH_SERVICE_NAMES) this.health.setStatus(name, "NOT_SERVING");
  }
}
