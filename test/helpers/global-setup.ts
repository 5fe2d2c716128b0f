/**
 * Runs once per `jest` run, before any test file:
 * - bundles the workflow code a single time (docs/architecture.md "Testing": bundling per test file
 *   makes the suite slow), as the worker's bundle is built (workers/workflow-bundle.ts: the shared
 *   modules of workers/workflow-preload.ts among others); test files load it through `workflowBundle()`;
 * - builds the migrated PGlite template the test ledgers are copied from (test/helpers/ledger.ts);
 * - starts a throwaway PostgreSQL from the machine's packages, so the ledger's production backend
 *   runs the same cases as PGlite (test/db/backends.ts), unless TEST_DATABASE_URL names one already.
 *   Stopped by ./global-teardown.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { projectRoot } from '../../src/temporal/tools';
import { freePorts } from '../../scripts/lib/service';
import { postgresBinDir, startLocalPostgres, type LocalPostgres } from '../../scripts/lib/local-postgres';
import { workflowsPath } from '../../workers/worker';
import { buildWorkflowBundle } from '../../workers/workflow-bundle';
import { BUNDLE_PATH, ledgerTemplateDir } from './paths';

export default async function globalSetup(): Promise<void> {
  const code = await buildWorkflowBundle(workflowsPath);
  mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
  writeFileSync(BUNDLE_PATH, code);

  // one development signing key for the run's test services and the tokens the tests mint (./auth.ts)
  process.env.AUTH_DEV_KEY_FILE ??= join(tmpdir(), `utskrivning-test-auth-${process.pid}`, 'dev-signing-key.json');

  const template = ledgerTemplateDir();
  // test workers are started after this and inherit the environment: all use this very template
  process.env.LEDGER_TEMPLATE_DIR = template;
  if (!existsSync(template)) {
    // PGlite loads with dynamic import(), which jest's module loader refuses: build it in Node.
    const tmp = `${template}.part`;
    rmSync(tmp, { recursive: true, force: true });
    execFileSync(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'scripts/migrate.ts'), tmp], { stdio: 'inherit', cwd: projectRoot });
    renameSync(tmp, template);
  }

  if (!process.env.TEST_DATABASE_URL) {
    if (postgresBinDir()) {
      const [port] = await freePorts(1);
      const pg = startLocalPostgres(port!);
      (globalThis as { localPostgres?: LocalPostgres }).localPostgres = pg;
      process.env.TEST_DATABASE_URL = pg.url;
    } else {
      console.warn('PostgreSQL is not installed (Debian package postgresql): the ledger tests run on PGlite only');
    }
  }
}
