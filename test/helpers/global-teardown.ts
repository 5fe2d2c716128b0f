/** Runs once after every test file: stops the throwaway PostgreSQL that ./global-setup.ts started. */
import type { LocalPostgres } from '../../scripts/lib/local-postgres';

export default async function globalTeardown(): Promise<void> {
  (globalThis as { localPostgres?: LocalPostgres }).localPostgres?.stop();
}
