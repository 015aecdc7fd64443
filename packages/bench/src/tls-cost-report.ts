import { VARIANT_LABELS } from "./bench-variant.js";
import { integer, markdownTable, ms } from "./report-format.js";
import { TLS_CONNECT_SAMPLES, type TlsCostResult } from "./tls-cost.js";

/** TLS as a fraction of plaintext: 0.9 means TLS keeps 90 % of the plaintext figure. */
const fraction = (tls: number, plain: number): string =>
  plain > 0 ? `${Math.round((tls / plain) * 100)} %` : "–";

/** The TLS section of the markdown report: each variant's figures in plaintext and over TLS, side by side. */
export function tlsCostSection(results: readonly TlsCostResult[]): string[] {
  if (results.length === 0) return [];
  const header = ["variant", "measure", "plaintext", "TLS", "TLS / plaintext"];
  const rows = results.flatMap(({ variant, plain, tls }) => {
    const label = VARIANT_LABELS[variant];
    return [
      [
        label,
        "paddle round trips/s",
        integer(plain.paddle.roundTripsPerSecond),
        integer(tls.paddle.roundTripsPerSecond),
        fraction(tls.paddle.roundTripsPerSecond, plain.paddle.roundTripsPerSecond),
      ],
      [label, "paddle p50 ms", ms(plain.paddle.latency.p50Ms), ms(tls.paddle.latency.p50Ms), ""],
      [label, "paddle p99 ms", ms(plain.paddle.latency.p99Ms), ms(tls.paddle.latency.p99Ms), ""],
      [
        label,
        `relay msgs/s (${plain.relay.pairs} pairs)`,
        integer(plain.relay.messagesPerSecond),
        integer(tls.relay.messagesPerSecond),
        fraction(tls.relay.messagesPerSecond, plain.relay.messagesPerSecond),
      ],
      [label, "connect p50 ms", ms(plain.connectP50Ms), ms(tls.connectP50Ms), ""],
    ];
  });
  return [
    "### TLS cost (plaintext and TLS 1.3 on fresh servers, back to back)",
    "",
    `Each transport's default client (compact frames; the Chat stream), on a plaintext server and then on one with`,
    `TLS on every listener (ECDSA P-256 certificate). Connect: median of ${TLS_CONNECT_SAMPLES} fresh clients, TCP`,
    "and handshake and hello (or HTTP/2 set-up) included.",
    "",
    markdownTable(header, rows),
    "",
  ];
}
