/**
 * `@chat/wire/testing`: helpers for tests of the wire protocol. `RawClient` speaks frames directly (to send
 * what `WireClient` never would); `anyFrame` and `fittingText` are fast-check arbitraries for every frame
 * the encoder accepts. `anyFrame`/`fittingText` need `fast-check` (an optional peer dependency).
 */
export { anyFrame, fittingText } from "./frame-arbitraries.js";
export { RawClient } from "./raw-client.js";
