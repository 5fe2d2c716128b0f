/**
 * PGlite 0.4 starts its WebAssembly glue with dynamic `import()` of Node built-ins, which jest's
 * module sandbox refuses unless Node runs with --experimental-vm-modules (electric-sql/pglite#224).
 * Test files that open a PGlite ledger therefore have Node itself load the package, outside the
 * sandbox: the same, real PGlite, only loaded by Node's module loader instead of jest's.
 *
 *   jest.mock('@electric-sql/pglite', () => jest.requireActual('../db/native-pglite').nativePglite());
 */
import { Module } from 'node:module';

export function nativePglite(): unknown {
  // jest hands out its own `createRequire`, but `module.require` of a Module instance is Node's.
  const loader = new Module(__filename);
  return loader.require(require.resolve('@electric-sql/pglite'));
}
