/**
 * `@chat/grpc/framing`: how gRPC's bytes are framed on a connection, for code that reads them raw (the
 * connection guard, a test proxy, a traffic meter, a port probe): the few facts of HTTP/2's framing
 * (RFC 9113) such code needs, and gRPC's message prefix. Constants only; nothing here opens a socket.
 */

/**
 * Bytes of the HTTP/2 client connection preface (RFC 9113 §3.4). A connection that has not sent this many
 * bytes by the preface deadline has not even started to speak HTTP/2 (over TLS, its ClientHello is longer).
 */
export const HTTP2_PREFACE_BYTES = 24;
/** An HTTP/2 frame header (RFC 9113 §4.1): length (3 bytes), type, flags, stream id (4 bytes). */
export const HTTP2_FRAME_HEADER_BYTES = 9;
/** Frame type of DATA (RFC 9113 §6.1), which carries gRPC's length-prefixed messages. */
export const HTTP2_DATA_FRAME = 0x0;
/** Frame type of HEADERS (RFC 9113 §6.2). */
export const HTTP2_HEADERS_FRAME = 0x1;
/** Frame type of SETTINGS (RFC 9113 §6.5), the first frame each side sends. */
export const HTTP2_SETTINGS_FRAME = 0x4;
/** Frame type of CONTINUATION (RFC 9113 §6.10): more of the header block the frame before began. */
export const HTTP2_CONTINUATION_FRAME = 0x9;
/** Flag of HEADERS and CONTINUATION: the header block ends with this frame. */
export const HTTP2_END_HEADERS_FLAG = 0x4;
/** Flag of DATA and HEADERS: a pad length byte follows the header, and that much padding ends the frame. */
export const HTTP2_PADDED_FLAG = 0x8;
/** gRPC's prefix of every message in DATA frames: a compressed flag (1 byte) and the length (4 bytes). */
export const GRPC_MESSAGE_PREFIX_BYTES = 5;
