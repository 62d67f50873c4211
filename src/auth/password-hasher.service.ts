import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id with the library's recommended defaults. */
@Injectable()
export class PasswordHasher {
  /** Verified against when a username does not exist, so that a login takes as long either way. */
  private readonly decoy = argon2.hash('decoy password for unknown users');

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}
