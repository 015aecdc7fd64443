import { createServer } from "node:net";

/** Loopback address every test server binds to: test traffic never leaves the machine. */
export const LOOPBACK_HOST = "127.0.0.1";

/**
 * A TCP port on the loopback interface that was free a moment ago (the kernel picks it). Another process may
 * take it before the caller binds it, so callers retry on "address in use".
 */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK_HOST, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address for a free port");
  return address.port;
}
