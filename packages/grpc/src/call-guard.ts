import {
  Metadata,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  status,
} from "@grpc/grpc-js";
import { AUTHORIZATION_KEY } from "./session-token.js";

/** What a call guard counts. */
export interface CallGuardCounts {
  /** Calls ended because their request did not arrive in time. */
  requestTimeouts: number;
  /** Calls refused for carrying more than one `authorization` header. */
  repeatedAuthorization: number;
}

/**
 * The per-call limits of the gRPC server, as one grpc-js server interceptor that runs before any
 * handler:
 *
 * - a call whose handler needs its whole request first (every unary call, and `Subscribe`) must deliver
 *   it, end of stream included, within `requestTimeoutMs`; otherwise it ends with `DEADLINE_EXCEEDED`,
 *   so half-open calls cannot pile up. A `Chat` stream needs no request to start (its metadata names the
 *   session and it is authenticated at once), so it is not timed;
 * - a request carrying more than one `authorization` header is refused with `UNAUTHENTICATED` before any
 *   handler sees it: which copy would win is not something a server should guess.
 */
export function callGuard(requestTimeoutMs: number, counts: CallGuardCounts): ServerInterceptor {
  return (method, call) => {
    let timer: NodeJS.Timeout | undefined;
    const stopTimer = (): void => {
      clearTimeout(timer);
      timer = undefined;
    };
    const guarded = new ServerInterceptingCall(call, {
      start: (next) => {
        if (!method.requestStream) {
          timer = setTimeout(() => {
            timer = undefined;
            counts.requestTimeouts++;
            call.sendStatus({
              code: status.DEADLINE_EXCEEDED,
              details: `the request did not arrive within ${requestTimeoutMs} ms`,
              metadata: new Metadata(),
            });
          }, requestTimeoutMs);
          timer.unref();
        }
        next({
          onReceiveMetadata: (metadata, passOn) => {
            if (metadata.get(AUTHORIZATION_KEY).length > 1) {
              stopTimer();
              counts.repeatedAuthorization++;
              refuse(call, "send exactly one authorization header");
              return;
            }
            passOn(metadata);
          },
          onReceiveHalfClose: (passOn) => {
            stopTimer();
            passOn();
          },
          onCancel: stopTimer,
        });
      },
      sendStatus: (finalStatus, passOn) => {
        stopTimer();
        passOn(finalStatus);
      },
    });
    return guarded;
  };
}

function refuse(call: ServerInterceptingCallInterface, details: string): void {
  call.sendStatus({ code: status.UNAUTHENTICATED, details, metadata: new Metadata() });
}
