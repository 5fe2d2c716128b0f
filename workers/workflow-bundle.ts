/**
 * The workflow bundle, built once per version of the code and kept on disk (issue 21: memory).
 *
 * Given `workflowsPath`, the SDK bundles the workflow code with webpack inside the worker
 * process at every start: about 14 s on 2 cores, and webpack's module graph and caches stay in
 * the process afterwards (measured: +170 MB RSS, +40 MB heap after a full GC). Here a short-lived
 * child process does the bundling and writes the bundle to `<cacheDir>/<hash>.js`; the worker
 * loads that file (`workflowBundle: { codePath }`). The hash covers every file the bundle can
 * include (workflows/ and src/), the lockfile, the SDK patches and the Node version, so a
 * change of code is a new bundle and a restart of the same code reuses the last one.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Run by `node -e` in the child: argv = [workerModule, workflowsPath, out]. Writes a part file of its own, then renames (a half-written bundle is never taken). */
const CHILD = `
const [workerModule, workflowsPath, out] = process.argv.slice(1);
const { bundleWorkflowCode } = require(workerModule);
const fs = require('node:fs');
const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };
bundleWorkflowCode({ workflowsPath, logger: quiet }).then(({ code }) => {
  const part = out + '.' + process.pid + '.part';
  fs.writeFileSync(part, code);
  fs.renameSync(part, out);
}).catch((err) => { console.error(err && err.stack || String(err)); process.exit(1); });
`;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.(ts|js|json)$/.test(f) && !f.includes('node_modules'))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** The hash of everything that decides the bundle's content. */
export function bundleHash(workflowsPath: string): string {
  const root = dirname(dirname(workflowsPath));
  const h = createHash('sha256').update(process.version);
  for (const f of [...sourceFiles(join(root, 'workflows')), ...sourceFiles(join(root, 'src'))]) h.update(f.slice(root.length)).update(readFileSync(f));
  for (const f of ['package-lock.json', 'patches']) {
    const p = join(root, f);
    if (!existsSync(p)) continue;
    if (statSync(p).isDirectory()) for (const q of sourceFiles(p).concat(readdirSync(p).map((x) => join(p, x)))) h.update(q.slice(root.length)).update(readFileSync(q));
    else h.update(readFileSync(p));
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * The path of a bundle of the current workflow code, building it in a child process when this
 * version has none yet. Older bundles in the folder are removed.
 */
export async function workflowBundleFile(workflowsPath: string, cacheDir: string): Promise<string> {
  const hash = bundleHash(workflowsPath);
  const out = join(cacheDir, `workflows-${hash}.js`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, require.resolve('@temporalio/worker'), workflowsPath, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundling the workflow code failed (exit ${code}): ${err.trim().split('\n').slice(0, 8).join('\n')}`))));
  });
  // bundles of older code (not part files: another worker process may be writing one)
  for (const f of readdirSync(cacheDir)) if (/^workflows-[0-9a-f]+\.js$/.test(f) && join(cacheDir, f) !== out) rmSync(join(cacheDir, f), { force: true });
  return out;
}
