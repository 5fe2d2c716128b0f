/**
 * The workflow thread's shared modules (workers/workflow-preload.ts, issue 21: memory). A module
 * that workflow code imports and that is not shared is evaluated again for every cached workflow:
 * it works, at about 2 MB per workflow for our domain, and a zod schema registered with an id in
 * such a module would fail the second workflow ("ID … already exists in the registry": zod is
 * shared). So every module outside workflows/ that a workflow imports must be listed, directly
 * or through a listed module; and the tests' bundle is built as the worker's is.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot } from '../../src/temporal/tools';
import { workflowsPath } from '../../workers/worker';
import { workflowBundleOptions, workflowPreloadPath } from '../../workers/workflow-bundle';
import { BUNDLE_PATH } from '../helpers/paths';

const tsFiles = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));

/** The modules `file` imports for their values (not `import type`, not only `type` specifiers): project-relative paths without extension, or package names. */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?([\s\S]*?)\s*from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
    const spec = m[3] ?? m[4]!;
    if (m[1]) continue; // import type … / export type …
    const names = /^\{([\s\S]*)\}$/.exec(m[2]?.trim() ?? '')?.[1];
    if (names !== undefined && names.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '))) continue;
    out.push(spec.startsWith('.') ? relative(projectRoot, resolve(dirname(file), spec)).replace(/\.(ts|js)$/, '') : spec);
  }
  return out;
}

test('every module of src/ and every package that workflow code imports is shared (workers/workflow-preload.ts)', () => {
  const preload = workflowPreloadPath(workflowsPath);
  expect(existsSync(preload)).toBe(true);
  const listed = new Set(valueImports(preload));
  const missing = new Set<string>();
  for (const file of tsFiles(join(projectRoot, 'workflows'))) {
    for (const mod of valueImports(file)) {
      if (mod.startsWith('workflows/') || mod.startsWith('@temporalio/')) continue; // workflow code, and the SDK (shared by the SDK itself)
      if (!listed.has(mod)) missing.add(`${mod} (imported by ${relative(projectRoot, file)})`);
    }
  }
  expect([...missing]).toEqual([]);
  // and no workflow code is shared: its module state (handlers, conditions) is per workflow
  expect([...listed].filter((m) => m.startsWith('workflows/'))).toEqual([]);
});

test("the worker's and the tests' bundle share those modules, leave out moment's locales and the sources in the source map", () => {
  expect(workflowBundleOptions(workflowsPath).preloadModules).toEqual([workflowPreloadPath(workflowsPath)]);
  const code = readFileSync(BUNDLE_PATH, 'utf8'); // built by test/helpers/global-setup.ts with workers/workflow-bundle.ts
  const at = code.lastIndexOf('//# sourceMappingURL=data:application/json');
  expect(at).toBeGreaterThan(0);
  const preloadFn = code.slice(code.indexOf('preloadModules = function preloadModules()'), code.indexOf('exports.importWorkflows'));
  expect(preloadFn).toContain('workers/workflow-preload.ts');
  expect(code.slice(0, at)).not.toMatch(/moment\/locale\/[a-z-]+\.js/);
  const map = JSON.parse(Buffer.from(code.slice(code.indexOf('base64,', at) + 7).trim(), 'base64').toString()) as { sources: string[]; sourcesContent?: unknown; mappings: string };
  expect(map.sourcesContent).toBeUndefined();
  expect(map.sources.some((s) => s.endsWith('workflows/discharge/workflow.ts'))).toBe(true);
  expect(map.mappings.length).toBeGreaterThan(0);
});
