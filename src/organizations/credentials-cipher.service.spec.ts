import 'reflect-metadata';
import { createCipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { AppException } from '../common/errors/app.exception';
import { CredentialsCipher } from './credentials-cipher.service';
import { StoredCredentialsError, StoredCredentialsProblem } from './organization-errors';

const KEY = Buffer.alloc(32, 5);
const cipher = new CredentialsCipher(Object.assign(new AppConfig(), { CREDENTIALS_KEY: KEY.toString('base64') }));
const SERVER_A = '6f1d2a4e-0000-4000-8000-00000000000a';
const SERVER_B = '6f1d2a4e-0000-4000-8000-00000000000b';
const secret = { username: 'svc-pems', password: 'Tr0ub4dor&3-pems' };

/** A ciphertext as the v1 format wrote it: no associated data, and whatever tag length it was given. */
function legacy(credentials: object, tagBytes = 16): string {
  const iv = randomBytes(12);
  const aes = createCipheriv('aes-256-gcm', KEY, iv, { authTagLength: tagBytes });
  const ciphertext = Buffer.concat([aes.update(JSON.stringify(credentials), 'utf8'), aes.final()]);
  return ['v1', iv.toString('base64'), aes.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}

describe('CredentialsCipher', () => {
  it('reads credentials back for the server they were written for', () => {
    expect(cipher.decrypt(cipher.encrypt(secret, SERVER_A), SERVER_A)).toEqual(secret);
  });

  it("does not read them in another server's row: copied there, or with the server id inside rewritten", () => {
    const stored = cipher.encrypt(secret, SERVER_A);
    expect(() => cipher.decrypt(stored, SERVER_B)).toThrow(/another API server/);
    // Rewriting the id inside the ciphertext breaks its tag: the id is the associated data.
    expect(() => cipher.decrypt(stored.replace(SERVER_A, SERVER_B), SERVER_B)).toThrow(/cannot be decrypted/);
    expect(cipher.decryptOrNone(stored, SERVER_B)).toEqual({ credentials: {}, problem: expect.stringMatching(/another API server/) });
  });

  it("reads another secret (a webhook's) back only in its own context, never as PEMS credentials", () => {
    const stored = cipher.encryptSecret('a webhook signing secret', `webhook:${SERVER_A}`);
    expect(stored).not.toContain('a webhook signing secret');
    expect(cipher.decryptSecret(stored, `webhook:${SERVER_A}`)).toBe('a webhook signing secret');
    expect(() => cipher.decryptSecret(stored, `webhook:${SERVER_B}`)).toThrow(/cannot be decrypted/);
    expect(() => cipher.decrypt(stored, SERVER_A)).toThrow(/unknown format/);
    expect(() => cipher.decryptSecret(cipher.encrypt(secret, SERVER_A), `webhook:${SERVER_A}`)).toThrow(/unknown format/);
  });

  it('keeps a 16-byte tag, and refuses a shortened one', () => {
    const stored = cipher.encrypt(secret, SERVER_A);
    const [format, id, iv, tag, ciphertext] = stored.split(':');
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    const shortened = [format, id, iv, Buffer.from(tag, 'base64').subarray(0, 4).toString('base64'), ciphertext].join(':');
    expect(() => cipher.decrypt(shortened, SERVER_A)).toThrow(/wrong length/);
  });

  it('reads the v1 format only to upgrade it, and not with a short tag', () => {
    expect(() => cipher.decrypt(legacy(secret), SERVER_A)).toThrow(/upgraded at start/);
    expect(cipher.decryptLegacy(legacy(secret))).toEqual(secret);
    expect(() => cipher.decryptLegacy(legacy(secret, 4))).toThrow(/wrong length/);
  });

  it("fails with a StoredCredentialsError, an operator's problem and never a client error, whose message holds nothing of the secret", () => {
    const stored = cipher.encrypt(secret, SERVER_A);
    const other = new CredentialsCipher(Object.assign(new AppConfig(), { CREDENTIALS_KEY: Buffer.alloc(32, 6).toString('base64') }));
    let thrown: unknown;
    try {
      other.decrypt(stored, SERVER_A);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoredCredentialsError);
    expect(thrown).not.toBeInstanceOf(AppException);
    expect(thrown).toMatchObject({ name: 'StoredCredentialsError', problem: StoredCredentialsProblem.Undecryptable });
    expect((thrown as Error).stack).toMatch(/^StoredCredentialsError: Stored PEMS credentials cannot be decrypted/);
    for (const text of [stored, secret.username, secret.password, SERVER_A]) expect((thrown as Error).stack).not.toContain(text);
  });
});
