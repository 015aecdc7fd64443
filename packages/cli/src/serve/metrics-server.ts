import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TransportAddress } from "@chat/core";
import type { Registry } from "prom-client";

/** The path Prometheus scrapes by default. */
export const METRICS_PATH = "/metrics";

/**
 * A plain HTTP server with one endpoint, `GET /metrics`, serving `registry` in the Prometheus text format.
 * Every other path is 404 and every other method 405: it exposes nothing but the metrics.
 */
export class MetricsServer {
  private readonly server: Server;

  constructor(registry: Registry) {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? "/", "http://metrics").pathname;
      if (path !== METRICS_PATH) {
        response
          .writeHead(404, { "content-type": "text/plain" })
          .end(`not found; metrics are at ${METRICS_PATH}\n`);
        return;
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("use GET\n");
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
        (error: unknown) =>
          response
            .writeHead(500, { "content-type": "text/plain" })
            .end(`cannot collect metrics: ${String(error)}\n`),
      );
    });
  }

  /** Starts listening; port 0 picks a free port, and the result says which. */
  listen(options: { host: string; port: number }): Promise<TransportAddress> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(options.port, options.host, () => {
        this.server.off("error", reject);
        const address = this.server.address() as AddressInfo;
        resolve({ host: options.host, port: address.port });
      });
    });
  }

  /** Stops listening and ends open scrapes. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
