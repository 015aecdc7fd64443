/** Escapes for the control characters people most often meet; others become `\xHH`. */
const NAMED_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** C0 controls, DEL and C1 controls: characters that move the cursor or start terminal escape sequences. */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function escapeControl(char: string): string {
  return NAMED_ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
}

/** Rewrites the characters `mapping` returns a replacement for, leaving the rest as they are. */
function mapChars(text: string, mapping: (char: string, code: number) => string | undefined): string {
  let out = "";
  for (const char of text) {
    out += mapping(char, char.charCodeAt(0)) ?? char;
  }
  return out;
}

/**
 * Makes text from the network safe to show on a terminal: control characters (which could move the cursor,
 * recolour the screen or fake output) are shown as escapes like `\n` and `\x1b`. Backslashes are left
 * alone, so this is for people to read, not for programs to decode; see {@link escapeField}.
 */
export function escapeForDisplay(text: string): string {
  return mapChars(text, (char, code) => (isControl(code) ? escapeControl(char) : undefined));
}

/**
 * Escapes text for the scripted output format so that it stays on one line and decodes exactly: `\` becomes
 * `\\`, control characters become `\n`, `\r`, `\t` or `\xHH`, and with `spaces` (for fields that are
 * followed by more fields) a space becomes `\s`.
 */
export function escapeField(text: string, options: { spaces?: boolean } = {}): string {
  return mapChars(text, (char, code) => {
    if (char === "\\") return "\\\\";
    if (char === " " && options.spaces) return "\\s";
    return isControl(code) ? escapeControl(char) : undefined;
  });
}

const UNESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", s: " " };

/** Reverses {@link escapeField}: what a program reading the scripted output runs on each field. */
export function unescapeField(text: string): string {
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_match, code: string) => {
    if (code.length === 3) return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    return UNESCAPES[code] ?? code;
  });
}
