import type { Http2SecureServer, Http2Server } from "node:http2";
import type { Server, ServerCredentials } from "@grpc/grpc-js";

/** An HTTP/2 server grpc-js made for one of its ports. */
export type GrpcHttp2Server = Http2Server | Http2SecureServer;

/** The one grpc-js method the hook wraps; not part of grpc-js's typed API. */
interface Http2ServerFactory {
  createHttp2Server?: (credentials: ServerCredentials) => GrpcHttp2Server;
}

/**
 * Calls `created` with every HTTP/2 server `server` creates (one per bound address), before it accepts a
 * connection. grpc-js offers no public hook at the socket level, and the connection caps, the preface
 * deadline and the duplicate-header check all need one; so this wraps grpc-js's own `createHttp2Server`
 * on this one instance (grpc-js 1.14, pinned in the lockfile). It fails closed: if a grpc-js upgrade
 * removes the method, the server refuses to start rather than run without its limits, and the tests of
 * `connection-guard.test.ts` fail.
 */
export function onHttp2ServerCreated(server: Server, created: (http2Server: GrpcHttp2Server) => void): void {
  const factory = server as unknown as Http2ServerFactory;
  const original = factory.createHttp2Server;
  if (typeof original !== "function") {
    throw new Error("this grpc-js has no createHttp2Server: the gRPC connection limits cannot be enforced");
  }
  factory.createHttp2Server = (credentials) => {
    const http2Server = original.call(server, credentials);
    created(http2Server);
    return http2Server;
  };
}
