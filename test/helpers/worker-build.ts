/**
 * A new build of the worker, in a directory of its own, for a rolling deploy on `npm run cluster`
 * (test/e2e/cluster.test.ts): a copy of this checkout's code (src/, workflows/, activities/,
 * workers/, the package and SDK patch files; node_modules and .tools linked) with edits applied.
 * Its workflow bundle is built from the copy (workers/workflow-bundle.ts hashes the copy's code),
 * so it is genuinely different code, as a deploy of the next version would be.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/temporal/tools';

export interface Edit {
  /** a path inside the checkout, e.g. workflows/shared/process-runtime.ts */
  file: string;
  /** text that must occur exactly once */
  find: string;
  replace: string;
}

export function newWorkerBuild(dir: string, edits: Edit[]): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const d of ['src', 'workflows', 'activities', 'workers', 'patches']) cpSync(join(projectRoot, d), join(dir, d), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/tools.json']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    cpSync(join(projectRoot, f), join(dir, f));
  }
  for (const d of ['node_modules', '.tools']) if (existsSync(join(projectRoot, d))) symlinkSync(join(projectRoot, d), join(dir, d), 'dir');
  for (const e of edits) {
    const path = join(dir, e.file);
    const text = readFileSync(path, 'utf8');
    const at = text.indexOf(e.find);
    if (at < 0 || text.indexOf(e.find, at + 1) >= 0) throw new Error(`newWorkerBuild: ${e.file} must contain exactly once: ${e.find}`);
    writeFileSync(path, text.slice(0, at) + e.replace + text.slice(at + e.find.length));
  }
  return dir;
}
