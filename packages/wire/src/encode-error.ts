/**
 * A value that cannot be put on the wire as it is: too long for its fixed-width field, a number out of its
 * field's range, a string with a NUL or a lone surrogate. Thrown by the encoder instead of cutting the value.
 */
export class EncodeError extends RangeError {
  override readonly name = "EncodeError";

  constructor(
    message: string,
    /** The field that did not fit. */
    readonly field: string,
  ) {
    super(message);
  }
}
