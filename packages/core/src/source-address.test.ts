import { describe, expect, it } from "vitest";
import { LOCAL_SOURCE, sourceOf } from "./source-address.js";

describe("sourceOf", () => {
  it.each([
    [undefined, LOCAL_SOURCE],
    ["", LOCAL_SOURCE],
    ["127.0.0.2", "127.0.0.2"],
    ["::ffff:127.0.0.3", "127.0.0.3"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::99", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff::1", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
  ])("keys %j as %j", (address, source) => {
    expect(sourceOf(address)).toBe(source);
  });

  it("gives two addresses of one /64 one source, and of two /64s two", () => {
    expect(sourceOf("2001:db8:a:b::1")).toBe(sourceOf("2001:db8:a:b:ffff:ffff:ffff:ffff"));
    expect(sourceOf("2001:db8:a:b::1")).not.toBe(sourceOf("2001:db8:a:c::1"));
  });
});
