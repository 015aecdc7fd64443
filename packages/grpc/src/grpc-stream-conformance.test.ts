import { describeConformance } from "@chat/core/testing";
import { startGrpcConformanceServer } from "./testing/grpc-test-kit.js";

// The same suite as grpc-conformance.test.ts, over the Chat stream: sends, acks and deliveries of each
// session on one bidirectional stream. (grpc-conformance.test.ts forces Subscribe and the unary calls.)
describeConformance("gRPC (Chat stream)", (service) => startGrpcConformanceServer(service, {}));
