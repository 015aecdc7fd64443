/** Wraps text in the styling of one role; the identity when colour is off. */
export type Paint = (text: string) => string;

/** The roles text plays on the interactive prompt, each with its colour. */
export interface TerminalStyle {
  /** Timestamps and other secondary text. */
  readonly dim: Paint;
  /** Who a message is from, who you are. */
  readonly name: Paint;
  /** Errors. */
  readonly error: Paint;
  /** Marks worth noticing, like "while you were away". */
  readonly notice: Paint;
  /** Confirmations of what a command did. */
  readonly ok: Paint;
}

const plain: Paint = (text) => text;

/** No styling at all: scripted mode, pipes, `NO_COLOR`, terminals without colour. */
export const PLAIN_STYLE: TerminalStyle = { dim: plain, name: plain, error: plain, notice: plain, ok: plain };

/** Select Graphic Rendition: `ESC [ on m` … `ESC [ off m`, so styles nest and never leak into what follows. */
function sgr(on: number, off: number): Paint {
  return (text) => `\x1b[${on}m${text}\x1b[${off}m`;
}

/** The colours of the interactive prompt, chosen to read on light and dark backgrounds alike. */
export const COLOUR_STYLE: TerminalStyle = {
  dim: sgr(2, 22),
  name: sgr(1, 22),
  error: sgr(31, 39),
  notice: sgr(33, 39),
  ok: sgr(32, 39),
};

/** The parts of a terminal stream colour support depends on. */
export interface ColourTarget {
  readonly isTTY?: boolean;
  hasColors?(): boolean;
}

/**
 * Whether to colour output: only on a terminal that supports colour, and never when `NO_COLOR` is set to
 * anything but the empty string (https://no-color.org). Node's `hasColors` also honours `FORCE_COLOR`,
 * `NODE_DISABLE_COLORS` and `TERM=dumb`.
 */
export function useColour(output: ColourTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return output.isTTY === true && output.hasColors?.() === true;
}

/** The style for an output stream: {@link COLOUR_STYLE} where {@link useColour} allows, plain otherwise. */
export function styleFor(output: ColourTarget, env: NodeJS.ProcessEnv = process.env): TerminalStyle {
  return useColour(output, env) ? COLOUR_STYLE : PLAIN_STYLE;
}
