import { join } from "node:path";
import { testCertificatesPerFile } from "@chat/core/testing";
import { describe, expect, it } from "vitest";
import { CliFailure, ExitCode } from "../cli-failure.js";
import { readClientTls, readServerTls } from "./tls-files.js";

const certificates = testCertificatesPerFile();

async function failure(work: Promise<unknown>): Promise<CliFailure> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliFailure);
  return error as CliFailure;
}

describe("readServerTls", () => {
  it("reads the certificate, the key and the client CA", async () => {
    const { server, ca } = certificates();
    const tls = await readServerTls({ cert: server.certPath, key: server.keyPath, ca: ca.certPath });
    expect(String(tls.cert)).toBe(server.cert);
    expect(String(tls.key)).toBe(server.key);
    expect(String(tls.ca)).toBe(ca.cert);
  });

  it("names the flag and the file it cannot read", async () => {
    const missing = join(certificates().dir, "missing.crt");
    const error = await failure(readServerTls({ cert: missing, key: certificates().server.keyPath }));
    expect(error.message).toBe(`cannot read --tls-cert ${missing}: no such file`);
    expect(error.exitCode).toBe(ExitCode.FAILURE);
  });

  it("refuses a key that does not belong to the certificate, before anything listens", async () => {
    const { server, client } = certificates();
    const error = await failure(readServerTls({ cert: server.certPath, key: client.keyPath }));
    expect(error.message).toMatch(/^cannot use --tls-cert .* with --tls-key .*: .*key values mismatch/);
  });
});

describe("readClientTls", () => {
  it("is true (the system's CAs) with no file, and the files' contents otherwise", async () => {
    expect(await readClientTls({})).toBe(true);
    const { ca, client } = certificates();
    const tls = await readClientTls({ ca: ca.certPath, cert: client.certPath, key: client.keyPath });
    expect(typeof tls === "object" && String(tls.ca)).toBe(ca.cert);
    expect(typeof tls === "object" && String(tls.cert)).toBe(client.cert);
  });

  it("is a usage error with a certificate and no key", async () => {
    const error = await failure(readClientTls({ cert: certificates().client.certPath }));
    expect(error.exitCode).toBe(ExitCode.USAGE);
    expect(error.message).toBe("--tls-cert and --tls-key go together");
  });
});
