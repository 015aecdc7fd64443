import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import {
  HTTP2_CONTINUATION_FRAME,
  HTTP2_END_HEADERS_FLAG,
  HTTP2_FRAME_HEADER_BYTES,
  HTTP2_HEADERS_FRAME,
  HTTP2_PREFACE_BYTES,
} from "../framing.js";

/**
 * A TCP proxy for tests that adds one header field to every request an HTTP/2 client sends, the way a
 * hostile client would: each client HEADERS block gets a CONTINUATION frame carrying `name: value` as an
 * HPACK literal without indexing (RFC 7541 §6.2.2, no Huffman coding), so the server sees the header twice
 * when the client sent it too. Node's own client refuses to send a single-value header such as
 * `authorization` twice; this lets a real grpc-js client drive the attack. Responses pass unchanged.
 */
export class HeaderAppendingProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly targetPort: number,
    private readonly field: Buffer,
  ) {
    this.server = createServer((client) => this.relay(client));
  }

  /** Listens on 127.0.0.1 and relays to `targetPort`, adding `name: value` to every request. */
  static async start(targetPort: number, name: string, value: string): Promise<HeaderAppendingProxy> {
    const proxy = new HeaderAppendingProxy(targetPort, literalField(name, value));
    await new Promise<void>((resolve) => proxy.server.listen({ host: "127.0.0.1", port: 0 }, resolve));
    return proxy;
  }

  /** The port clients connect to. */
  get port(): number {
    const address = this.server.address();
    if (typeof address !== "object" || address === null) throw new Error("the proxy is not listening");
    return address.port;
  }

  /** Stops listening and cuts every relayed connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = tcpConnect({ host: "127.0.0.1", port: this.targetPort });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("error", () => {});
      socket.once("close", () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    let pending = Buffer.alloc(0);
    let prefaceLeft = HTTP2_PREFACE_BYTES;
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (prefaceLeft > 0) {
        const preface = pending.subarray(0, Math.min(prefaceLeft, pending.length));
        upstream.write(preface);
        prefaceLeft -= preface.length;
        pending = pending.subarray(preface.length);
      }
      while (pending.length >= HTTP2_FRAME_HEADER_BYTES) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < HTTP2_FRAME_HEADER_BYTES + length) break;
        const frame = Buffer.from(pending.subarray(0, HTTP2_FRAME_HEADER_BYTES + length));
        pending = pending.subarray(HTTP2_FRAME_HEADER_BYTES + length);
        upstream.write(this.rewrite(frame));
      }
    });
  }

  /** A frame as sent on: a request's last header frame loses END_HEADERS and gains our CONTINUATION. */
  private rewrite(frame: Buffer): Buffer {
    const type = frame[3];
    const flags = frame[4] ?? 0;
    const endsHeaders =
      (type === HTTP2_HEADERS_FRAME || type === HTTP2_CONTINUATION_FRAME) && flags & HTTP2_END_HEADERS_FLAG;
    if (!endsHeaders) return frame;
    frame[4] = flags & ~HTTP2_END_HEADERS_FLAG;
    const continuation = Buffer.alloc(HTTP2_FRAME_HEADER_BYTES);
    continuation.writeUIntBE(this.field.length, 0, 3);
    continuation[3] = HTTP2_CONTINUATION_FRAME;
    continuation[4] = HTTP2_END_HEADERS_FLAG;
    frame.copy(continuation, 5, 5, 9);
    return Buffer.concat([frame, continuation, this.field]);
  }
}

/** `name: value` as an HPACK literal header field without indexing, new name, raw (not Huffman) strings. */
function literalField(name: string, value: string): Buffer {
  const nameBytes = Buffer.from(name, "latin1");
  const valueBytes = Buffer.from(value, "latin1");
  // One-byte lengths (7-bit prefix, H = 0) keep the encoder trivial.
  if (nameBytes.length > 126 || valueBytes.length > 126)
    throw new RangeError("header too long for the test proxy");
  return Buffer.concat([
    Buffer.from([0x00, nameBytes.length]),
    nameBytes,
    Buffer.from([valueBytes.length]),
    valueBytes,
  ]);
}
