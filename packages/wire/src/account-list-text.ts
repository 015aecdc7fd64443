import { MAX_NAMES_PER_FULL_LISTING } from "@chat/core";
import { TEXT_WIDTH } from "./frame-layout.js";

/**
 * Most names a seed `acd`/`acf` answer lists; a longer list ends with {@link MORE_NOTE}. Core's rule
 * (`MAX_NAMES_PER_FULL_LISTING`), named here for the protocol's readers.
 */
export const SEED_LIST_MAX_NAMES = MAX_NAMES_PER_FULL_LISTING;
/**
 * Ends the last piece of a list that was capped at {@link SEED_LIST_MAX_NAMES}, or cut short by the scan
 * bound of one listing (core's `maxNamesScannedPerRequest`), even before any name was found.
 */
export const MORE_NOTE = "(more: use accfilter)";
/** The one piece of an empty list. */
export const NONE_NOTE = "(none)";

function header(index: number, count: number): string {
  return `accounts [${index}/${count}]:`;
}

/**
 * Splits an account list into `suc` texts for a seed client, each at most 256 bytes and never splitting a
 * name: `accounts [i/n]: alice bob …`. Usernames are ASCII, so characters are bytes here. Pieces are filled
 * with the widest header the count could need, so the numbering stays right once `n` is known.
 */
export function accountListPieces(names: readonly string[], truncated: boolean): string[] {
  // A listing cut short before it found any name (its scan bound) is not an empty one.
  const words =
    names.length === 0 ? [truncated ? MORE_NOTE : NONE_NOTE] : truncated ? [...names, MORE_NOTE] : [...names];
  // Reserve room for the longest possible header: at most one piece per word.
  const reserve = header(words.length, words.length).length;
  const groups: string[][] = [];
  let current: string[] = [];
  let used = reserve;
  for (const word of words) {
    if (current.length > 0 && used + 1 + word.length > TEXT_WIDTH) {
      groups.push(current);
      current = [];
      used = reserve;
    }
    current.push(word);
    used += 1 + word.length;
  }
  groups.push(current);
  return groups.map((group, index) => `${header(index + 1, groups.length)} ${group.join(" ")}`);
}
