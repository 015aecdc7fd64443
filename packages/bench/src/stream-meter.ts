import {
  GRPC_MESSAGE_PREFIX_BYTES,
  HTTP2_DATA_FRAME,
  HTTP2_FRAME_HEADER_BYTES,
  HTTP2_PADDED_FLAG,
  HTTP2_PREFACE_BYTES,
} from "@chat/grpc/framing";
import { compactFrameSizeAt, frameSizeOf, frameTypeOf } from "@chat/wire/codec";

/** What a meter has seen of one direction of a connection. */
export interface MeterTotals {
  /** Every byte that crossed. */
  readonly socketBytes: number;
  /** Bytes of complete encoded messages (wire frames; protobuf messages without the gRPC prefix). */
  readonly messageBytes: number;
  /** Each complete message, as `name:bytes`, in order. */
  readonly messages: readonly string[];
}

/** Watches the bytes of one direction of a connection and recognises the messages in them. */
export interface StreamMeter {
  feed(chunk: Buffer): void;
  totals(): MeterTotals;
}

/** Most bytes before a compact frame's size is known: a two-byte length and the code. */
const COMPACT_HEADER_MAX = 3;

/**
 * Splits the wire protocol's byte stream into frames. In fixed framing a frame's size follows from its code
 * alone (no length prefix), so the layout table of `@chat/wire` is all it takes; in compact framing (from
 * the frame after the hello on, when `compactAfterHello`) each frame starts with its length. Either way
 * every byte on a wire socket is part of a frame, which is why the wire's socket bytes and message bytes
 * are always equal.
 */
export class WireStreamMeter implements StreamMeter {
  private socketBytes = 0;
  private messageBytes = 0;
  private readonly messages: string[] = [];
  /** Bytes still to come of the frame in progress (0 between frames). */
  private remaining = 0;
  private compact = false;
  /** The first bytes of a compact frame whose size is not known yet. */
  private readonly header = new Uint8Array(COMPACT_HEADER_MAX);
  private headerLength = 0;
  private lost = false;

  /** @param compactAfterHello whether the connection negotiates compact framing in its hello */
  constructor(private readonly compactAfterHello = false) {}

  feed(chunk: Buffer): void {
    this.socketBytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length && !this.lost) {
      if (this.remaining === 0) {
        offset = this.compact ? this.startCompact(chunk, offset) : this.startFixed(chunk, offset);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.remaining -= take;
      offset += take;
    }
  }

  private startFixed(chunk: Buffer, offset: number): number {
    const code = chunk[offset] ?? 0;
    const size = frameSizeOf(code);
    if (size === undefined) return this.lose(`?${code}`);
    const type = frameTypeOf(code) ?? "?";
    this.count(type, size);
    // The hello's answer (or the hello) is the last fixed frame; compact starts right after it.
    if (this.compactAfterHello && (type === "hel" || type === "hey")) this.compact = true;
    return offset;
  }

  private startCompact(chunk: Buffer, offset: number): number {
    let at = offset;
    while (at < chunk.length && this.headerLength < COMPACT_HEADER_MAX) {
      this.header[this.headerLength++] = chunk[at++] as number;
      let size: number | undefined;
      try {
        size = compactFrameSizeAt(this.header, 0, this.headerLength);
      } catch {
        return this.lose("?length");
      }
      if (size === undefined) continue;
      const codeAt = this.headerLength - 1;
      this.count(frameTypeOf(this.header[codeAt] as number) ?? "?", size);
      // The header bytes read so far are part of the frame.
      this.remaining = size - this.headerLength;
      this.headerLength = 0;
      return at;
    }
    return at;
  }

  private count(type: string, size: number): void {
    this.messages.push(`${type}:${size}`);
    this.messageBytes += size;
    this.remaining = size;
  }

  /** An unknown code or a bad length loses the frame boundary; the rest counts as unparsed bytes. */
  private lose(label: string): number {
    this.messages.push(label);
    this.lost = true;
    return Number.POSITIVE_INFINITY;
  }

