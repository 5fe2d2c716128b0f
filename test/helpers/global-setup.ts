/**
 * Runs once per `jest` run, before any test file:
 * - bundles the workflow code a single time (ARCHITECTURE.md "Testing": bundling per test file
 *   makes the suite slow); test files load it through `workflowBundle()`;
 * - builds the migrated PGlite template the test ledgers are copied from (test/helpers/ledger.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../../src/temporal/tools';
import { workflowsPath } from '../../workers/worker';
import { BUNDLE_PATH, ledgerTemplateDir } from './paths';

export default async function globalSetup(): Promise<void> {
  const quiet = () => undefined;
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: console.warn, error: console.error } });
  mkdirSync(dirname(BUNDLE_PATH), { recursive: true });
  writeFileSync(BUNDLE_PATH, code);

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
}
