import { once } from "node:events";
import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { describe, expect, it } from "vitest";
import { GracefulClose } from "./graceful-close.js";

/** A real listener with one connected client, closed through a GracefulClose. */
async function listenerWithClient(timeoutMs: number, clientLeaves: boolean) {
  const server = createServer();
  const accepted: Socket[] = [];
  server.on("connection", (socket) => accepted.push(socket));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  const client = tcpConnect(address.port, "127.0.0.1");
  await once(client, "connect");
  // The client leaves as soon as it is told to, or never does.
  client.on("data", () => {
    if (clientLeaves) client.end();
  });
  client.on("end", () => client.end());
  const steps: string[] = [];
  const closer = new GracefulClose({
    timeoutMs,
    graceful: async () => {
      steps.push("graceful");
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of accepted) socket.write("bye\n");
      await stopped;
    },
    force: () => {
      steps.push("force");
      for (const socket of accepted) socket.destroy();
    },
    finish: () => {
      steps.push("finish");
    },
  });
  return { closer, steps, client };
}

describe("GracefulClose", () => {
  it("closes gracefully when the clients leave in time, once however often it is called", async () => {
    const { closer, steps } = await listenerWithClient(5_000, true);
    expect(closer.started).toBe(false);
    const first = closer.close();
    expect(closer.started).toBe(true);
    expect(closer.close()).toBe(first);
    await first;
    expect(steps).toEqual(["graceful", "finish"]);
  });

  it("forces what is still open after the timeout, then finishes", async () => {
    const { closer, steps, client } = await listenerWithClient(100, false);
    const started = performance.now();
    await closer.close();
    expect(performance.now() - started).toBeGreaterThanOrEqual(99);
    expect(steps).toEqual(["graceful", "force", "finish"]);
    client.destroy();
  });
});
