import { createHash } from "node:crypto";
import { ErrorReply } from "redis";
import type { RedisConnection, RedisReply } from "./redis-connection.js";

/**
 * A Lua script run with `EVALSHA`, falling back to `EVAL` (which also caches it) when the server does not
 * know it yet — after a restart, or on a cluster node it has not run on. The first key routes the call, so
 * every key of a script must share one hash tag.
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    /** What the script does, for error messages. */
    readonly name: string,
    readonly source: string,
  ) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(
    connection: RedisConnection,
    keys: readonly string[],
    args: readonly string[],
    readonly = false,
  ): Promise<RedisReply> {
    const tail = [String(keys.length), ...keys, ...args];
    const routingKey = keys[0];
    try {
      return await connection.send(
        routingKey,
        [readonly ? "EVALSHA_RO" : "EVALSHA", this.sha, ...tail],
        readonly,
      );
    } catch (error) {
      if (!(error instanceof ErrorReply && error.message.startsWith("NOSCRIPT"))) throw error;
      return connection.send(routingKey, [readonly ? "EVAL_RO" : "EVAL", this.source, ...tail], readonly);
    }
  }
}
