import { InvalidArgumentError } from "commander";

/** Highest database number a default Redis has (`databases 16`); a bigger one fails at connect instead. */
const MAX_DATABASE_NUMBER = 2 ** 31 - 1;

/**
 * Checks `--redis` / `CHAT_REDIS_URL`: `redis://` (or `rediss://` for TLS), a host, an optional port and an
 * optional database number as the path. Returns the URL unchanged; a bad one is a usage error naming it.
 */
export function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected redis://HOST:PORT[/DB]");
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new InvalidArgumentError("expected a redis:// or rediss:// URL");
  }
  if (url.hostname === "") throw new InvalidArgumentError("the Redis URL has no host");
  const database = url.pathname.replace(/^\//, "");
  if (database !== "" && !(/^\d+$/.test(database) && Number(database) <= MAX_DATABASE_NUMBER)) {
    throw new InvalidArgumentError(
      "the database (the URL's path) must be a number, e.g. redis://127.0.0.1:6379/0",
    );
  }
  return value;
}
