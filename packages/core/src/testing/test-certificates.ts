import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Days a generated certificate is valid (the tests that use them last minutes). */
const VALID_DAYS = 2;
/** The names every generated server certificate is valid for: where tests listen. */
const SERVER_NAMES = "subjectAltName=IP:127.0.0.1,DNS:localhost";

/** A certificate and its key, as PEM text and as files (for a command line). */
export interface TestKeyPair {
  readonly cert: string;
  readonly key: string;
  readonly certPath: string;
  readonly keyPath: string;
}

/** A throwaway CA: its certificate (to trust) and key (to sign with). */
export interface TestAuthority extends TestKeyPair {}

/**
 * Throwaway certificates for TLS tests, made offline by the `openssl` command line in a temporary
 * directory: two unrelated CAs and certificates signed by each. Never for anything but tests on loopback.
 */
export interface TestCertificates {
  /** The directory holding every file; {@link remove} deletes it. */
  readonly dir: string;
  /** The CA the tests trust. */
  readonly ca: TestAuthority;
  /** A server certificate from {@link ca} for 127.0.0.1 and localhost. */
  readonly server: TestKeyPair;
  /** A client certificate from {@link ca}. */
  readonly client: TestKeyPair;
  /** A server certificate from {@link ca} for the same names whose validity ended before it began. */
  readonly expiredServer: TestKeyPair;
  /** A CA the tests do not trust. */
  readonly otherCa: TestAuthority;
  /** A server certificate for 127.0.0.1 and localhost from {@link otherCa}. */
  readonly otherServer: TestKeyPair;
  /** A client certificate from {@link otherCa}. */
  readonly otherClient: TestKeyPair;
  /** Deletes the directory. */
  remove(): Promise<void>;
}

async function openssl(dir: string, args: readonly string[]): Promise<void> {
  try {
    await run("openssl", [...args], { cwd: dir });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `openssl failed (install it: scripts/ensure-system-packages.sh): openssl ${args.join(" ")}: ${detail}`,
    );
  }
}

/** Elliptic-curve keys: a fraction of RSA's generation time, and every TLS 1.2+ stack speaks them. */
const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"] as const;

async function pairIn(dir: string, name: string): Promise<TestKeyPair> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
  return { cert, key, certPath, keyPath };
}

/**
 * `openssl req` with a fresh key: writes `<name>.key` and `output` (a signing request, or with `-x509` among
 * `extra` a self-signed certificate), both for the subject `CN=<name>`.
 */
async function requestWithNewKey(
  dir: string,
  name: string,
  output: string,
  extra: readonly string[] = [],
): Promise<void> {
  await openssl(dir, [
    "req",
    ...NEW_KEY,
    "-keyout",
    `${name}.key`,
    "-out",
    output,
    "-subj",
    `/CN=${name}`,
    ...extra,
  ]);
}

async function authority(dir: string, name: string): Promise<TestAuthority> {
  await requestWithNewKey(dir, name, `${name}.crt`, [
    "-x509",
    "-days",
    String(VALID_DAYS),
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  return pairIn(dir, name);
}

/**
 * A certificate signed by `issuer`. `days` -1 makes one whose validity ends a day before it begins:
 * expired from the start, for every clock.
 */
async function issued(
  dir: string,
  issuer: TestAuthority,
  name: string,
  usage: "serverAuth" | "clientAuth",
  days: number,
): Promise<TestKeyPair> {
  const extensions = join(dir, `${name}.ext`);
  const lines = [`extendedKeyUsage=${usage}`, ...(usage === "serverAuth" ? [SERVER_NAMES] : [])];
  await writeFile(extensions, `${lines.join("\n")}\n`);
  await requestWithNewKey(dir, name, `${name}.csr`);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    issuer.certPath,
    "-CAkey",
    issuer.keyPath,
    "-set_serial",
    // Random, as a CA's serials must be unique and these certificates are made in parallel.
    `0x${randomBytes(8).toString("hex")}`,
    "-days",
    String(days),
    "-sha256",
    "-extfile",
    extensions,
    "-out",
    `${name}.crt`,
  ]);
  return pairIn(dir, name);
}

/** Generates a fresh {@link TestCertificates} set (a second or so: eight EC keys). */
export async function createTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), "chat-tls-"));
  try {
    const [ca, otherCa] = await Promise.all([authority(dir, "test-ca"), authority(dir, "other-ca")]);
    const [server, client, expiredServer, otherServer, otherClient] = await Promise.all([
      issued(dir, ca, "server", "serverAuth", VALID_DAYS),
      issued(dir, ca, "client", "clientAuth", VALID_DAYS),
      issued(dir, ca, "expired-server", "serverAuth", -1),
      issued(dir, otherCa, "other-server", "serverAuth", VALID_DAYS),
      issued(dir, otherCa, "other-client", "clientAuth", VALID_DAYS),
    ]);
    return {
      dir,
      ca,
      server,
      client,
      expiredServer,
      otherCa,
      otherServer,
      otherClient,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