  totals(): MeterTotals {
    return { socketBytes: this.socketBytes, messageBytes: this.messageBytes, messages: [...this.messages] };
  }
}

/** Progress through the gRPC length-prefixed messages of one HTTP/2 stream. */
interface GrpcStreamState {
  prefix: Buffer;
  prefixFilled: number;
  bodyRemaining: number;
}

/**
 * Follows HTTP/2 framing (RFC 9113 §4.1) and, inside DATA frames, gRPC's length-prefixed messages (a flag
 * byte and a 4-byte big-endian length), so the protobuf bytes can be told apart from everything gRPC
 * wraps them in: the connection preface, frame headers, HPACK header blocks, SETTINGS, PING,
 * WINDOW_UPDATE and the 5-byte prefix of each message.
 */
export class Http2StreamMeter implements StreamMeter {
  private socketBytes = 0;
  private messageBytes = 0;
  private readonly messages: string[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private prefaceRemaining: number;
  private readonly streams = new Map<number, GrpcStreamState>();

  /** @param clientSide whether this direction starts with the client connection preface. */
  constructor(clientSide: boolean) {
    this.prefaceRemaining = clientSide ? HTTP2_PREFACE_BYTES : 0;
  }

  feed(chunk: Buffer): void {
    this.socketBytes += chunk.length;
    let data = chunk;
    if (this.prefaceRemaining > 0) {
      const skip = Math.min(this.prefaceRemaining, data.length);
      this.prefaceRemaining -= skip;
      data = data.subarray(skip);
    }
    // Measurement only, off the hot path: copying into one buffer keeps the parser simple.
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    let offset = 0;
    while (this.pending.length - offset >= HTTP2_FRAME_HEADER_BYTES) {
      const length = this.pending.readUIntBE(offset, 3);
      if (this.pending.length - offset < HTTP2_FRAME_HEADER_BYTES + length) break;
      const type = this.pending[offset + 3];
      const flags = this.pending[offset + 4] ?? 0;
      const streamId = this.pending.readUInt32BE(offset + 5) & 0x7fffffff;
      if (type === HTTP2_DATA_FRAME) {
        let payload = this.pending.subarray(
          offset + HTTP2_FRAME_HEADER_BYTES,
          offset + HTTP2_FRAME_HEADER_BYTES + length,
        );
        if ((flags & HTTP2_PADDED_FLAG) !== 0) {
          const padding = payload[0] ?? 0;
          payload = payload.subarray(1, payload.length - padding);
        }
        this.data(streamId, payload);
      }
      offset += HTTP2_FRAME_HEADER_BYTES + length;
    }
    this.pending = Buffer.from(this.pending.subarray(offset));
  }

  private data(streamId: number, payload: Buffer): void {
    let state = this.streams.get(streamId);
    if (!state) {
      state = { prefix: Buffer.alloc(GRPC_MESSAGE_PREFIX_BYTES), prefixFilled: 0, bodyRemaining: 0 };
      this.streams.set(streamId, state);
    }
    let offset = 0;
    while (offset < payload.length) {
      if (state.bodyRemaining > 0) {
        const take = Math.min(state.bodyRemaining, payload.length - offset);
        state.bodyRemaining -= take;
        offset += take;
        continue;
      }
      const take = Math.min(GRPC_MESSAGE_PREFIX_BYTES - state.prefixFilled, payload.length - offset);
      payload.copy(state.prefix, state.prefixFilled, offset, offset + take);
      state.prefixFilled += take;
      offset += take;
      if (state.prefixFilled === GRPC_MESSAGE_PREFIX_BYTES) {
        const size = state.prefix.readUInt32BE(1);
        this.messages.push(`pb:${size}`);
        this.messageBytes += size;
        state.bodyRemaining = size;
        state.prefixFilled = 0;
      }
    }
  }

  totals(): MeterTotals {
    return { socketBytes: this.socketBytes, messageBytes: this.messageBytes, messages: [...this.messages] };
  }
}
