import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AuthException } from './auth-errors';

/** Hashes at once: argon2id takes about 64 MiB and a core's third of a second each. */
const MAX_CONCURRENT_HASHES = 2;
/** Hashes waiting for a turn; beyond them a login is answered 429 at once (a flood must not starve the service). */
const MAX_WAITING_HASHES = 8;

/**
 * argon2id with the library's recommended defaults, at most MAX_CONCURRENT_HASHES at a time and
 * MAX_WAITING_HASHES waiting.
 */
@Injectable()
export class PasswordHasher {
  /** Verified against when a username does not exist, so that a login takes as long either way. */
  private readonly decoy = argon2.hash('decoy password for unknown users');
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  hash(password: string): Promise<string> {
    return this.inTurn(() => argon2.hash(password, { type: argon2.argon2id }));
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    const against = hash ?? (await this.decoy);
    return this.inTurn(async () => {
      try {
        return await argon2.verify(against, password);
      } catch {
        return false;
      }
    });
  }

  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_CONCURRENT_HASHES) {
      if (this.waiting.length >= MAX_WAITING_HASHES) throw AuthException.passwordChecksBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The turn passes straight to the next waiting hash, or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
