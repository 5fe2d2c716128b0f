// Real PGlite, loaded by Node rather than jest's module sandbox (see test/db/native-pglite.ts),
// for every test file: API and workflow tests open a PGlite ledger too.
jest.mock('@electric-sql/pglite', () => jest.requireActual('../db/native-pglite').nativePglite());
