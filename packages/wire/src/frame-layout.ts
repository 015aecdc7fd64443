import {
  CLIENT_MESSAGE_ID_MAX_BYTES,
  CLIENT_MESSAGE_ID_MIN_BYTES,
  CONTENT_MAX_BYTES,
  PASSWORD_MAX_BYTES,
  USERNAME_MAX_BYTES,
  WILDCARD_MAX_BYTES,
} from "@chat/core";

/*
 * Byte layout of every frame. A frame is a one-byte message code (struct `B`) followed by fixed-width
 * fields, so its size follows from its code alone. Strings are NUL-padded UTF-8 (struct `Ns`); integers
 * are unsigned big-endian (network order, struct `>H`, `>I`, `>Q`). Offsets below are from the start of
 * the frame, code byte included. docs/wire-protocol.md is the readable form of this file.
 *
 * Seed frames (codes 0–8, the seed's table, byte-exact):
 *   0 reg  code | username 16s | password 64s                    81 bytes
 *   1 log  code | username 16s | password 64s                    81 bytes
 *   2 del  code                                                   1 byte
 *   3 acd  code                                                   1 byte
 *   4 acf  code | wildcard 16s                                   17 bytes
 *   5 msg  code | to 16s | content 512s                         529 bytes
 *   6 err  code | text 256s                                     257 bytes
 *   7 suc  code | text 256s                                     257 bytes
 *   8 nms  code | from 16s | content 512s                       529 bytes
 *
 * Extension frames (codes 9 and up, only after a `hel`/`hey` exchange):
 *   9  hel code | version >H | features >I                        7 bytes
 *   10 hey code | version >H | features >I                        7 bytes
 *   11 lsq code | flags B | pageSize >I | pattern 16s | cursor 64s   86 bytes
 *   12 lsn code | count B | 16 × name 16s                       258 bytes
 *   13 lse code | cursor 64s                                     65 bytes
 *   14 out code                                                   1 byte
 *   15 dlv code | seq >Q | sentAt >Q | from 16s | content 512s   545 bytes
 *   16 ack code | upToSeq >Q                                      9 bytes
 *   17 png code | nonce >I                                        5 bytes
 *   18 pog code | nonce >I                                        5 bytes
 *   19 erx code | status B | text 256s                          258 bytes
 *   20 ok  code                                                   1 byte
 *   21 lin code | username 16s                                   17 bytes
 *   22 snt code | seq >Q | sentAt >Q | delivery B                18 bytes
 *   23 bye code | status B | text 256s                          258 bytes
 *   24 mid code | to 16s | idLength B | id 32s | content 512s   562 bytes
 */

/** The message code of every frame type. Codes 0–8 are the seed's; 9 and up are negotiated extensions. */
export const FrameCode = {
  reg: 0,
  log: 1,
  del: 2,
  acd: 3,
  acf: 4,
  msg: 5,
  err: 6,
  suc: 7,
  nms: 8,
  hel: 9,
  hey: 10,
  lsq: 11,
  lsn: 12,
  lse: 13,
  out: 14,
  dlv: 15,
  ack: 16,
  png: 17,
  pog: 18,
  erx: 19,
  ok: 20,
  lin: 21,
  snt: 22,
  bye: 23,
  mid: 24,
} as const;

/** The name of a frame type: a key of {@link FrameCode}. */
export type FrameType = keyof typeof FrameCode;

/** Highest code of the seed's table; a client that never says hello only ever receives codes up to this. */
export const SEED_MAX_CODE = FrameCode.nms;

// ---- Field widths -------------------------------------------------------------------------------------

/** The message code: one unsigned byte at offset 0. */
export const CODE_OFFSET = 0;
/** Width of the message code. */
export const CODE_WIDTH = 1;
/** Width of a one-byte unsigned integer (struct `B`). */
export const U8_WIDTH = 1;
/** Width of a two-byte unsigned integer (struct `>H`). */
export const U16_WIDTH = 2;
/** Width of a four-byte unsigned integer (struct `>I`). */
export const U32_WIDTH = 4;
/** Width of an eight-byte unsigned integer (struct `>Q`); values above 2^53 − 1 are refused. */
export const U64_WIDTH = 8;
/** A username field (`16s`): core's username limit, which is the seed's field. */
export const USERNAME_WIDTH = USERNAME_MAX_BYTES;
/** A password field (`64s`). */
export const PASSWORD_WIDTH = PASSWORD_MAX_BYTES;
/** A message content field (`512s`). */
export const CONTENT_WIDTH = CONTENT_MAX_BYTES;
/** A wildcard field (`16s`). */
export const WILDCARD_WIDTH = WILDCARD_MAX_BYTES;
/** A reply text field of `err`, `suc`, `erx` and `bye` (`256s`). */
export const TEXT_WIDTH = 256;
/** A page cursor field (`64s`); core's cursors are far shorter. */
export const CURSOR_WIDTH = 64;
/** A client message id field: core's limit, NUL-padded after its length. */
export const CLIENT_MESSAGE_ID_WIDTH = CLIENT_MESSAGE_ID_MAX_BYTES;
/** Shortest client message id a `mid` may carry (core's limit). */
export const CLIENT_MESSAGE_ID_MIN_LENGTH = CLIENT_MESSAGE_ID_MIN_BYTES;
/** How many names one `lsn` frame carries at most. */
export const NAMES_PER_FRAME = 16;

