/*
 * The accounts both listing suites register, the conformance suite's over every transport and the store
 * contract's over every Store, so that the two specify account order on the same names: mixed case, a name
 * that is a prefix of others (`al`), and `-` and `.`, which sort before letters.
 */

/** The names to register, in an order that is none of the orders a listing could come back in. */
export const LISTING_NAMES: readonly string[] = [
  "delta",
  "Alpha",
  "charlie",
  "al",
  "Bravo",
  "echo",
  "a.b",
  "alpine",
  "a-b",
];

/**
 * {@link LISTING_NAMES} as every listing must return them: ordered by case-folded key, code unit by code
 * unit (`-` before `.` before letters, a prefix before what extends it), each in its registered spelling.
 * Written out by hand, never computed, so that it cannot share a fault with the sort under test.
 */
export const LISTING_ORDER: readonly string[] = [
  "a-b",
  "a.b",
  "al",
  "Alpha",
  "alpine",
  "Bravo",
  "charlie",
  "delta",
  "echo",
];
