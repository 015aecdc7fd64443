import { expect } from "vitest";
import type { ChatClient } from "../chat-client.js";

/** Most pages followed: a cursor that never ends fails the test's page count instead of hanging it. */
const MAX_PAGES_FOLLOWED = 10;

/**
 * Lists every account by following cursors from the first page, `pageSize` at a time, checking that no
 * page holds more than `maxPerPage` names. Returns the names in the order seen and how many pages it took.
 */
export async function listEveryPage(
  client: ChatClient,
  pageSize: number,
  maxPerPage: number,
): Promise<{ usernames: string[]; pages: number }> {
  const usernames: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await client.listAccounts({ pageSize, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.usernames.length).toBeLessThanOrEqual(maxPerPage);
    usernames.push(...page.usernames);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < MAX_PAGES_FOLLOWED);
  return { usernames, pages };
}
