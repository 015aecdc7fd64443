import { type CommandName, resolveCommandName } from "./command-table.js";

/** A well-formed command line, ready to run. Arguments are passed on as typed: the server judges them. */
export type Command =
  | { readonly name: "register" | "login"; readonly username: string; readonly password: string }
  | { readonly name: "logout" | "deleteacc" | "accdump" | "quit" }
  /** `help`, or `help COMMAND` for one command. */
  | { readonly name: "help"; readonly topic?: CommandName }
  | { readonly name: "accfilter"; readonly pattern: string }
  | { readonly name: "message"; readonly to: string; readonly content: string };

/** What a line of input turned out to be. */
export type ParsedLine =
  | { readonly kind: "command"; readonly command: Command }
  /** Nothing but whitespace: not a command, so it gets no reply. */
  | { readonly kind: "empty" }
  /** A known command with the wrong number of arguments. */
  | { readonly kind: "usage"; readonly name: CommandName }
  | { readonly kind: "unknown"; readonly name: string };

/** Separators between words: spaces and tabs, as the seed's client split them. */
const WORD = /\S+/g;

/**
 * Parses one line of the prompt. Words are separated by spaces or tabs; `message USR MSG...` takes the rest
 * of the line after the recipient as the message, inner spacing kept. Only the number of arguments is
 * checked here; whether a name, password or message is acceptable is the server's call.
 */
export function parseCommand(line: string): ParsedLine {
  // A trailing CR comes from scripts written on Windows; it is never part of a command.
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  const words = [...text.matchAll(WORD)];
  const first = words[0];
  if (first === undefined) return { kind: "empty" };
  const name = resolveCommandName(first[0]);
  if (name === undefined) return { kind: "unknown", name: first[0] };
  const args = words.slice(1).map((match) => match[0]);
  const usage: ParsedLine = { kind: "usage", name };
  switch (name) {
    case "register":
    case "login": {
      const [username, password] = args;
      if (args.length !== 2 || username === undefined || password === undefined) return usage;
      return { kind: "command", command: { name, username, password } };
    }
    case "accfilter": {
      const [pattern] = args;
      if (args.length !== 1 || pattern === undefined) return usage;
      return { kind: "command", command: { name, pattern } };
    }
    case "message": {
      const to = words[1];
      const contentStart = words[2]?.index;
      if (to === undefined || contentStart === undefined) return usage;
      return { kind: "command", command: { name, to: to[0], content: text.slice(contentStart) } };
    }
    case "help": {
      if (args.length === 0) return { kind: "command", command: { name } };
      const topic = args.length === 1 && args[0] !== undefined ? resolveCommandName(args[0]) : undefined;
      return topic === undefined ? usage : { kind: "command", command: { name, topic } };
    }
    default:
      return args.length === 0 ? { kind: "command", command: { name } } : usage;
  }
}

/** A `register` or `login` typed without its password, which the interactive prompt then asks for. */
export interface PasswordlessCommand {
  readonly name: "register" | "login";
  readonly username: string;
}

/**
 * Recognises `login USR` and `register USR` (any case, `exit`-style aliases do not apply): the interactive
 * prompt asks for the password with hidden input instead of answering with the usage. Scripted mode never
 * calls this, so there the line still gets its usage.
 */
export function passwordlessCommand(line: string): PasswordlessCommand | undefined {
  const words = line.trim().split(/\s+/);
  const [word, username] = words;
  if (words.length !== 2 || word === undefined || username === undefined) return undefined;
  const name = resolveCommandName(word);
  return name === "register" || name === "login" ? { name, username } : undefined;
}

/**
 * The line as history should keep it: `register USR PWD` and `login USR PWD` lose the password, so the
 * up arrow never brings a password back onto the screen. Every other line is kept as typed.
 */
export function withoutPassword(line: string): string {
  const parsed = parseCommand(line);
  if (parsed.kind !== "command") return line;
  const { command } = parsed;
  if (command.name !== "register" && command.name !== "login") return line;
  return `${line.trimStart().split(/\s+/, 1)[0]} ${command.username}`;
}
