import { UNLIMITED_RATE } from "@chat/core";
import { type ClientReadableStream, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryMode, type SubscribeResponse } from "./gen/chat/v1/chat.js";
import { bearer, eventually, rawLogin, startTestBed, type TestBed, unary } from "./testing/grpc-test-kit.js";

let bed: TestBed;

afterEach(async () => {
  await bed.close();
});

/** Opens a raw Subscribe stream and resolves once the server has attached it (headers arrived). */
async function subscribe(token: string): Promise<ClientReadableStream<SubscribeResponse>> {
  const stream = bed.raw.subscribe({}, bearer(token));
  stream.on("error", () => {});
  await new Promise((resolve, reject) => {
    stream.once("metadata", resolve);
    stream.once("error", reject);
  });
  return stream;
}

/** The final status of a stream. */
function finalStatus(
  stream: ClientReadableStream<SubscribeResponse>,
): Promise<{ code: number; details: string }> {
  return new Promise((resolve) => stream.once("status", resolve));
}

/** A fresh account logged in with a raw call, its Subscribe stream attached, and that stream's final status. */
async function subscribedSession(username: string) {
  const token = await rawLogin(bed, username);
  const stream = await subscribe(token);
  return { token, stream, ended: finalStatus(stream) };
}

function send(token: string, to: string, content: string) {
  return unary(bed.raw.sendMessage.bind(bed.raw), { to, content }, bearer(token));
}

