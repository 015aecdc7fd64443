import { frameSizeOf, frameTypeOf } from "@chat/wire/codec";

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

/**
 * Splits the wire protocol's byte stream into frames. A frame's size follows from its code alone (no
 * length prefix), so the layout table of `@chat/wire` is all it takes: every byte on a wire socket is
 * part of a frame, which is why the wire's socket bytes and message bytes are always equal.
 */
export class WireStreamMeter implements StreamMeter {
  private socketBytes = 0;
  private messageBytes = 0;
  private readonly messages: string[] = [];
  /** Bytes still to come of the frame in progress (0 between frames). */
  private remaining = 0;

  feed(chunk: Buffer): void {
    this.socketBytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const code = chunk[offset] ?? 0;
        const size = frameSizeOf(code);
        if (size === undefined) {
          // An unknown code loses the frame boundary; count the rest as unparsed bytes.
          this.messages.push(`?${code}`);
          return;
        }
        this.messages.push(`${frameTypeOf(code) ?? "?"}:${size}`);
        this.messageBytes += size;
        this.remaining = size;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      this.remaining -= take;
      offset += take;
    }
  }

  totals(): MeterTotals {
    return { socketBytes: this.socketBytes, messageBytes: this.messageBytes, messages: [...this.messages] };
  }
}

const HTTP2_PREFACE_BYTES = 24;
const HTTP2_FRAME_HEADER_BYTES = 9;
const HTTP2_DATA = 0;
const HTTP2_FLAG_PADDED = 0x8;
const GRPC_PREFIX_BYTES = 5;

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
      if (type === HTTP2_DATA) {
        let payload = this.pending.subarray(
          offset + HTTP2_FRAME_HEADER_BYTES,
          offset + HTTP2_FRAME_HEADER_BYTES + length,
        );
        if ((flags & HTTP2_FLAG_PADDED) !== 0) {
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
      state = { prefix: Buffer.alloc(GRPC_PREFIX_BYTES), prefixFilled: 0, bodyRemaining: 0 };
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
      const take = Math.min(GRPC_PREFIX_BYTES - state.prefixFilled, payload.length - offset);
      payload.copy(state.prefix, state.prefixFilled, offset, offset + take);
      state.prefixFilled += take;
      offset += take;
      if (state.prefixFilled === GRPC_PREFIX_BYTES) {
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
