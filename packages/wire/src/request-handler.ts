import { type ChatConnection, ChatError, type ServerLogger } from "@chat/core";
import { accountListPieces } from "./account-list-text.js";
import { Feature, hasFeature } from "./features.js";
import type { Frame, LsqFrame } from "./frame.js";
import { FrameCode, NAMES_PER_FRAME } from "./frame-layout.js";

/** What a request needs from the connection it arrived on. */
export interface RequestContext {
  /** The connection's handle on the chat service. */
  readonly chat: ChatConnection;
  /** The connection's number, for logs. */
  readonly id: number;
  readonly log: ServerLogger;
  /** Features negotiated by hello (0 for a seed client). */
  readonly features: number;
  /** Stages an answer frame. */
  send(frame: Frame): void;
  /** A login succeeded and its answer is staged: start delivering. */
  loggedIn(): void;
  /** The session ended by the client's request (logout or delete). */
  sessionEnded(): void;
}

/** Which request types need which feature (codes 0–5 need none). */
const REQUIRED_FEATURE: Partial<Record<Frame["type"], number>> = {
  lsq: Feature.listPages,
  out: Feature.logout,
  ack: Feature.sequencedDelivery,
  png: Feature.heartbeat,
  pog: Feature.heartbeat,
  mid: Feature.idempotentSend,
};

function describeCode(frame: Frame): string {
  return `code ${FrameCode[frame.type]} (${frame.type})`;
}

/**
 * Runs one request: translates the frame into a `ChatConnection` call and the result into answer frames
 * (`suc` texts for seed-style clients, structured frames after hello). Failures are thrown (synchronously or
 * as a rejection) as they are; the caller turns them into `err`/`erx` at the boundary. No domain rule is
 * decided here.
 *
 * Not `async`: a message send, the request that comes by the hundred thousand, takes one continuation on
 * core's promise instead of an async function's own promise and await on top of it.
 */
export function handleRequest(frame: Frame, context: RequestContext): Promise<void> {
  if (frame.type !== "msg") return handleOtherRequest(frame, context);
  return sendMessage(frame.to, frame.content, undefined, context);
}

/** A send (`msg`, or `mid` with a client message id), answered with `snt` or a seed `suc` text. */
function sendMessage(
  to: string,
  content: string,
  clientMessageId: Uint8Array | undefined,
  context: RequestContext,
): Promise<void> {
  const structured = hasFeature(context.features, Feature.structuredReplies);
  return context.chat.send(to, content, clientMessageId).then((result) => {
    if (structured)
      context.send({ type: "snt", seq: result.seq, sentAt: result.sentAt, delivery: result.delivery });
    else {
      const how = result.delivery === "live" ? "delivered" : "stored until they log in";
      context.send({ type: "suc", text: `message to ${to} ${how}` });
    }
  });
}

async function handleOtherRequest(
  frame: Exclude<Frame, { type: "msg" }>,
  context: RequestContext,
): Promise<void> {
  const { chat, log, id } = context;
  const structured = hasFeature(context.features, Feature.structuredReplies);
  const needed = REQUIRED_FEATURE[frame.type];
  if (needed !== undefined && !hasFeature(context.features, needed)) {
    throw new ChatError(
      "FAILED_PRECONDITION",
      `${describeCode(frame)} needs a feature negotiated with hello`,
    );
  }
  switch (frame.type) {
    case "reg":
      await chat.register(frame.username, frame.password);
      context.send(
        structured ? { type: "ok" } : { type: "suc", text: `account ${frame.username} registered` },
      );
      return;
    case "log": {
      let username: string;
      try {
        ({ username } = await chat.login(frame.username, frame.password));
      } catch (error) {
        log.info({ connection: id, code: ChatError.from(error).code }, "login failed");
        throw error;
      }
      log.info({ connection: id, username }, "logged in");
      // The answer is staged before delivery starts, so it goes out ahead of every queued message.
      context.send(
        structured ? { type: "lin", username } : { type: "suc", text: `logged in as ${username}` },
      );
      context.loggedIn();
      return;
    }
    case "del": {
      const username = chat.username;
      await chat.deleteAccount();
      context.sessionEnded();
      log.info({ connection: id, username }, "account deleted");
      context.send(structured ? { type: "ok" } : { type: "suc", text: `account ${username} deleted` });
      return;
    }
    case "acd":
      return seedList("", context);
    case "acf":
      return seedList(frame.pattern, context);
    case "mid":
      return sendMessage(frame.to, frame.content, frame.clientMessageId, context);
    case "lsq":
      return listPage(frame, context);
    case "out": {
      const username = chat.username;
      await chat.logout();
      context.sessionEnded();
      log.info({ connection: id, username }, "logged out");
      context.send(structured ? { type: "ok" } : { type: "suc", text: "logged out" });
      return;
    }
    case "ack":
      await chat.ack(frame.upToSeq);
      context.send(
        structured ? { type: "ok" } : { type: "suc", text: `acknowledged up to ${frame.upToSeq}` },
      );
      return;
    case "hel":
      throw new ChatError("FAILED_PRECONDITION", "hello must be the first frame of a connection");
    default:
      // Frames only a server sends; png/pog were answered by the connection or refused above.
      throw new ChatError("INVALID_ARGUMENT", `${describeCode(frame)} is not a request`);
  }
}

/** A seed account list: core gathers the whole (capped) listing, then it is split into `suc` pieces. */
async function seedList(pattern: string, context: RequestContext): Promise<void> {
  const { usernames, truncated } = await context.chat.listAllAccounts(pattern);
  for (const text of accountListPieces(usernames, truncated)) context.send({ type: "suc", text });
}

/** One structured page: its names in `lsn` frames of up to 16, then `lse` with the next cursor. */
async function listPage(frame: LsqFrame, context: RequestContext): Promise<void> {
  const page = await context.chat.listAccounts({
    pattern: frame.pattern,
    ...(frame.pageSize === undefined ? {} : { pageSize: frame.pageSize }),
    ...(frame.cursor === undefined ? {} : { cursor: frame.cursor }),
  });
  for (let at = 0; at < page.usernames.length; at += NAMES_PER_FRAME) {
    context.send({ type: "lsn", names: page.usernames.slice(at, at + NAMES_PER_FRAME) });
  }
  context.send(page.nextCursor === undefined ? { type: "lse" } : { type: "lse", cursor: page.nextCursor });
}
