import { connect } from "node:net";
import { HTTP2_FRAME_HEADER_BYTES, HTTP2_SETTINGS_FRAME } from "@chat/grpc/framing";

/**
 * How long the probe listens for a server that speaks first. An HTTP/2 (gRPC) server sends its SETTINGS
 * frame as soon as the connection opens, within a few milliseconds on any reachable host; a wire server
 * waits for the client's hello and so stays silent.
 */
export const PROBE_LISTEN_MS = 400;
/** How long the probe waits for the TCP connection itself before calling the port unreachable. */
export const PROBE_CONNECT_TIMEOUT_MS = 5_000;

/** What is listening on a port, as far as opening a connection and listening tells. */
export type PortProbe =
  /** An HTTP/2 server, which a gRPC server is. */
  | { readonly kind: "http2" }
  /** Something that waits for the client to speak first, as the wire protocol's server does. */
  | { readonly kind: "silent" }
  /** A server that spoke first, but not HTTP/2. */
  | { readonly kind: "other" }
  /** The connection could not be made (refused, unresolvable, unreachable, timed out). */
  | { readonly kind: "unreachable"; readonly error: Error };

/** Whether the first bytes a server sent are an HTTP/2 SETTINGS frame on stream 0. */
export function isHttp2Settings(bytes: Buffer): boolean {
  return (
    bytes.length >= HTTP2_FRAME_HEADER_BYTES &&
    bytes[3] === HTTP2_SETTINGS_FRAME &&
    bytes.readUInt32BE(5) === 0
  );
}

/**
 * Opens a TCP connection, sends nothing and listens for {@link PROBE_LISTEN_MS}: enough to tell a gRPC
 * port from a wire port without speaking either protocol, so `chat-cli connect` can say "that port speaks
 * gRPC" instead of timing out, and fail as fast on a closed port over gRPC as over the wire.
 */
export function probePort(host: string, port: number): Promise<PortProbe> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: PortProbe): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    timer = setTimeout(
      () =>
        finish({
          kind: "unreachable",
          error: Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" }),
        }),
      PROBE_CONNECT_TIMEOUT_MS,
    );
    socket.once("connect", () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ kind: received.length === 0 ? "silent" : "other" }), PROBE_LISTEN_MS);
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= HTTP2_FRAME_HEADER_BYTES) {
        finish({ kind: isHttp2Settings(received) ? "http2" : "other" });
      }
    });
    socket.once("error", (error) => finish({ kind: "unreachable", error }));
    // Closed before saying anything: not HTTP/2, which always sends SETTINGS first.
    socket.once("close", () => finish({ kind: "other" }));
  });
}
