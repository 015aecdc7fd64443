// The gRPC health checking protocol on the chat's port, called with a real grpc-js client built from the
// standard grpc.health.v1 definition (not from this package's code).
import { type Client, credentials, makeClientConstructor, type ServiceError, status } from "@grpc/grpc-js";
import { service as healthDefinition } from "grpc-health-check";
import { afterEach, describe, expect, it } from "vitest";
import { CHAT_SERVICE_NAME } from "./health.js";
import { startTestBed, type TestBed } from "./testing/grpc-test-kit.js";

interface HealthResponse {
  readonly status: string;
}
type HealthClient = Client & {
  check(
    request: { service: string },
    callback: (error: ServiceError | null, reply?: HealthResponse) => void,
  ): void;
  watch(request: { service: string }): NodeJS.EventEmitter & { cancel(): void };
};

const HealthClientConstructor = makeClientConstructor(healthDefinition, "grpc.health.v1.Health");

let bed: TestBed | undefined;
let client: HealthClient | undefined;

afterEach(async () => {
  client?.close();
  await bed?.close();
});

function healthClient(port: number): HealthClient {
  return new HealthClientConstructor(
    `127.0.0.1:${port}`,
    credentials.createInsecure(),
  ) as unknown as HealthClient;
}

function check(service: string): Promise<HealthResponse> {
  return new Promise((resolve, reject) => {
    client?.check({ service }, (error, reply) => (error || !reply ? reject(error) : resolve(reply)));
  });
}

describe("grpc.health.v1.Health", () => {
  it("reports the server and chat.v1.ChatService as SERVING, and NOT_FOUND for other services", async () => {
    bed = await startTestBed();
    client = healthClient(bed.port);
    expect(await check("")).toEqual({ status: "SERVING" });
    expect(await check(CHAT_SERVICE_NAME)).toEqual({ status: "SERVING" });
    await expect(check("no.such.Service")).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it("tells a watcher NOT_SERVING as soon as the server starts shutting down", async () => {
    bed = await startTestBed();
    client = healthClient(bed.port);
    const seen: string[] = [];
    const watch = client.watch({ service: "" });
    watch.on("data", (reply: HealthResponse) => seen.push(reply.status));
    watch.on("error", () => {});
    await expect.poll(() => seen).toEqual(["SERVING"]);
    const closing = bed.server.close();
    await expect.poll(() => seen).toEqual(["SERVING", "NOT_SERVING"]);
    watch.cancel();
    await closing;
  });

  it("is left out when the option says so", async () => {
    bed = await startTestBed({ server: { health: false } });
    client = healthClient(bed.port);
    await expect(check("")).rejects.toMatchObject({ code: status.UNIMPLEMENTED });
  });
});