// ---- Seed frames --------------------------------------------------------------------------------------

/** `reg`/`log`: offset of the username. */
export const CREDENTIALS_USERNAME_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `reg`/`log`: offset of the password. */
export const CREDENTIALS_PASSWORD_OFFSET = CREDENTIALS_USERNAME_OFFSET + USERNAME_WIDTH;
/** `reg`/`log`: frame size (81). */
export const CREDENTIALS_FRAME_SIZE = CREDENTIALS_PASSWORD_OFFSET + PASSWORD_WIDTH;

/** Frames that are only a code (`del`, `acd`, `out`, `ok`): size 1. */
export const BARE_FRAME_SIZE = CODE_WIDTH;

/** `acf`: offset of the wildcard. */
export const ACF_WILDCARD_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `acf`: frame size (17). */
export const ACF_FRAME_SIZE = ACF_WILDCARD_OFFSET + WILDCARD_WIDTH;

/** `msg`/`nms`: offset of the user name (recipient for `msg`, sender for `nms`). */
export const CHAT_USERNAME_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `msg`/`nms`: offset of the content. */
export const CHAT_CONTENT_OFFSET = CHAT_USERNAME_OFFSET + USERNAME_WIDTH;
/** `msg`/`nms`: frame size (529). */
export const CHAT_FRAME_SIZE = CHAT_CONTENT_OFFSET + CONTENT_WIDTH;

/** `err`/`suc`: offset of the text. */
export const REPLY_TEXT_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `err`/`suc`: frame size (257). */
export const REPLY_FRAME_SIZE = REPLY_TEXT_OFFSET + TEXT_WIDTH;

// ---- Extension frames ---------------------------------------------------------------------------------

/** `hel`/`hey`: offset of the protocol version. */
export const HELLO_VERSION_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `hel`/`hey`: offset of the feature bits. */
export const HELLO_FEATURES_OFFSET = HELLO_VERSION_OFFSET + U16_WIDTH;
/** `hel`/`hey`: frame size (7). */
export const HELLO_FRAME_SIZE = HELLO_FEATURES_OFFSET + U32_WIDTH;

/** `lsq`: offset of the flags byte (which optional fields are present). */
export const LSQ_FLAGS_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `lsq`: offset of the page size. */
export const LSQ_PAGE_SIZE_OFFSET = LSQ_FLAGS_OFFSET + U8_WIDTH;
/** `lsq`: offset of the wildcard. */
export const LSQ_PATTERN_OFFSET = LSQ_PAGE_SIZE_OFFSET + U32_WIDTH;
/** `lsq`: offset of the cursor. */
export const LSQ_CURSOR_OFFSET = LSQ_PATTERN_OFFSET + WILDCARD_WIDTH;
/** `lsq`: frame size (86). */
export const LSQ_FRAME_SIZE = LSQ_CURSOR_OFFSET + CURSOR_WIDTH;
/** `lsq` flag: the page size field is set. */
export const LSQ_FLAG_PAGE_SIZE = 0b01;
/** `lsq` flag: the cursor field is set (an empty cursor is still a cursor, and an invalid one). */
export const LSQ_FLAG_CURSOR = 0b10;

/** `lsn`: offset of the name count. */
export const LSN_COUNT_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `lsn`: offset of the first name; name `i` is at `LSN_NAMES_OFFSET + i * USERNAME_WIDTH`. */
export const LSN_NAMES_OFFSET = LSN_COUNT_OFFSET + U8_WIDTH;
/** `lsn`: frame size (258). */
export const LSN_FRAME_SIZE = LSN_NAMES_OFFSET + NAMES_PER_FRAME * USERNAME_WIDTH;

/** `lse`: offset of the next-page cursor (empty: the listing is complete). */
export const LSE_CURSOR_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `lse`: frame size (65). */
export const LSE_FRAME_SIZE = LSE_CURSOR_OFFSET + CURSOR_WIDTH;

/** `dlv`: offset of the sequence number. */
export const DLV_SEQ_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `dlv`: offset of the send time (ms since the Unix epoch). */
export const DLV_SENT_AT_OFFSET = DLV_SEQ_OFFSET + U64_WIDTH;
/** `dlv`: offset of the sender. */
export const DLV_FROM_OFFSET = DLV_SENT_AT_OFFSET + U64_WIDTH;
/** `dlv`: offset of the content. */
export const DLV_CONTENT_OFFSET = DLV_FROM_OFFSET + USERNAME_WIDTH;
/** `dlv`: frame size (545). */
export const DLV_FRAME_SIZE = DLV_CONTENT_OFFSET + CONTENT_WIDTH;

