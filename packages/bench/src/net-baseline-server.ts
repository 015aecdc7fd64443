import { createServer, type Server, type Socket } from "node:net";

/*
 * The runtime's own limit, for the wire transport to be read against: the same frame sizes as the chat's
 * send path (a 529-byte `msg` in, an 18-byte `snt` reply and a 545-byte `dlv` delivery out), moved by bare
 * `node:net` sockets with no parsing, no domain logic and no store. Writes are corked for the duration of
 * one read, the same batching a careful server does.
 */

/** A request frame: a wire `msg` with 512 bytes of content. */
export const NET_REQUEST_BYTES = 529;
/** The sender's reply: the size of a wire `snt`. */
export const NET_REPLY_BYTES = 18;
/** The recipient's delivery: the size of a wire `dlv`. */
export const NET_DELIVERY_BYTES = 545;
/** A relay connection starts with a role byte (0 sender, 1 receiver) and a big-endian u16 pair number. */
export const NET_RELAY_HELLO_BYTES = 3;

function corkedWrites(socket: Socket, write: () => void): void {
  socket.cork();
  write();
  process.nextTick(() => socket.uncork());
}

function servePingPong(socket: Socket): void {
  socket.setNoDelay(true);
  let partial = 0;
  socket.on("data", (chunk: Buffer) => {
    partial += chunk.length;
    let frames = Math.floor(partial / NET_REQUEST_BYTES);
    partial %= NET_REQUEST_BYTES;
    if (frames === 0) return;
    corkedWrites(socket, () => {
      for (; frames > 0; frames--) {
        socket.write(Buffer.allocUnsafe(NET_REPLY_BYTES).fill(0));
        socket.write(Buffer.allocUnsafe(NET_DELIVERY_BYTES).fill(0));
      }
    });
  });
  socket.on("error", () => socket.destroy());
}

function serveRelay(socket: Socket, receivers: Map<number, Socket>): void {
  socket.setNoDelay(true);
  let hello = Buffer.alloc(0);
  let partial = 0;
  let target: number | undefined;
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    let data = chunk;
    if (target === undefined) {
      hello = Buffer.concat([hello, data]);
      if (hello.length < NET_RELAY_HELLO_BYTES) return;
      const role = hello[0];
      target = hello.readUInt16BE(1);
      data = hello.subarray(NET_RELAY_HELLO_BYTES);
      if (role === 1) {
        receivers.set(target, socket);
        socket.on("close", () => receivers.delete(target ?? -1));
        return;
      }
    }
    partial += data.length;
    let frames = Math.floor(partial / NET_REQUEST_BYTES);
    partial %= NET_REQUEST_BYTES;
    if (frames === 0) return;
    const receiver = receivers.get(target);
    socket.cork();
    receiver?.cork();
    for (; frames > 0; frames--) {
      socket.write(Buffer.allocUnsafe(NET_REPLY_BYTES).fill(0));
      receiver?.write(Buffer.allocUnsafe(NET_DELIVERY_BYTES).fill(0));
    }
    process.nextTick(() => {
      socket.uncork();
      receiver?.uncork();
    });
  });
}

/** The two bare `node:net` servers, listening on 127.0.0.1. */
export interface NetBaselineServers {
  readonly pingPongPort: number;
  readonly relayPort: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

/** Starts the ping-pong and relay baselines on free loopback ports. */
export async function startNetBaselineServers(): Promise<NetBaselineServers> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const receivers = new Map<number, Socket>();
  const pingPong = createServer((socket) => {
    track(socket);
    servePingPong(socket);
  });
  const relay = createServer((socket) => {
    track(socket);
    serveRelay(socket, receivers);
  });
  const pingPongPort = await listen(pingPong);
  const relayPort = await listen(relay);
  return {
    pingPongPort,
    relayPort,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([pingPong, relay].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
