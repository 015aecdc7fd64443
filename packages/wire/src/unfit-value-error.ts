import {
  ChatError,
  validateClientMessageId,
  validateContent,
  validateCursor,
  validatePageSize,
  validatePassword,
  validateSequence,
  validateUsername,
  validateWildcardText,
} from "@chat/core";
import type { EncodeError } from "./encode-error.js";
import type { Frame } from "./frame.js";

/**
 * Core's check of each request field the wire carries. The wire's fields are sized to core's rules, so a
 * value that does not fit breaks one of them, and core words the error, as the server would have.
 */
const CORE_RULES: Readonly<Record<string, (value: unknown) => unknown>> = {
  username: validateUsername,
  to: validateUsername,
  password: validatePassword,
  content: validateContent,
  pattern: validateWildcardText,
  pageSize: validatePageSize,
  cursor: validateCursor,
  upToSeq: validateSequence,
  clientMessageId: validateClientMessageId,
};

/**
 * The error for a request the encoder refused (`error` names the field): core's `INVALID_ARGUMENT` for the
 * rule the value breaks. Should core accept a value the wire cannot carry, that is a bug in the wire's
 * layout, reported as `INTERNAL`.
 */
export function unfitValueError(frame: Frame, error: EncodeError): ChatError {
  const value: unknown = (frame as unknown as Readonly<Record<string, unknown>>)[error.field];
  try {
    CORE_RULES[error.field]?.(value);
  } catch (ruleError) {
    if (ruleError instanceof ChatError) return ruleError;
  }
  return new ChatError("INTERNAL", `the wire cannot carry this ${error.field} although core allows it`, {
    cause: error,
  });
}
