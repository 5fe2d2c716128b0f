/**
 * The workflow bundle, built once per version of the code and kept on disk (issue 21: memory).
 *
 * Given `workflowsPath`, the SDK bundles the workflow code with webpack inside the worker
 * process at every start: about 14 s on 2 cores, and webpack's module graph and caches stay in
 * the process afterwards (measured: +170 MB RSS, +40 MB heap after a full GC). Here a short-lived
 * child process does the bundling and writes the bundle to `<cacheDir>/<hash>.js`; the worker
 * loads that file (`workflowBundle: { codePath }`). The hash covers every file the bundle can
 * include (workflows/ and src/), how it is built (this file and ./workflow-preload.ts), the
 * lockfile, the SDK patches and the Node version, so a change of code is a new bundle and a
 * restart of the same code reuses the last one.
 *
 * How it is built (`workflowBundleOptions`, also used by the tests' bundle, so they run what the
 * worker runs), each measured on the workflow thread's heap (scripts/measure-memory.ts --threads):
 * - the shared modules of ./workflow-preload.ts: 2.4 MB → 0.1 MB per cached workflow;
 * - without moment's 140 locale modules (date-holidays' equinox calculation uses moment-timezone,
 *   never a locale) and without the sources inside the source map (stack traces need only its
 *   mappings), and with line-level mappings (`cheap-module`: stack traces name the file and
 *   line, not the column): the bundle file 15.1 MB → 4.9 MB, the workflow thread's heap at idle
 *   about 73 → 41 MB, and the main thread's, which parses the bundle once, about 20 MB less.
 */
import type { BundleOptions } from '@temporalio/worker';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

/** The module of shared modules next to the workflow code's `workflows/` (./workflow-preload.ts, or .js when compiled). */
export function workflowPreloadPath(workflowsPath: string): string {
  return join(dirname(dirname(workflowsPath)), 'workers', `workflow-preload${extname(workflowsPath) || '.js'}`);
}

const quiet = { trace() {}, debug() {}, info() {}, log() {}, warn: console.warn, error: console.error };

/** The bundler's options for `workflowsPath` (see above). */
export function workflowBundleOptions(workflowsPath: string): BundleOptions {
  // webpack is the SDK's own dependency: the one its bundler runs
  const webpack = createRequire(require.resolve('@temporalio/worker'))('webpack') as {
    IgnorePlugin: new (o: { resourceRegExp: RegExp; contextRegExp: RegExp }) => object;
  };
  return {
    workflowsPath,
    logger: quiet,
    preloadModules: [workflowPreloadPath(workflowsPath)],
    webpackConfigHook: (config) => ({
      ...config,
      devtool: 'inline-cheap-module-source-map',
      plugins: [...(config.plugins ?? []), new webpack.IgnorePlugin({ resourceRegExp: /^\.\/locale$/, contextRegExp: /moment$/ }) as never],
    }),
  };
}

/** The bundle's code without the sources in its inline source map (the SDK requires the map itself). */
export function withoutSourcesContent(code: string): string {
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  const base64 = code.indexOf('base64,', at);
  if (at < 0 || base64 < 0) return code;
  const map = JSON.parse(Buffer.from(code.slice(base64 + 'base64,'.length).trim(), 'base64').toString()) as { sourcesContent?: unknown };
  delete map.sourcesContent;
  return code.slice(0, base64 + 'base64,'.length) + Buffer.from(JSON.stringify(map)).toString('base64');
}

/** The bundle's code as the worker loads it. */
export async function buildWorkflowBundle(workflowsPath: string): Promise<string> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  return withoutSourcesContent((await bundleWorkflowCode(workflowBundleOptions(workflowsPath))).code);
}

/**
 * Run in the child (workflowBundleFile): writes a part file of its own, then renames (a half-written bundle is never taken).
 * @public
 */
export async function writeWorkflowBundle(workflowsPath: string, out: string): Promise<void> {
  const code = await buildWorkflowBundle(workflowsPath);
  const part = `${out}.${process.pid}.part`;
  writeFileSync(part, code);
  renameSync(part, out);
}

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
  const how = [__filename, workflowPreloadPath(workflowsPath)].filter((f) => existsSync(f));
  for (const f of [...sourceFiles(join(root, 'workflows')), ...sourceFiles(join(root, 'src')), ...how]) h.update(f.slice(root.length)).update(readFileSync(f));
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
    // this module in a child process; from TypeScript sources (npm start, tests) through tsx
    const script = `require(${JSON.stringify(__filename)}).writeWorkflowBundle(process.argv[1], process.argv[2]).catch((err) => { console.error((err && err.stack) || String(err)); process.exit(1); });`;
    const loader = extname(__filename) === '.ts' ? ['--require', require.resolve('tsx/cjs')] : [];
    const child = spawn(process.execPath, [...loader, '-e', script, workflowsPath, out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bundling the workflow code failed (exit ${code}): ${err.trim().split('\n').slice(0, 8).join('\n')}`))));
  });
  // bundles of older code (not part files: another worker process may be writing one)
  for (const f of readdirSync(cacheDir)) if (/^workflows-[0-9a-f]+\.js$/.test(f) && join(cacheDir, f) !== out) rmSync(join(cacheDir, f), { force: true });
  return out;
}
