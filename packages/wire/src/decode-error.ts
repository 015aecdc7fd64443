/**
 * Bytes that are not a valid frame. Separate from `ChatError`: it is about the wire, not the chat domain.
 *
 * - `fatal` (unknown code, or a reader that already failed): the frame boundary is lost, so the connection
 *   must end.
 * - not fatal (a known code with a bad field): the bad frame was consumed whole and the stream is still in
 *   sync; `field` names the offending field.
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";

  constructor(
    message: string,
    /** Whether the stream is lost (true) or still in sync after skipping the bad frame (false). */
    readonly fatal: boolean,
    /** The frame's message code, when it was read. */
    readonly code: number | undefined,
    /** The field that failed to decode, for a non-fatal error. */
    readonly field?: string,
  ) {
    super(message);
  }
}
