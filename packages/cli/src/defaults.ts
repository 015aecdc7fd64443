/** Where `chat-cli serve` and `chat-cli connect` go when no `--host` is given: this machine only. */
export const DEFAULT_HOST = "127.0.0.1";
/** The SQLite file `chat-cli serve` uses when neither `--db` nor `--memory` is given, in the working directory. */
export const DEFAULT_DB_FILE = "chat.db";
