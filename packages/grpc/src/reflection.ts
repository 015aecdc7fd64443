import type { Server } from "@grpc/grpc-js";
import { ReflectionService } from "@grpc/reflection";
import { fileDescriptorProtos } from "./gen/chat/v1/chat-descriptor.js";

/**
 * Registers gRPC server reflection (v1 and v1alpha) for `chat.v1.ChatService`, so tools such as grpcurl or
 * Postman discover the service and its messages without a copy of the .proto file. The descriptors are
 * the ones `buf build` compiled, embedded at generation time.
 */
export function addReflection(server: Pick<Server, "addService">): void {
  const fileDescriptors = Object.values(fileDescriptorProtos).map((base64) => Buffer.from(base64, "base64"));
  // @grpc/reflection reads only `fileDescriptorProtos` from each entry of a proto-loader package
  // definition; one entry that carries every file is enough.
  new ReflectionService({
    "chat.v1": {
      format: "Protocol Buffer 3 DescriptorProto",
      type: {},
      fileDescriptorProtos: fileDescriptors,
    },
  }).addToServer(server);
}
