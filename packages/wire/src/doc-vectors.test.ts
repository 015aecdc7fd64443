import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeCompactFrame } from "./compact-decoder.js";
import { encodeCompactFrame } from "./compact-encoder.js";
import type { Frame } from "./frame.js";
import { decodeFrame } from "./frame-decoder.js";
import { encodeFrame } from "./frame-encoder.js";
import { FrameCode } from "./frame-layout.js";

/** The protocol doc, whose golden vectors these tests use so that it cannot drift from the code. */
const DOC_URL = new URL("../../../docs/wire-protocol.md", import.meta.url);

interface Vector {
  readonly frame: Frame;
  readonly bytes: Uint8Array;
}

/** Expands the doc's hex notation: whitespace-separated hex, `00*N` for N zero bytes. */
function parseHex(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const run = /^([0-9a-f]{2})\*(\d+)$/i.exec(token);
    if (run) {
      for (let index = 0; index < Number(run[2]); index++) bytes.push(Number.parseInt(run[1] ?? "", 16));
      continue;
    }
    if (!/^([0-9a-f]{2})+$/i.test(token)) throw new Error(`bad hex token ${token}`);
    for (let at = 0; at < token.length; at += 2) bytes.push(Number.parseInt(token.slice(at, at + 2), 16));
  }
  return Uint8Array.from(bytes);
}

/** JSON has no bytes: the doc writes byte fields (the client message id) as lists of numbers. */
function bytesReviver(key: string, value: unknown): unknown {
  return key === "clientMessageId" && Array.isArray(value) ? Uint8Array.from(value as number[]) : value;
}

/** The vectors of blocks tagged `tag`: `wire-vector` (fixed framing) or `wire-compact-vector`. */
function loadVectors(tag: string): Vector[] {
  const doc = readFileSync(DOC_URL, "utf8");
  return [...doc.matchAll(new RegExp(`\`\`\`${tag}\n([^\n]*)\n([\\s\\S]*?)\`\`\``, "g"))].map((match) => ({
    frame: JSON.parse(match[1] ?? "", bytesReviver) as Frame,
    bytes: parseHex(match[2] ?? ""),
  }));
}

const framings = [
  { name: "fixed", tag: "wire-vector", encode: encodeFrame, decode: decodeFrame },
  { name: "compact", tag: "wire-compact-vector", encode: encodeCompactFrame, decode: decodeCompactFrame },
] as const;

for (const { name, tag, encode, decode } of framings) {
  describe(`docs/wire-protocol.md golden vectors, ${name} framing`, () => {
    const vectors = loadVectors(tag);

    it("has at least one vector for every frame type", () => {
      const covered = new Set(vectors.map((vector) => vector.frame.type));
      expect([...covered].sort()).toEqual(Object.keys(FrameCode).sort());
    });

    for (const [index, { frame, bytes }] of vectors.entries()) {
      it(`vector ${index + 1}: ${frame.type} encodes and decodes exactly`, () => {
        expect(encode(frame)).toEqual(bytes);
        expect(decode(bytes)).toEqual(frame);
      });
    }
  });
}
