import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { ClientTls, ServerTlsOptions } from "@chat/core";
import { nodeServerTlsOptions } from "@chat/core/adapter";
import { CliFailure, ExitCode, firstLine } from "../cli-failure.js";

/** The PEM files `chat-cli serve` was given: `--tls-cert`, `--tls-key`, and `--tls-ca` to require client certificates. */
export interface ServerTlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

/** The PEM files `chat-cli connect --tls` was given, each optional: `--tls-ca`, `--tls-cert`, `--tls-key`. */
export interface ClientTlsFiles {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** Reads one PEM file named by `flag`; a file that cannot be read is a one-line failure naming both. */
async function readPem(flag: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const reason = code === "ENOENT" ? "no such file" : firstLine(error);
    throw new CliFailure(`cannot read ${flag} ${path}: ${reason}`);
  }
}

/**
 * The server's TLS settings from its files, checked before any listener starts: a certificate and key that
 * do not belong together, or a file that is not PEM, is a one-line failure here rather than a refused
 * handshake later.
 */
export async function readServerTls(files: ServerTlsFiles): Promise<ServerTlsOptions> {
  const [cert, key, ca] = await Promise.all([
    readPem("--tls-cert", files.cert),
    readPem("--tls-key", files.key),
    files.ca === undefined ? undefined : readPem("--tls-ca", files.ca),
  ]);
  const tls: ServerTlsOptions = { cert, key, ...(ca === undefined ? {} : { ca }) };
  try {
    createSecureContext(nodeServerTlsOptions(tls));
  } catch (error) {
    throw new CliFailure(
      `cannot use --tls-cert ${files.cert} with --tls-key ${files.key}: ${firstLine(error)}`,
    );
  }
  return tls;
}

/**
 * The client's TLS setting for `connect --tls`: `true` (the system's CAs) when no file was given, else the
 * files' contents. A client certificate needs its key and the other way round (a usage error).
 */
export async function readClientTls(files: ClientTlsFiles): Promise<ClientTls> {
  if ((files.cert === undefined) !== (files.key === undefined)) {
    throw new CliFailure("--tls-cert and --tls-key go together", ExitCode.USAGE);
  }
  const [ca, cert, key] = await Promise.all([
    files.ca === undefined ? undefined : readPem("--tls-ca", files.ca),
    files.cert === undefined ? undefined : readPem("--tls-cert", files.cert),
    files.key === undefined ? undefined : readPem("--tls-key", files.key),
  ]);
  if (ca === undefined && cert === undefined && key === undefined) return true;
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}
