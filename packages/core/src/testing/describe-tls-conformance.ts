import { describe, expect, it } from "vitest";
import type { ChatClient } from "../chat-client.js";
import type { ChatError } from "../chat-error.js";
import type { ChatService } from "../chat-service.js";
import type { TransportServer } from "../transport-descriptor.js";
import type { ClientTls, ServerTlsOptions } from "../transport-tls.js";
import { cleanupAfterEachTest } from "./cleanup-after-each-test.js";
import { PASSWORD } from "./conformance-world.js";
import { expectChatError } from "./expect-chat-error.js";
import { createTestService } from "./harness.js";
import { Inbox } from "./inbox.js";
import type { TestCertificates, TestKeyPair } from "./test-certificates.js";
import { oldTlsHandshakeFailure } from "./tls-probes.js";

/** A server under {@link describeTlsConformance}: it says whether it serves TLS. */
export interface TlsConformanceServer extends TransportServer {
  readonly secure: boolean;
}

/** A client under {@link describeTlsConformance}: it says whether it speaks TLS. */
export interface TlsConformanceClient extends ChatClient {
  readonly secure: boolean;
}

/** Why a client refused a server's certificate, for {@link TlsConformanceTransport.checkRefusal}. */
export type TlsRefusal = "wrong servername" | "untrusted CA" | "expired certificate";

/** How {@link describeTlsConformance} reaches one transport. */
export interface TlsConformanceTransport<Server extends TlsConformanceServer = TlsConformanceServer> {
  /** Names the transport in the test titles. */
  readonly name: string;
  /** A real server of the transport in front of `service`, serving TLS with `tls`; the suite listens with it. */
  createServer(service: ChatService, tls: ServerTlsOptions): Server;
  /**
   * A client of 127.0.0.1:`port`, not yet connected. `refused` is true where the test expects the handshake
   * to fail: a client that retries a failed handshake until its connect deadline (gRPC) shortens it there.
   */
  createClient(port: number, tls: ClientTls, refused: boolean): TlsConformanceClient;
  /** The ALPN protocols a raw TLS probe offers (a gRPC server wants `h2`); none when absent. */
  readonly alpn?: readonly string[];
  /**
   * Checks what a refused client's `UNAVAILABLE` says, where the transport's client names the reason (the
   * wire client does); absent when it says nothing more.
   */
  checkRefusal?(error: ChatError, refusal: TlsRefusal): void;
  /**
   * The connections `server` holds past their handshake, where it counts those apart from the ones still
   * in it (the wire server does): a refused client never becomes one. Absent when it does not.
   */
  chatConnections?(server: Server): number;
}

/** A key pair as a server's TLS identity. */
function identity(pair: TestKeyPair): ServerTlsOptions {
  return { cert: pair.cert, key: pair.key };
}

/**
 * What TLS means for every transport, written once: who is trusted, who is refused (wrong name, unknown
 * CA, expired certificate, plaintext, no or a foreign client certificate), and that TLS 1.1 is refused by
 * the server itself. `certificates` is the file's {@link testCertificatesPerFile} set. The transport's own
 * TLS details (its probes, its error wording, its limits) stay in its own tests.
 */
export function describeTlsConformance<Server extends TlsConformanceServer>(
  transport: TlsConformanceTransport<Server>,
  certificates: () => TestCertificates,
): void {
  describe(`TLS conformance over ${transport.name}`, () => {
    const deferCleanup = cleanupAfterEachTest();

    async function serve(tls: ServerTlsOptions): Promise<{ server: Server; port: number }> {
      const service = createTestService();
      const server = transport.createServer(service, tls);
      const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
      deferCleanup(async () => {
        await server.close();
        await service.close();
      });
      return { server, port };
    }

    function client(port: number, tls: ClientTls, refused = false): TlsConformanceClient {
      const made = transport.createClient(port, tls, refused);
      deferCleanup(() => made.close());
      return made;
    }

    async function expectRefusal(port: number, tls: ClientTls, refusal: TlsRefusal): Promise<void> {
      const error = await expectChatError(client(port, tls, true).connect(), "UNAVAILABLE");
      transport.checkRefusal?.(error, refusal);
    }

    const trustingCa = () => ({ ca: certificates().ca.cert });
    const mutual = () => ({ ...identity(certificates().server), ca: certificates().ca.cert });
    const withCertificate = (pair: TestKeyPair) => ({
      ca: certificates().ca.cert,
      cert: pair.cert,
      key: pair.key,
    });

    it("carries a session, deliveries included, for a client that trusts the server's CA, and both say so", async () => {
      const { port, server } = await serve(identity(certificates().server));
      expect(server.secure).toBe(true);
      const alice = client(port, trustingCa());
      await alice.connect();
      expect(alice.secure).toBe(true);
      await alice.register("alice", PASSWORD);
      expect(await alice.login("alice", PASSWORD)).toEqual({ username: "alice" });
      const inbox = new Inbox(alice);
      expect((await alice.send("alice", "to myself")).delivery).toBe("live");
      expect(await inbox.next()).toMatchObject({ from: "alice", content: "to myself" });
    });

    it("checks the certificate against a servername other than the host connected to", async () => {
      const { port } = await serve(identity(certificates().server));
      await client(port, { ...trustingCa(), servername: "localhost" }).connect();
      await expectRefusal(port, { ...trustingCa(), servername: "chat.example" }, "wrong servername");
    });

    it("is refused by a client that does not trust the server's CA", async () => {
      const { port, server } = await serve(identity(certificates().otherServer));
      await expectRefusal(port, trustingCa(), "untrusted CA");
      // The control: the same server is fine for a client that trusts its CA.
      await client(port, { ca: certificates().otherCa.cert }).connect();
      if (transport.chatConnections) expect(transport.chatConnections(server)).toBe(1);
    });

    it("is refused by a client when its certificate has expired", async () => {
      const { port } = await serve(identity(certificates().expiredServer));
      await expectRefusal(port, trustingCa(), "expired certificate");
    });

    it("is refused by a plaintext client, and keeps serving TLS clients", async () => {
      const { port } = await serve(identity(certificates().server));
      await expectChatError(client(port, false, true).connect(), "UNAVAILABLE");
      const after = client(port, trustingCa());
      await after.connect();
      await after.register("after", PASSWORD);
    });

    describe("with a CA for client certificates", () => {
      it("serves a client with a certificate from that CA", async () => {
        const { port } = await serve(mutual());
        const alice = client(port, withCertificate(certificates().client));
        await alice.connect();
        await alice.register("alice", PASSWORD);
        await alice.login("alice", PASSWORD);
      });

      it("refuses a client without a certificate, and one with a certificate from another CA", async () => {
        const { port, server } = await serve(mutual());
        await expectChatError(client(port, trustingCa(), true).connect(), "UNAVAILABLE");
        const foreign = client(port, withCertificate(certificates().otherClient), true);
        await expectChatError(foreign.connect(), "UNAVAILABLE");
        if (transport.chatConnections) expect(transport.chatConnections(server)).toBe(0);
        // The control: a certificate from the CA gets in.
        await client(port, withCertificate(certificates().client)).connect();
      });
    });

    it("refuses TLS 1.1: the server answers a protocol_version alert", async () => {
      const { port } = await serve(identity(certificates().server));
      const failure = await oldTlsHandshakeFailure(port, certificates().ca.cert, transport.alpn);
      // The server's alert (RFC 8446 protocol_version, 70), not a client that could not offer TLS 1.1.
      expect(failure.code).toBe("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
    });
  });
}
