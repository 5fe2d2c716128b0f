/**
 * Applies the ledger migrations to a PGlite directory (argument) or to DATABASE_URL, and exits.
 * Start-up migrates by itself; this is for operators and for the test template.
 */
import { openLedger } from '../src/db/ledger';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  const databaseUrl = process.env.DATABASE_URL;
  if (!dataDir && !databaseUrl) {
    console.error('usage: tsx scripts/migrate.ts <pglite-data-dir>   (or set DATABASE_URL)');
    process.exit(2);
  }
  const ledger = await openLedger(databaseUrl ? { databaseUrl } : { dataDir });
  await ledger.close();
  console.log(`ledger migrated (${ledger.kind}${dataDir ? `: ${dataDir}` : ''})`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
