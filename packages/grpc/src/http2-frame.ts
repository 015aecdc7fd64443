/*
 * The few facts of HTTP/2's framing (RFC 9113) that code reading a connection's raw bytes needs: the
 * connection guard counting the client's preface, and the test proxy rewriting header frames.
 */

/**
 * Bytes of the HTTP/2 client connection preface (RFC 9113 §3.4). A connection that has not sent this many
 * bytes by the preface deadline has not even started to speak HTTP/2 (over TLS, its ClientHello is longer).
 */
export const HTTP2_PREFACE_BYTES = 24;
/** An HTTP/2 frame header (RFC 9113 §4.1): length (3 bytes), type, flags, stream id (4 bytes). */
export const HTTP2_FRAME_HEADER_BYTES = 9;
/** Frame type of HEADERS (RFC 9113 §6.2). */
export const HTTP2_HEADERS_FRAME = 0x1;
/** Frame type of CONTINUATION (RFC 9113 §6.10): more of the header block the frame before began. */
export const HTTP2_CONTINUATION_FRAME = 0x9;
/** Flag of HEADERS and CONTINUATION: the header block ends with this frame. */
export const HTTP2_END_HEADERS_FLAG = 0x4;
