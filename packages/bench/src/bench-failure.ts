/**
 * A failure the person running the bench can act on (a missing program, a bad flag): the bench prints its
 * message as one line, without a stack trace, and exits with status 1. Anything else is a bug and keeps its
 * stack.
 */
export class BenchFailure extends Error {
  override readonly name = "BenchFailure";
}
