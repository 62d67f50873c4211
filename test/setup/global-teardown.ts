import type { EmbeddedPostgresHandle } from '../../src/database/embedded-postgres';
import { undecidedSummary } from '../support/undecided-measurements';

export default async function globalTeardown(): Promise<void> {
  const undecided = undecidedSummary();
  if (undecided) process.stderr.write(`\n${undecided}\n\n`);
  await (globalThis as { __embeddedPostgres?: EmbeddedPostgresHandle }).__embeddedPostgres?.stop();
}
