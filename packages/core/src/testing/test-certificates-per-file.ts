import { afterAll, beforeAll } from "vitest";
import { createTestCertificates, type TestCertificates } from "./test-certificates.js";

/**
 * Call once at the top of a test file that needs TLS certificates: one {@link TestCertificates} set is
 * made before the file's first test (generating keys takes a second or so, too long to repeat per test)
 * and deleted after its last. Returns the function that hands the set to tests and to what they start;
 * it throws if called before the set exists (outside a test or hook of the file).
 * Not in `test-certificates.ts`: that one stays free of vitest for the bench.
 */
export function testCertificatesPerFile(): () => TestCertificates {
  let certificates: TestCertificates | undefined;
  beforeAll(async () => {
    certificates = await createTestCertificates();
  });
  afterAll(async () => {
    await certificates?.remove();
    certificates = undefined;
  });
  return () => {
    if (certificates === undefined)
      throw new Error("the test certificates exist only while the file's tests run");
    return certificates;
  };
}
