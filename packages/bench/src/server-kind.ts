/**
 * Which server a bench child process runs. `chat-node` is one node of the scale-out section, on the storage
 * given as the next argument (see `scale-out-node.ts`). `chat-tls` is `chat` with TLS on every listener; its
 * certificate and key files follow the kind on the command line.
 */
export type ServerKind = "chat" | "chat-tls" | "net" | "grpc-baseline" | "chat-node";

/** The line a bench child prints on stdout once it listens: the ports it bound. */
export interface ServerReady {
  readonly ready: true;
  readonly ports: Readonly<Record<string, number>>;
}

/** Whether a string names a server kind. */
export function isServerKind(value: string | undefined): value is ServerKind {
  return (
    value === "chat" ||
    value === "chat-tls" ||
    value === "net" ||
    value === "grpc-baseline" ||
    value === "chat-node"
  );
}
