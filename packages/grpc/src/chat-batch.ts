import type {
  BatchedChatRequest,
  BatchedChatResponse,
  ChatRequest,
  ChatResponse,
} from "./gen/chat/v1/chat.js";

/**
 * Largest `Chat` stream message either side joins requests or responses into, in bytes (also bounded by
 * the side's `maxSendMessageBytes`): HTTP/2's default largest DATA frame, so a batch is still one frame.
 * In the bench's relay (512-byte messages) a server message then carries up to 28 deliveries or answers.
 * grpc-js's streams take 16 messages (object mode's high-water mark) before `write()` says full, so a
 * `Chat` stream holds at most about 256 KiB before core stops delivering to it (16 single messages did
 * before batching).
 */
export const MAX_CHAT_BATCH_BYTES = 16 * 1024;

/**
 * What one request or response in a batch may take besides the bytes of its strings: request id, seq and
 * time (up to 11 bytes each as tagged varints), the tags and lengths of the item and its fields (47 bytes
 * in all at most), rounded up. Sizes are bounded this way instead of encoding each item twice.
 */
const ITEM_OVERHEAD_BYTES = 64;

/** Room for the batch's own tag and length in the outer message. */
const BATCH_OVERHEAD_BYTES = 16;

/** The budget of a batch for a side that may send messages of at most `maxSendMessageBytes`. */
export function batchBudget(maxSendMessageBytes: number): number {
  return Math.min(MAX_CHAT_BATCH_BYTES, maxSendMessageBytes) - BATCH_OVERHEAD_BYTES;
}

/** An upper bound of one request's encoded size in a batch. */
export function requestBytes(request: BatchedChatRequest): number {
  const send = request.send;
  if (send === undefined) return ITEM_OVERHEAD_BYTES;
  return (
    ITEM_OVERHEAD_BYTES +
    Buffer.byteLength(send.to) +
    Buffer.byteLength(send.content) +
    (send.clientMessageId?.length ?? 0)
  );
}

/** An upper bound of one response's encoded size in a batch. */
export function responseBytes(response: BatchedChatResponse): number {
  const { message, failure } = response;
  if (message !== undefined) {
    return ITEM_OVERHEAD_BYTES + Buffer.byteLength(message.sender) + Buffer.byteLength(message.content);
  }
  if (failure !== undefined) return ITEM_OVERHEAD_BYTES + Buffer.byteLength(failure.message);
  return ITEM_OVERHEAD_BYTES;
}

/** One stream message carrying `requests` (at least one), in order: the first as its own, the rest as `more`. */
export function joinRequests(requests: readonly BatchedChatRequest[]): ChatRequest {
  // Indexing and slice rather than `[first, ...rest]`: array destructuring goes through the iterator
  // protocol, which took 3.6 % of the bench's load generator in a CPU profile.
  const first = requests[0] as BatchedChatRequest;
  return requests.length === 1 ? first : { ...first, more: { requests: requests.slice(1) } };
}

/** One stream message carrying `responses` (at least one), in order, as {@link joinRequests} does. */
export function joinResponses(responses: readonly BatchedChatResponse[]): ChatResponse {
  const first = responses[0] as BatchedChatResponse;
  return responses.length === 1 ? first : { ...first, more: { responses: responses.slice(1) } };
}

/**
 * The requests one stream message carries, in order. A message with only `more` has no request of its
 * own; one with neither is a request with nothing in it (answered as invalid).
 */
export function requestsOf(request: ChatRequest): readonly BatchedChatRequest[] {
  const more = request.more;
  if (more === undefined) return [request];
  if (request.send === undefined && request.ack === undefined) return more.requests;
  return [request, ...more.requests];
}

/** The responses one stream message carries, in order (a message with only `more` has none of its own). */
export function responsesOf(response: ChatResponse): readonly BatchedChatResponse[] {
  const more = response.more;
  if (more === undefined) return [response];
  const { message, sent, acked, failure } = response;
  const ownless = message === undefined && sent === undefined && acked === undefined && failure === undefined;
  return ownless ? more.responses : [response, ...more.responses];
}
