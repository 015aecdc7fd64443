import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServerWritableStream,
} from "@grpc/grpc-js";
import { GRPC_BASELINE_METHODS, GRPC_BASELINE_REPLY_BYTES } from "./grpc-baseline-service.js";

/** A running baseline gRPC server. */
export interface GrpcBaselineServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the bare grpc-js baseline service on a free loopback port. */
export async function startGrpcBaselineServer(): Promise<GrpcBaselineServer> {
  const subscribers = new Map<number, ServerWritableStream<Buffer, Buffer>>();
  const echo: handleUnaryCall<Buffer, Buffer> = (call, callback) => callback(null, call.request);
  const send: handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    const pair = call.request.readUInt16BE(0);
    subscribers.get(pair)?.write(call.request.subarray(2));
    callback(null, Buffer.alloc(GRPC_BASELINE_REPLY_BYTES));
  };
  const subscribe: handleServerStreamingCall<Buffer, Buffer> = (call) => {
    const pair = call.request.readUInt16BE(0);
    subscribers.set(pair, call);
    const forget = (): void => {
      if (subscribers.get(pair) === call) subscribers.delete(pair);
    };
    call.on("cancelled", forget);
    call.on("close", forget);
  };
  const server = new Server();
  server.addService(GRPC_BASELINE_METHODS, { echo, send, subscribe });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    port,
    close: async () => {
      for (const stream of subscribers.values()) stream.end();
      server.forceShutdown();
    },
  };
}
