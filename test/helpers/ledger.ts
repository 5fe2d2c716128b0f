/**
 * A real PGlite ledger for a test file, fast: creating a PGlite database runs initdb (8–14 s on
 * our 2-core machines), reopening one takes ~1.5 s. The global set-up builds one migrated
 * template directory per run (cached across runs by the migrations' hash); each test file opens
 * its own copy of it.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger, type LedgerStore } from '../../src/db/ledger';
import { ledgerTemplateDir } from './paths';

export async function openTestLedger(): Promise<LedgerStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  cpSync(process.env.LEDGER_TEMPLATE_DIR ?? ledgerTemplateDir(), dir, { recursive: true });
  const store = await openLedger({ dataDir: dir });
  return {
    ...store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
