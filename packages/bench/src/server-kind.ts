/** Which server a bench child process runs. */
export type ServerKind = "chat" | "net" | "grpc-baseline";

/** The line a bench child prints on stdout once it listens: the ports it bound. */
export interface ServerReady {
  readonly ready: true;
  readonly ports: Readonly<Record<string, number>>;
}

/** Whether a string names a server kind. */
export function isServerKind(value: string | undefined): value is ServerKind {
  return value === "chat" || value === "net" || value === "grpc-baseline";
}
