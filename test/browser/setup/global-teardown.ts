import type { EmbeddedPostgresHandle } from '../../../src/database/embedded-postgres';

/** Stops the embedded PostgreSQL if the browser tests' setup started it (when the e2e project ran too, its teardown does). */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __browserStartedPostgres?: boolean; __embeddedPostgres?: EmbeddedPostgresHandle };
  if (!state.__browserStartedPostgres) return;
  // The e2e teardown may have stopped it already (its handle is the same).
  await state.__embeddedPostgres?.stop().catch(() => undefined);
  state.__embeddedPostgres = undefined;
}
