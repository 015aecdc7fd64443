import { connect as connectTcp } from "node:net";
import { connect as connectTls } from "node:tls";

/** The first byte of a TLS alert record (RFC 8446, section 5.1): what a TLS server may answer garbage with. */
export const TLS_ALERT_RECORD = 0x15;

/**
 * Offers only TLS 1.0–1.1 to a TLS port and resolves with the handshake's error (the caller checks it is
 * the server's `protocol_version` alert, not a client that could not offer those versions); rejects if a
 * handshake succeeds. `alpn` names the protocols to offer (gRPC servers want `h2`).
 */
export function oldTlsHandshakeFailure(
  port: number,
  ca: string,
  alpn?: readonly string[],
): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({
      host: "127.0.0.1",
      port,
      ca,
      ...(alpn ? { ALPNProtocols: [...alpn] } : {}),
      minVersion: "TLSv1",
      maxVersion: "TLSv1.1",
      // OpenSSL 3 needs security level 0 to even offer TLS 1.1; what is under test is the server's answer.
      ciphers: "DEFAULT@SECLEVEL=0",
    });
    socket.once("secureConnect", () => {
      socket.destroy();
      reject(new Error(`a ${socket.getProtocol()} handshake succeeded`));
    });
    socket.once("error", resolve);
  });
}

/**
 * Opens a plain TCP connection to `port`, writes `bytes` (nothing when undefined) and resolves with every
 * byte the server sent once it closed the connection; rejects if it is still open after `timeoutMs`.
 */
export function plaintextAnswer(
  port: number,
  bytes: string | Uint8Array | undefined,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connectTcp({ host: "127.0.0.1", port }, () => {
      if (bytes !== undefined) socket.write(bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("the server kept the plaintext connection open"));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}
