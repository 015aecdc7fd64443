import type { PaddleResult } from "./bench-results.js";
import type { Variant } from "./bench-variant.js";
import { type ClientPorts, closeAll, loggedInClient, splitPorts } from "./chat-clients.js";
import { type PaddleBounds, paddleBetween } from "./chat-paddle.js";

/**
 * The paddle between two clients (see `paddleBetween`): a sender sends to a receiver and waits for the
 * delivery before the next. With two ports they are on different nodes, so every round trip crosses from
 * one node to the other — which the transports' paddle, one client sending to itself, cannot. `tag` keeps
 * account names apart between runs on one store.
 */
export async function pairPaddle(
  variant: Variant,
  ports: ClientPorts,
  bounds: PaddleBounds,
  tag: string,
): Promise<PaddleResult> {
  const port = splitPorts(ports);
  const to = `p${tag}r`;
  const receiver = await loggedInClient(variant, port.receivers, to);
  try {
    const sender = await loggedInClient(variant, port.senders, `p${tag}s`);
    return await paddleBetween(`${variant} pair paddle`, variant, bounds, { sender, receiver, to });
  } catch (error) {
    await closeAll([receiver]);
    throw error;
  }
}
