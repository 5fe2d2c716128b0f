// The staff workspace's build step of scripts/setup.mjs (issue 19): web/ is built with Vite into
// web/dist when its inputs have changed since the last build (a hash of web/ and of the server
// code it shares: src/api for the OpenAPI document its client is typed from, src/domain for the
// zod schemas and rules its forms use, and package-lock.json). Plain Node, like setup.mjs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', 'dist', 'generated']);

function addTree(h, root, dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) addTree(h, root, p);
    else h.update(relative(root, p)).update('\0').update(readFileSync(p)).update('\0');
  }
}

export function webInputsHash(root) {
  const h = createHash('sha256');
  for (const d of ['web', 'src/api', 'src/domain']) addTree(h, root, join(root, d));
  h.update(readFileSync(join(root, 'package-lock.json')));
  return h.digest('hex');
}

/**
 * Builds web/ when its inputs changed; returns whether it built. Throws an Error naming the build's
 * own output when it fails (setup.mjs reports it).
 */
export function webBuild(root) {
  const hash = webInputsHash(root);
  const stamp = join(root, 'web', 'dist', '.build-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(root, 'web', 'dist', 'index.html'))) return false;
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [join(root, 'web', 'scripts', 'build.ts')], { cwd: root, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, LOG_LEVEL: 'silent' } });
  if (r.status !== 0) {
    const said = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim().split('\n').slice(-12).join('\n');
    throw new Error(`staff workspace: the Vite build of web/ failed:\n${said}\nRun \`npx tsx web/scripts/build.ts\` to see it whole, then \`npm run setup\` again.`);
  }
  writeFileSync(stamp, hash);
  return true;
}
