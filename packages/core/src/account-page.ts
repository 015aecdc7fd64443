/** What to list. */
export interface AccountQuery {
  /** A wildcard (see `compileWildcard`); absent or empty lists every account. */
  readonly pattern?: string;
  /** Most names in the page, 1 to `MAX_PAGE_SIZE`; default `DEFAULT_PAGE_SIZE`. */
  readonly pageSize?: number;
  /** The `nextCursor` of the previous page; absent for the first page. */
  readonly cursor?: string;
}

/** One page of account names. */
export interface AccountPage {
  /** Registered spellings, in case-insensitive alphabetical order. */
  readonly usernames: string[];
  /**
   * Pass this as `cursor` to get the next page; absent when the listing is complete. With a sparse
   * wildcard, a page may hold fewer names than asked for (even none) and still have a next cursor.
   */
  readonly nextCursor?: string;
}

/** A whole listing gathered page by page, cut at `MAX_NAMES_PER_FULL_LISTING` names. */
export interface FullAccountListing {
  /** Registered spellings, in case-insensitive alphabetical order. */
  readonly usernames: string[];
  /** Whether more names matched than the listing holds. */
  readonly truncated: boolean;
}
