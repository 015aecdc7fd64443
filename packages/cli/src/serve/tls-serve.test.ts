// Process tests of TLS: `chat-cli serve --tls-cert --tls-key` and `chat-cli connect --tls`, real processes,
// throwaway certificates, loopback only.
import { testCertificatesPerFile } from "@chat/core/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireBuiltCli } from "../testing/built-cli.js";
import { CliProcess, killAllCliProcesses } from "../testing/cli-process.js";
import { portOf, startTestServer } from "../testing/test-server.js";
import { TRANSPORT_NAMES, type TransportName } from "../transports/registry.js";
import { parseListenerLine } from "./listener-line.js";

beforeAll(requireBuiltCli);
const certificates = testCertificatesPerFile();
afterEach(killAllCliProcesses);

function serverTlsFlags(...extra: string[]): string[] {
  const { server } = certificates();
  return ["--memory", "--tls-cert", server.certPath, "--tls-key", server.keyPath, ...extra];
}

function connect(transport: TransportName, port: number, ...flags: string[]): CliProcess {
  return new CliProcess(["connect", "--transport", transport, "--port", String(port), ...flags]);
}

/** Registers and logs in `name`, who sends itself a message, then ends the input (the client exits 0). */
async function chatAs(client: CliProcess, name: string): Promise<void> {
  await client.command(`register ${name} password-${name}`, `ok register ${name}`);
  await client.command(`login ${name} password-${name}`, `ok login ${name}`);
  client.send(`message ${name} over tls`);
  // The delivery and the send's answer may come in either order.
  await client.waitForLine(new RegExp(`^(message ${name} over tls|ok message ${name} \\d+ live)$`));
  await client.waitForLine(new RegExp(`^(message ${name} over tls|ok message ${name} \\d+ live)$`));
  expect(client.lines).toContain(`message ${name} over tls`);
  client.endInput();
  expect((await client.waitForExit()).code).toBe(0);
}

describe("chat-cli serve with --tls-cert and --tls-key", () => {
  it.each(TRANSPORT_NAMES)("speaks TLS on the %s port to connect --tls --tls-ca", async (transport) => {
    const server = await startTestServer(serverTlsFlags());
    const port = portOf(server, transport);
    await chatAs(
      connect(transport, port, "--tls", "--tls-ca", certificates().ca.certPath),
      `tls_${transport}`,
    );
  });

  it.each(TRANSPORT_NAMES)(
    "refuses on the %s port a client that does not trust its CA",
    async (transport) => {
      const server = await startTestServer(serverTlsFlags());
      // The system's CAs do not know the test CA: connect fails in one line, status 1.
      const client = connect(transport, portOf(server, transport), "--tls");
      const exit = await client.waitForExit();
      expect(exit.code).toBe(1);
      expect(client.stderrMessages).toEqual([
        expect.stringMatching(/^chat-cli: cannot connect to the server at 127\.0\.0\.1:\d+ \(\w+, TLS\): /),
      ]);
    },
  );
});

describe("chat-cli serve with --tls-ca and --plain-port", () => {
  it("requires client certificates on the TLS ports and serves plaintext only on --plain-port", async () => {
    const { ca, client } = certificates();
    const server = await startTestServer(serverTlsFlags("--tls-ca", ca.certPath, "--plain-port", "0"));
    const plain = parseListenerLine(await server.process.waitForLine(/^wire-plaintext listening on /));
    if (plain === undefined) throw new Error("no plaintext listener line");
    const certificate = [
      "--tls",
      "--tls-ca",
      ca.certPath,
      "--tls-cert",
      client.certPath,
      "--tls-key",
      client.keyPath,
    ];
    await chatAs(connect("wire", portOf(server, "wire"), ...certificate), "mutual_wire");
    await chatAs(connect("grpc", portOf(server, "grpc"), ...certificate), "mutual_grpc");
    const withoutCertificate = connect("wire", portOf(server, "wire"), "--tls", "--tls-ca", ca.certPath);
    expect((await withoutCertificate.waitForExit()).code).toBe(1);
    expect(withoutCertificate.stderrMessages.join("\n")).toMatch(/TLS|certificate/);
    // The plaintext listener is a wire listener without TLS, in front of the same service.
    const plainClient = connect("wire", plain.port);
    await plainClient.command("login mutual_wire password-mutual_wire", "ok login mutual_wire");
    await plainClient.command("message mutual_grpc from plaintext", /^ok message mutual_grpc \d+ stored$/);
    plainClient.endInput();
    expect((await plainClient.waitForExit()).code).toBe(0);
  });

  it("fails to start, in one line, when the key does not belong to the certificate", async () => {
    const { server, client } = certificates();
    const serve = new CliProcess([
      "serve",
      "--memory",
      "--port",
      "0",
      "--grpc-port",
      "0",
      "--tls-cert",
      server.certPath,
      "--tls-key",
      client.keyPath,
    ]);
    const exit = await serve.waitForExit();
    expect(exit.code).toBe(1);
    expect(serve.stderrMessages).toEqual([
      expect.stringMatching(/^chat-cli: cannot use --tls-cert .* with --tls-key .*: .*key values mismatch/),
    ]);
  });
});
