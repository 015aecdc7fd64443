/*
 * The decoded form of every frame: a plain object tagged with its type name. Encoding and decoding are
 * exact inverses for every value the encoder accepts (see frame-fields.ts, and its two framings).
 */

/** Seed 0 `reg`: register an account. */
export interface RegFrame {
  readonly type: "reg";
  readonly username: string;
  readonly password: string;
}
/** Seed 1 `log` (the seed's mnemonic for login): log in to an existing account. */
export interface LoginFrame {
  readonly type: "log";
  readonly username: string;
  readonly password: string;
}
/** Seed 2 `del`: delete the logged-in account. */
export interface DelFrame {
  readonly type: "del";
}
/** Seed 3 `acd`: list every account name (answered by one or more `suc`). */
export interface AcdFrame {
  readonly type: "acd";
}
/** Seed 4 `acf`: list the account names matching a wildcard (answered by one or more `suc`). */
export interface AcfFrame {
  readonly type: "acf";
  readonly pattern: string;
}
/** Seed 5 `msg`: send a chat message. */
export interface MsgFrame {
  readonly type: "msg";
  readonly to: string;
  readonly content: string;
}
/** Seed 6 `err`: an error, as text. */
export interface ErrFrame {
  readonly type: "err";
  readonly text: string;
}
/** Seed 7 `suc`: a success, as text. */
export interface SucFrame {
  readonly type: "suc";
  readonly text: string;
}
/** Seed 8 `nms`: a new chat message for the logged-in account. */
export interface NmsFrame {
  readonly type: "nms";
  readonly from: string;
  readonly content: string;
}
/** Extension 9 `hel`: the client's protocol version and the features it asks for. */
export interface HelFrame {
  readonly type: "hel";
  readonly version: number;
  readonly features: number;
}
/** Extension 10 `hey`: the server's protocol version and the features it enabled. */
export interface HeyFrame {
  readonly type: "hey";
  readonly version: number;
  readonly features: number;
}
/** Extension 11 `lsq`: ask for one page of account names. */
export interface LsqFrame {
  readonly type: "lsq";
  /** Wildcard; empty lists everything. */
  readonly pattern: string;
  readonly pageSize?: number;
  readonly cursor?: string;
}
/** Extension 12 `lsn`: up to 16 names of a page; a page is zero or more `lsn` then one `lse`. */
export interface LsnFrame {
  readonly type: "lsn";
  readonly names: readonly string[];
}
/** Extension 13 `lse`: the end of a page, with the cursor of the next one when there is more. */
export interface LseFrame {
  readonly type: "lse";
  readonly cursor?: string;
}
/** Extension 14 `out`: log out. */
export interface OutFrame {
  readonly type: "out";
}
/** Extension 15 `dlv`: a delivered message with its sequence number and send time. */
export interface DlvFrame {
  readonly type: "dlv";
  readonly seq: number;
  readonly sentAt: number;
  readonly from: string;
  readonly content: string;
}
/** Extension 16 `ack`: acknowledge every delivered message up to and including `upToSeq`. */
export interface AckFrame {
  readonly type: "ack";
  readonly upToSeq: number;
}
/** Extension 17 `png`: are you there? Answered by `pog` with the same nonce. */
export interface PngFrame {
  readonly type: "png";
  readonly nonce: number;
}
/** Extension 18 `pog`: the answer to `png`. */
export interface PogFrame {
  readonly type: "pog";
  readonly nonce: number;
}
/** Extension 19 `erx`: a failed request, with its `ChatErrorCode` status number. */
export interface ErxFrame {
  readonly type: "erx";
  readonly status: number;
  readonly text: string;
}
/** Extension 20 `ok`: a request without a result succeeded. */
export interface OkFrame {
  readonly type: "ok";
}
/** Extension 21 `lin`: logged in, with the account's registered spelling. */
export interface LinFrame {
  readonly type: "lin";
  readonly username: string;
}
/** Extension 22 `snt`: a message was sent. */
export interface SntFrame {
  readonly type: "snt";
  readonly seq: number;
  readonly sentAt: number;
  readonly delivery: "live" | "stored";
}
/** Extension 23 `bye`: the server is ending the connection, and why. Nothing follows it. */
export interface ByeFrame {
  readonly type: "bye";
  readonly status: number;
  readonly text: string;
}

/** Extension 24 `mid`: send a chat message carrying a client message id (idempotent send). */
export interface MidFrame {
  readonly type: "mid";
  readonly to: string;
  /** 1–32 opaque bytes chosen by the client; a repeat within the dedupe window gets the first answer. */
  readonly clientMessageId: Uint8Array;
  readonly content: string;
}

/** Any frame of the protocol. */
export type Frame =
  | RegFrame
  | LoginFrame
  | DelFrame
  | AcdFrame
  | AcfFrame
  | MsgFrame
  | ErrFrame
  | SucFrame
  | NmsFrame
  | HelFrame
  | HeyFrame
  | LsqFrame
  | LsnFrame
  | LseFrame
  | OutFrame
  | DlvFrame
  | AckFrame
  | PngFrame
  | PogFrame
  | ErxFrame
  | OkFrame
  | LinFrame
  | SntFrame
  | ByeFrame
  | MidFrame;
