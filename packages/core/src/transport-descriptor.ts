import type { ChatClient } from "./chat-client.js";
import type { ChatClientOptions } from "./chat-client-options.js";
import type { ChatService } from "./chat-service.js";
import type { ServerLogger } from "./server-logger.js";
import type { ClientTls, ServerTlsOptions } from "./transport-tls.js";

/** Where a transport's server listens, or where its client connects. */
export interface TransportAddress {
  readonly host: string;
  /** For `listen`, 0 picks a free port; a bound address always holds the real one. */
  readonly port: number;
}

/** What every transport's server offers, whatever it speaks: listen on an address, close gracefully. */
export interface TransportServer {
  /** Starts listening; resolves with the address really bound (the real port when 0 was asked for). */
  listen(address: TransportAddress): Promise<TransportAddress>;
  /** Stops accepting, lets requests in flight finish, and ends every connection. */
  close(): Promise<void>;
}

/** The options every transport's server understands; anything transport-specific keeps its default. */
export interface TransportServerOptions {
  /** Where connections, logins and errors are logged. Default silent. */
  readonly logger?: ServerLogger;
  /**
   * Most simultaneous connections from one remote address. Default 16 (`DEFAULT_MAX_CONNECTIONS_PER_ADDRESS`
   * of `@chat/core/adapter`); raised where many clients share one address on purpose (a bench on loopback,
   * a gateway in front of the server).
   */
  readonly maxConnectionsPerAddress?: number;
  /** Serve implicit TLS (the handshake first, no plaintext) instead of plaintext. Default plaintext. */
  readonly tls?: ServerTlsOptions;
}

/** The options every transport's client understands: core's client settings, and TLS. */
export interface TransportClientOptions extends ChatClientOptions {
  /** Speak TLS to the server (`true`: the system's CAs; or {@link ClientTlsOptions}). Default plaintext. */
  readonly tls?: ClientTls;
}

/**
 * One transport, as an application that picks transports by name sees it: its name, its default port, and
 * factories for its server and client. Each transport package exports exactly one (`wireTransport`,
 * `grpcTransport`); a list of them is a registry (the CLI's and the bench's), so adding a transport is
 * adding a descriptor, not editing every place that chooses one.
 */
export interface TransportDescriptor<Name extends string = string> {
  /** The name users type (`--transport wire`) and listener lines print. Lower case, no spaces. */
  readonly name: Name;
  /** The port its server listens on and its client connects to when none is given. */
  readonly defaultPort: number;
  /** A server of this transport in front of `service`; it listens once `listen` is called. */
  createServer(service: ChatService, options?: TransportServerOptions): TransportServer;
  /**
   * A client of this transport, not yet connected. Every client it creates has a TCP connection of its own
   * (never one shared with other clients of the process), so two clients are two separate devices.
   * `options` are core's client settings (deadlines, `reconnect`) and TLS; the transport's own keep their
   * defaults. A client with TLS reconnects over TLS too.
   */
  createClient(address: TransportAddress, options?: TransportClientOptions): ChatClient;
  /**
   * How a client of this transport speaks once connected (for the wire: `compact frames` or `fixed
   * frames`), for status lines; absent when there is nothing to say.
   */
  describeClient?(client: ChatClient): string | undefined;
}
