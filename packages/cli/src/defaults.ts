/** Where `chat-cli serve` and `chat-cli connect` go when no `--host` is given: this machine only. */
export const DEFAULT_HOST = "127.0.0.1";
/** The wire protocol's port when no `--port` is given (the seed's). */
export const DEFAULT_WIRE_PORT = 5000;
/** The gRPC port when no `--grpc-port` (serve) or `--port` (connect) is given. */
export const DEFAULT_GRPC_PORT = 5001;
/** The SQLite file `chat-cli serve` uses when neither `--db` nor `--memory` is given, in the working directory. */
export const DEFAULT_DB_FILE = "chat.db";
