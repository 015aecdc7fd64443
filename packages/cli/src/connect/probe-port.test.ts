// The probe against real listeners on loopback: a real gRPC server, a real wire server, a closed port.
import { type AddressInfo, createServer } from "node:net";
import { ChatService, MemoryStore } from "@chat/core";
import { GrpcServer } from "@chat/grpc";
import { WireServer } from "@chat/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isHttp2Settings, probePort } from "./probe-port.js";
import { transportHint } from "./transport-hint.js";

const HOST = "127.0.0.1";
const service = new ChatService({ store: new MemoryStore() });
const grpc = new GrpcServer(service);
const wire = new WireServer(service);
let grpcPort = 0;
let wirePort = 0;
let closedPort = 0;

beforeAll(async () => {
  grpcPort = (await grpc.listen({ host: HOST, port: 0 })).port;
  wirePort = (await wire.listen({ host: HOST, port: 0 })).port;
  // A port known to be free: bound, then released.
  const spare = createServer();
  await new Promise<void>((resolve) => spare.listen(0, HOST, resolve));
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
});
afterAll(async () => {
  await grpc.close();
  await wire.close();
  await service.close();
});

describe("probePort", () => {
  it("recognises a gRPC port by the HTTP/2 SETTINGS frame it sends first", async () => {
    expect(await probePort(HOST, grpcPort)).toEqual({ kind: "http2" });
    expect(transportHint("wire", { kind: "http2" })).toBe("that port speaks gRPC; try --transport grpc");
    expect(transportHint("grpc", { kind: "http2" })).toBeUndefined();
  });

  it("finds a wire port silent, waiting for the client's hello", async () => {
    const probe = await probePort(HOST, wirePort);
    expect(probe).toEqual({ kind: "silent" });
    expect(transportHint("grpc", probe)).toMatch(/^that port does not speak gRPC.*try --transport wire$/);
    expect(transportHint("wire", probe)).toBeUndefined();
  });

  it("reports a closed port as unreachable with the socket's error", async () => {
    const probe = await probePort(HOST, closedPort);
    expect(probe.kind).toBe("unreachable");
    expect(probe.kind === "unreachable" && (probe.error as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("reads an HTTP/2 frame header, not just any bytes", () => {
    expect(isHttp2Settings(Buffer.from("000006040000000000", "hex"))).toBe(true);
    expect(isHttp2Settings(Buffer.from("000006040000000001", "hex"))).toBe(false);
    expect(isHttp2Settings(Buffer.from("HTTP/1.1 400 Bad"))).toBe(false);
    expect(isHttp2Settings(Buffer.from("0000060400", "hex"))).toBe(false);
  });
});
