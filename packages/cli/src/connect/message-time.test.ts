import { describe, expect, it } from "vitest";
import { formatSentAt } from "./message-time.js";

describe("formatSentAt", () => {
  it("shows only the local time for a message sent today, and the date too otherwise", () => {
    const sent = new Date(2026, 2, 4, 9, 5).getTime();
    expect(formatSentAt(sent, new Date(2026, 2, 4, 23, 59).getTime())).toBe("09:05");
    expect(formatSentAt(sent, new Date(2026, 2, 5, 0, 1).getTime())).toBe("2026-03-04 09:05");
    expect(formatSentAt(sent, new Date(2027, 2, 4, 9, 5).getTime())).toBe("2026-03-04 09:05");
  });
});