/** `ack`: offset of the sequence number acknowledged (cumulative). */
export const ACK_SEQ_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `ack`: frame size (9). */
export const ACK_FRAME_SIZE = ACK_SEQ_OFFSET + U64_WIDTH;

/** `png`/`pog`: offset of the nonce. */
export const HEARTBEAT_NONCE_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `png`/`pog`: frame size (5). */
export const HEARTBEAT_FRAME_SIZE = HEARTBEAT_NONCE_OFFSET + U32_WIDTH;

/** `erx`/`bye`: offset of the status (a `ChatErrorCode` number). */
export const STATUS_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `erx`/`bye`: offset of the text. */
export const STATUS_TEXT_OFFSET = STATUS_OFFSET + U8_WIDTH;
/** `erx`/`bye`: frame size (258). */
export const STATUS_FRAME_SIZE = STATUS_TEXT_OFFSET + TEXT_WIDTH;

/** `lin`: offset of the username as registered. */
export const LIN_USERNAME_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `lin`: frame size (17). */
export const LIN_FRAME_SIZE = LIN_USERNAME_OFFSET + USERNAME_WIDTH;

/** `snt`: offset of the sequence number in the recipient's log. */
export const SNT_SEQ_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `snt`: offset of the send time. */
export const SNT_SENT_AT_OFFSET = SNT_SEQ_OFFSET + U64_WIDTH;
/** `snt`: offset of the delivery byte (0 live, 1 stored). */
export const SNT_DELIVERY_OFFSET = SNT_SENT_AT_OFFSET + U64_WIDTH;
/** `snt`: frame size (18). */
export const SNT_FRAME_SIZE = SNT_DELIVERY_OFFSET + U8_WIDTH;
/** `snt` delivery byte: delivered live. */
export const SNT_DELIVERY_LIVE = 0;
/** `snt` delivery byte: stored for the next login. */
export const SNT_DELIVERY_STORED = 1;

/** `mid`: offset of the recipient. */
export const MID_TO_OFFSET = CODE_OFFSET + CODE_WIDTH;
/** `mid`: offset of the client message id's length (1–32). */
export const MID_ID_LENGTH_OFFSET = MID_TO_OFFSET + USERNAME_WIDTH;
/** `mid`: offset of the client message id; the bytes past its length are zero. */
export const MID_ID_OFFSET = MID_ID_LENGTH_OFFSET + U8_WIDTH;
/** `mid`: offset of the content. */
export const MID_CONTENT_OFFSET = MID_ID_OFFSET + CLIENT_MESSAGE_ID_WIDTH;
/** `mid`: frame size (562). */
export const MID_FRAME_SIZE = MID_CONTENT_OFFSET + CONTENT_WIDTH;

/** Frame size of every type, by type name. */
export const FRAME_SIZES: { readonly [type in FrameType]: number } = {
  reg: CREDENTIALS_FRAME_SIZE,
  log: CREDENTIALS_FRAME_SIZE,
  del: BARE_FRAME_SIZE,
  acd: BARE_FRAME_SIZE,
  acf: ACF_FRAME_SIZE,
  msg: CHAT_FRAME_SIZE,
  err: REPLY_FRAME_SIZE,
  suc: REPLY_FRAME_SIZE,
  nms: CHAT_FRAME_SIZE,
  hel: HELLO_FRAME_SIZE,
  hey: HELLO_FRAME_SIZE,
  lsq: LSQ_FRAME_SIZE,
  lsn: LSN_FRAME_SIZE,
  lse: LSE_FRAME_SIZE,
  out: BARE_FRAME_SIZE,
  dlv: DLV_FRAME_SIZE,
  ack: ACK_FRAME_SIZE,
  png: HEARTBEAT_FRAME_SIZE,
  pog: HEARTBEAT_FRAME_SIZE,
  erx: STATUS_FRAME_SIZE,
  ok: BARE_FRAME_SIZE,
  lin: LIN_FRAME_SIZE,
  snt: SNT_FRAME_SIZE,
  bye: STATUS_FRAME_SIZE,
  mid: MID_FRAME_SIZE,
};

const typeByCode: (FrameType | undefined)[] = [];
for (const [type, code] of Object.entries(FrameCode)) typeByCode[code] = type as FrameType;

/** The frame type of a code, or `undefined` for a code nobody defined. */
export function frameTypeOf(code: number): FrameType | undefined {
  return typeByCode[code];
}

/** The size of the frame a code starts, or `undefined` for an unknown code. */
export function frameSizeOf(code: number): number | undefined {
  const type = typeByCode[code];
  return type === undefined ? undefined : FRAME_SIZES[type];
}

/** The largest frame of all: the most a frame reader ever holds of a partial frame. */
export const MAX_FRAME_SIZE = Math.max(...Object.values(FRAME_SIZES));
