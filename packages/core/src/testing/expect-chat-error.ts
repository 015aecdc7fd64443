import { expect } from "vitest";
import { ChatError, type ChatErrorCodeName } from "../chat-error.js";

/**
 * Awaits `promise`, expects it to reject with a `ChatError` of `code`, and returns the error so a test can
 * look at its message.
 */
export async function expectChatError(
  promise: Promise<unknown>,
  code: ChatErrorCodeName,
): Promise<ChatError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) {
    throw new Error(
      `expected a ChatError ${code}, but the call succeeded with ${JSON.stringify(outcome.value)}`,
    );
  }
  expect(outcome.error, `expected a ChatError ${code}`).toBeInstanceOf(ChatError);
  const error = outcome.error as ChatError;
  expect(error.code, `${error.code}: ${error.message}`).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}
