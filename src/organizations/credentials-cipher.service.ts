import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { StoredCredentialsError } from './organization-errors';

export interface PemsCredentials {
  username?: string;
  password?: string;
  apiKey?: string;
}

/** `v2:<api server id>:<iv>:<tag>:<ciphertext>`: the server's id is the associated data. */
const FORMAT = 'v2';
/** Another secret (a webhook's signing secret): `s1:<iv>:<tag>:<ciphertext>`, bound to a context the caller names. */
const SECRET_FORMAT = 's1';
/** Before the server's id was bound in: `v1:<iv>:<tag>:<ciphertext>`. Read only to upgrade it (CredentialsUpgrade). */
export const LEGACY_FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * PEMS credentials at rest: AES-256-GCM under CREDENTIALS_KEY, a fresh IV each time, a 16-byte
 * tag, and the API server's id as associated data. A ciphertext copied into another server's row
 * does not decrypt there: credentials are read only for the server they were written for.
 */
@Injectable()
export class CredentialsCipher {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(config.CREDENTIALS_KEY!, 'base64');
  }

  encrypt(credentials: PemsCredentials, serverId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(serverId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return [FORMAT, serverId, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /**
   * A secret that is not PEMS credentials (a webhook's signing secret), under the same key, with
   * `context` as associated data (e.g. `webhook:<id>`): a ciphertext copied to another row, or
   * read as PEMS credentials, does not decrypt.
   */
  encryptSecret(secret: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [SECRET_FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** The secret encryptSecret stored for `context`; a StoredCredentialsError when it cannot be read. */
  decryptSecret(stored: string, context: string): string {
    const [format, iv, tag, ciphertext] = stored.split(':');
    if (format !== SECRET_FORMAT || !iv || !tag || ciphertext === undefined) throw StoredCredentialsError.unknownFormat();
    return this.openBytes(Buffer.from(iv, 'base64'), Buffer.from(tag, 'base64'), Buffer.from(ciphertext, 'base64'), Buffer.from(context, 'utf8')).toString('utf8');
  }

  /**
   * The credentials `stored` holds. `serverId` is the row they were read from: it must be the
   * server they were written for (the product always passes it).
   */
  decrypt(stored: string, serverId?: string): PemsCredentials {
    const [format, boundTo, iv, tag, ciphertext] = stored.split(':');
    if (format === LEGACY_FORMAT) throw StoredCredentialsError.legacyFormat();
    if (format !== FORMAT || !boundTo || !iv || !tag || ciphertext === undefined) throw StoredCredentialsError.unknownFormat();
    if (serverId !== undefined && boundTo !== serverId) throw StoredCredentialsError.otherServer();
    return this.open(Buffer.from(iv, 'base64'), Buffer.from(tag, 'base64'), Buffer.from(ciphertext, 'base64'), Buffer.from(boundTo, 'utf8'));
  }

  /**
   * As decrypt, but credentials that cannot be read (another server's, a changed
   * CREDENTIALS_KEY, damaged) count as none: the server then asks for new ones (its calls are
   * refused as without credentials), and `problem` says why, for the log.
   */
  decryptOrNone(stored: string, serverId: string): { credentials: PemsCredentials; problem: string | null } {
    try {
      return { credentials: this.decrypt(stored, serverId), problem: null };
    } catch (error) {
      return { credentials: {}, problem: (error as Error).message };
    }
  }

  /** Reads a v1 ciphertext (no associated data), to write it again as v2. */
  decryptLegacy(stored: string): PemsCredentials {
    const [format, iv, tag, ciphertext] = stored.split(':');
    if (format !== LEGACY_FORMAT || !iv || !tag || ciphertext === undefined) throw StoredCredentialsError.notLegacy();
    return this.open(Buffer.from(iv, 'base64'), Buffer.from(tag, 'base64'), Buffer.from(ciphertext, 'base64'), null);
  }

  private open(iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: Buffer | null): PemsCredentials {
    const plain = this.openBytes(iv, tag, ciphertext, aad);
    try {
      return JSON.parse(plain.toString('utf8')) as PemsCredentials;
    } catch {
      throw StoredCredentialsError.undecryptable();
    }
  }

  private openBytes(iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: Buffer | null): Buffer {
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw StoredCredentialsError.damaged();
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (aad) decipher.setAAD(aad);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw StoredCredentialsError.undecryptable();
    }
  }
}
