import type { ChatConnection, ChatService } from "@chat/core";
import type { ServerUnaryCall } from "@grpc/grpc-js";

/** The address part of a grpc-js peer (`1.2.3.4:5678`, `::1:5678`), or `undefined` when it has none. */
export function peerAddressOf(call: Pick<ServerUnaryCall<unknown, unknown>, "getPeer">): string | undefined {
  const peer = call.getPeer();
  const colon = peer.lastIndexOf(":");
  if (colon <= 0 || !/^\d+$/.test(peer.slice(colon + 1))) return peer === "unknown" ? undefined : peer;
  return peer.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
}

/** A `ChatConnection` tied to one unary call; see {@link callConnection}. */
export interface CallConnection {
  readonly connection: ChatConnection;
  /** Unties the connection from the call: a cancel from now on leaves it open (a login's new session). */
  keep(): void;
}

/**
 * A `ChatConnection` for one unary call: it counts under the call's peer address, and closes when the
 * call is cancelled (the client gave up, or its deadline passed), so core skips the work still queued for
 * it (the password hash of a login or registration).
 */
export function callConnection(
  service: ChatService,
  call: ServerUnaryCall<unknown, unknown>,
): CallConnection {
  const address = peerAddressOf(call);
  const connection = service.connect(
    address === undefined ? { transport: "grpc" } : { transport: "grpc", peerAddress: address },
  );
  const cancelled = (): void => connection.close();
  if (call.cancelled) connection.close();
  else call.once("cancelled", cancelled);
  return { connection, keep: () => call.off("cancelled", cancelled) };
}