describe("GrpcServer sessions", () => {
  it("issues a random token of at least 128 bits per login", async () => {
    bed = await startTestBed();
    const first = await rawLogin(bed, "ann");
    await unary(bed.raw.logout.bind(bed.raw), {}, bearer(first));
    const second = await rawLogin(bed, "ann", false);
    expect(Buffer.from(first, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(second).not.toBe(first);
  });

  it.each([
    ["no authorization", new Metadata()],
    [
      "a malformed authorization",
      (() => {
        const metadata = new Metadata();
        metadata.set("authorization", "Basic dXNlcjpwYXNz");
        return metadata;
      })(),
    ],
    ["an unknown token", bearer("A".repeat(43))],
  ])("answers a session call with %s with UNAUTHENTICATED", async (_case, metadata) => {
    bed = await startTestBed();
    await unary(bed.raw.register.bind(bed.raw), { username: "bob", password: "correct horse" });
    await expect(
      unary(bed.raw.sendMessage.bind(bed.raw), { to: "bob", content: "x" }, metadata),
    ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    const stream = bed.raw.subscribe({}, metadata);
    stream.on("error", () => {});
    expect((await finalStatus(stream)).code).toBe(status.UNAUTHENTICATED);
  });

  it("revokes the token at logout, and ends the Subscribe stream with OK", async () => {
    bed = await startTestBed();
    const { token, ended } = await subscribedSession("cy");
    await unary(bed.raw.logout.bind(bed.raw), {}, bearer(token));
    expect((await ended).code).toBe(status.OK);
    await expect(send(token, "cy", "hello")).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    expect(bed.service.isLoggedIn("cy")).toBe(false);
  });

  it("ends the Subscribe stream when the account is deleted", async () => {
    bed = await startTestBed();
    const { token, ended } = await subscribedSession("dee");
    await unary(bed.raw.deleteAccount.bind(bed.raw), {}, bearer(token));
    expect((await ended).code).toBe(status.OK);
    expect(bed.server.sessionCount).toBe(0);
  });

  it("counts an account as online exactly while a Subscribe stream is open", async () => {
    bed = await startTestBed();
    const eve = await rawLogin(bed, "eve");
    const fay = await rawLogin(bed, "fay");
    expect((await send(eve, "fay", "one")).delivery).toBe(DeliveryMode.DELIVERY_MODE_STORED);
    const stream = await subscribe(fay);
    expect((await send(eve, "fay", "two")).delivery).toBe(DeliveryMode.DELIVERY_MODE_LIVE);
    stream.cancel();
    await eventually(() => !bed.service.isOnline("fay"));
    expect((await send(eve, "fay", "three")).delivery).toBe(DeliveryMode.DELIVERY_MODE_STORED);
    expect(bed.service.isLoggedIn("fay")).toBe(true);
  });

  it("lets a newer Subscribe of the same session replace the older one", async () => {
    bed = await startTestBed();
    const { token, ended: olderEnded } = await subscribedSession("gus");
    const newer = await subscribe(token);
    expect((await olderEnded).code).toBe(status.FAILED_PRECONDITION);
    const received = new Promise<SubscribeResponse>((resolve) => newer.once("data", resolve));
    await send(token, "gus", "to the newer stream");
    expect((await received).message?.content).toBe("to the newer stream");
    newer.cancel();
  });

  it("expires a session with no stream and no calls after the idle timeout, freeing the account", async () => {
    bed = await startTestBed({ server: { sessionIdleTimeoutMs: 150 } });
    const token = await rawLogin(bed, "hal");
    // Calls keep it alive...
    for (let index = 0; index < 4; index++) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      await send(token, "hal", `ping ${index}`);
    }
    expect(bed.service.isLoggedIn("hal")).toBe(true);
    // ...silence does not.
    await eventually(() => !bed.service.isLoggedIn("hal"));
    await expect(send(token, "hal", "late")).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    await rawLogin(bed, "hal", false);
  });

  it("never expires a session while its Subscribe stream is open", async () => {
    bed = await startTestBed({ server: { sessionIdleTimeoutMs: 100 } });
    const token = await rawLogin(bed, "ivy");
    const stream = await subscribe(token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bed.service.isOnline("ivy")).toBe(true);
    stream.cancel();
    await eventually(() => !bed.service.isLoggedIn("ivy"));
  });

  it("carries a ChatError's code and message intact as the gRPC status", async () => {
    bed = await startTestBed();
    await unary(bed.raw.register.bind(bed.raw), { username: "jo", password: "correct horse" });
    const error = await unary(bed.raw.register.bind(bed.raw), {
      username: "JO",
      password: "correct horse",
    }).then(
      () => undefined,
      (failure: ServiceError) => failure,
    );
    expect(error?.code).toBe(status.ALREADY_EXISTS);
    expect(error?.details).toBe("username JO is already taken");
  });
});

describe("GrpcServer backpressure", () => {
  it("ends a stream that never drains with RESOURCE_EXHAUSTED; its messages stay stored", async () => {
    // A flood far past the send limit's default, which is not what this test is about.
    bed = await startTestBed({
      server: { drainTimeoutMs: 300 },
      service: { limits: { sendsPerSession: UNLIMITED_RATE } },
    });
    const sender = await rawLogin(bed, "kim");
    const token = await rawLogin(bed, "lou");
    const stream = await subscribe(token);
    // A reader that stops reading: HTTP/2 flow control then fills up and the server's writes back up.
    let read = 0;
    stream.on("data", () => read++);
    stream.pause();
    const content = "x".repeat(500);
    // Well beyond the HTTP/2 stream window (64 KiB) plus the buffers on both sides.
    const total = 1000;
    for (let index = 0; index < total; index++) await send(sender, "lou", content);
    await eventually(() => !bed.service.isOnline("lou"));
    const ended = finalStatus(stream);
    stream.resume();
    expect((await ended).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(read).toBeLessThan(total);
    // Nothing was acknowledged, so a new stream gets every message again, in order.
    const again = await subscribe(token);
    const seqs: number[] = [];
    await new Promise<void>((resolve) => {
      again.on("data", (response: SubscribeResponse) => {
        seqs.push(response.message?.seq ?? 0);
        if (seqs.length === total) resolve();
      });
    });
    expect(seqs).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    again.cancel();
  });
});
