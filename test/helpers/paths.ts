import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/temporal/tools';

export const ARTIFACTS_DIR = join(projectRoot, '.test-artifacts');
export const BUNDLE_PATH = join(ARTIFACTS_DIR, 'workflow-bundle.js');

/** A migrated PGlite data directory, rebuilt when any migration or the dependencies change. */
export function ledgerTemplateDir(): string {
  const hash = createHash('sha256');
  const dbDir = join(projectRoot, 'src/db');
  for (const f of readdirSync(dbDir).filter((n) => n.startsWith('migration')).sort()) hash.update(f).update(readFileSync(join(dbDir, f)));
  hash.update(readFileSync(join(projectRoot, 'package-lock.json')));
  return join(ARTIFACTS_DIR, `ledger-template-${hash.digest('hex').slice(0, 12)}`);
}
