import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';

export interface PemsCredentials {
  username?: string;
  password?: string;
  apiKey?: string;
}

const FORMAT = 'v1';

/** PEMS credentials at rest: AES-256-GCM under CREDENTIALS_KEY, a fresh IV each time, the tag kept beside. */
@Injectable()
export class CredentialsCipher {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(config.CREDENTIALS_KEY!, 'base64');
  }

  encrypt(credentials: PemsCredentials): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(stored: string): PemsCredentials {
    const [format, iv, tag, ciphertext] = stored.split(':');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined) throw new Error('Stored PEMS credentials are in an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as PemsCredentials;
    } catch {
      throw new Error('Stored PEMS credentials cannot be decrypted: was CREDENTIALS_KEY changed?');
    }
  }
}
