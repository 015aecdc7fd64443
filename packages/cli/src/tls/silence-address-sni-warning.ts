/** Node's code for "Setting the TLS ServerName to an IP address is not permitted by RFC 6066". */
const ADDRESS_SNI_WARNING = "DEP0123";

let silenced = false;

/**
 * grpc-js always sends the host it connects to as the TLS server name, an IP address included, and node
 * then prints a deprecation warning (once per process). For a person at the prompt that line is noise
 * about a library's internals, like grpc-js's own diagnostics (`routeGrpcLogs`): `connect --tls` drops
 * that one warning and lets every other through.
 */
export function silenceAddressSniWarning(): void {
  if (silenced) return;
  silenced = true;
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
    const [typeOrOptions, code] = rest;
    const warningCode =
      typeof typeOrOptions === "object" && typeOrOptions !== null && "code" in typeOrOptions
        ? typeOrOptions.code
        : code;
    if (warningCode === ADDRESS_SNI_WARNING) return;
    (emitWarning as (warning: string | Error, ...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
