import type { PasswordCheck, PasswordHasher } from "../password-hasher.js";

/**
 * The real test hasher with a door in front: while a test holds it, every hash and check waits, so a
 * registration or login stays unanswered for as long as the test needs (to pass a deadline, abort, close).
 * Released, the waiting calls go on as usual; nothing is faked.
 */
export class HeldHasher implements PasswordHasher {
  private door: Promise<void> | undefined;
  /** Hashes and checks that got past the door and ran, so a test can show one was never run. */
  ran = 0;
  private openDoor: () => void = () => {};

  constructor(private readonly inner: PasswordHasher) {}

  /** Holds every hash and check from now on until the returned function (or {@link release}) is called. */
  hold(): () => void {
    this.door ??= new Promise((resolve) => {
      this.openDoor = resolve;
    });
    return () => this.release();
  }

  /** Lets every held call go on; safe to call when nothing is held. */
  release(): void {
    this.door = undefined;
    this.openDoor();
  }

  async hash(password: string): Promise<string> {
    await this.door;
    this.ran++;
    return this.inner.hash(password);
  }

  async verify(password: string, stored: string): Promise<PasswordCheck> {
    await this.door;
    this.ran++;
    return this.inner.verify(password, stored);
  }

  async verifyNothing(password: string): Promise<false> {
    await this.door;
    this.ran++;
    return this.inner.verifyNothing(password);
  }
}
