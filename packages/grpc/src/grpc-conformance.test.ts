import { describeConformance } from "@chat/core/testing";
import { startGrpcConformanceServer } from "./testing/grpc-test-kit.js";

// Subscribe and the unary calls, as generic gRPC tools use them; grpc-stream-conformance.test.ts runs the
// same suite over the Chat stream.
describeConformance("gRPC (unary calls)", (service) =>
  startGrpcConformanceServer(service, { chatStream: false }),
);
