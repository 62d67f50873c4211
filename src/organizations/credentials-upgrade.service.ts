import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CredentialsCipher, LEGACY_FORMAT } from './credentials-cipher.service';

/**
 * At start, writes every API server's credentials still in the v1 format again as v2 (bound to
 * the server's id). One transaction, the rows locked, each checked again under the lock: several
 * instances starting together upgrade each row once. A row that cannot be read (CREDENTIALS_KEY
 * changed) is left as it is and named in the log; its credentials must be set again.
 */
@Injectable()
export class CredentialsUpgrade implements OnApplicationBootstrap {
  private readonly logger = new Logger('CredentialsUpgrade');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: CredentialsCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const upgraded = await this.upgrade();
    if (upgraded > 0) this.logger.log(`Upgraded the stored credentials of ${upgraded} API server(s) to v2 (bound to their server)`);
  }

  /** How many rows it upgraded. */
  async upgrade(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ id: string; credentials_encrypted: string }> = await manager.query(
        `SELECT id, credentials_encrypted FROM api_servers WHERE credentials_encrypted LIKE $1 ORDER BY id FOR UPDATE`,
        [`${LEGACY_FORMAT}:%`],
      );
      let upgraded = 0;
      for (const row of rows) {
        let credentials;
        try {
          credentials = this.cipher.decryptLegacy(row.credentials_encrypted);
        } catch (error) {
          this.logger.warn(`The credentials of API server ${row.id} cannot be read, so they stay as they are: ${(error as Error).message}`);
          continue;
        }
        await manager.query('UPDATE api_servers SET credentials_encrypted = $2 WHERE id = $1', [row.id, this.cipher.encrypt(credentials, row.id)]);
        upgraded += 1;
      }
      return upgraded;
    });
  }
}
