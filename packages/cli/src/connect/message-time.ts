const pad = (value: number): string => String(value).padStart(2, "0");

/** A moment as local `YYYY-MM-DD`. */
function localDate(moment: Date): string {
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

/**
 * When a message was sent, in local time for people: `14:03` when it was sent today, `2026-03-04 14:03`
 * on any other day, so a message stored for days does not look like it just arrived. `sentAt` is the
 * server's clock (milliseconds since the epoch); `now` is the local one.
 */
export function formatSentAt(sentAt: number, now: number = Date.now()): string {
  const sent = new Date(sentAt);
  const time = `${pad(sent.getHours())}:${pad(sent.getMinutes())}`;
  const day = localDate(sent);
  return day === localDate(new Date(now)) ? time : `${day} ${time}`;
}
