import { describe, expect, it } from "vitest";
import { clientTlsOptions } from "./transport-tls.js";

describe("clientTlsOptions", () => {
  it("means plaintext for false and absent, the defaults for true, and the options as given", () => {
    expect(clientTlsOptions(undefined)).toBeUndefined();
    expect(clientTlsOptions(false)).toBeUndefined();
    expect(clientTlsOptions(true)).toEqual({});
    expect(clientTlsOptions({ ca: "PEM", servername: "localhost" })).toEqual({
      ca: "PEM",
      servername: "localhost",
    });
  });

  it("refuses a client certificate without its key, and a key without its certificate", () => {
    expect(() => clientTlsOptions({ cert: "PEM" })).toThrow(/cert and key go together/);
    expect(() => clientTlsOptions({ key: "PEM" })).toThrow(/cert and key go together/);
  });
});
