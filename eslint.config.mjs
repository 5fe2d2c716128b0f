// ESLint (flat config) with typescript-eslint: `npm run lint`, run by .ci/run before the tests.
//
// Kept small on purpose: the compiler already checks types and unused names (tsconfig.json
// noUnusedLocals/noUnusedParameters, `npm run typecheck`), so the linter adds what tsc cannot see:
// - JavaScript's and typescript-eslint's recommended rules;
// - in workflow code (deterministic, replayed; docs/architecture.md "Workflows"): every promise
//   is awaited or kept (a forgotten await of an activity or a condition is a silent bug), and no
//   import of what cannot run in the workflow sandbox (Node built-ins, the client, the worker,
//   activity implementations, the ledger); types may be imported from anywhere;
// - the layering of issue 18: nothing outside workflows/ imports a workflow implementation or
//   the workflow-side kit; callers use each process's contract.ts. Temporal publishes no ESLint
//   plugin of its own (there is no @temporalio/eslint-plugin on npm), so these are ours.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const WORKFLOW_IMPLEMENTATION = {
  regex: String.raw`(^|/)workflows(/index)?$|(^|/)workflows/[^/]+/workflow$|(^|/)workflows/shared/(process-runtime|staff-actions|home-messages|coordinator-actions)$`,
  message: "Import the process's contract (workflows/<process>/contract.ts), not its workflow code.",
};

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'data/', '.tools/', '.schemathesis/', 'web/', 'patches/', 'test/replay/fixtures/', '**/*.js', '**/*.mjs', '**/*.cjs', '**/*.mts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // tsc reports unused locals and parameters already (tsconfig.json)
      '@typescript-eslint/no-unused-vars': 'off',
      // tests and a few protocol adapters handle untyped JSON
      '@typescript-eslint/no-explicit-any': 'off',
      // `interface X extends Omit<Y, 'k'> {}` names a shape
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // start-up errors replace the cause with one sentence naming the file or address (README
      // "Configuration": a bad value stops start-up with a message); the cause is in that sentence
      'preserve-caught-error': 'off',
    },
  },
  {
    // a test may keep assigning the latest answer to one variable, for reading, without using each
    files: ['test/**/*.ts'],
    rules: { 'no-useless-assignment': 'off' },
  },
  {
    // the layering: callers use contracts (the replay test checks the worker's own registrations)
    files: ['src/**/*.ts', 'activities/**/*.ts', 'workers/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    ignores: ['test/replay/replay.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [WORKFLOW_IMPLEMENTATION] }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'],
              message: 'Workflow code runs in the deterministic sandbox: no Node built-ins.',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              allowTypeImports: true,
              message: 'Workflow code uses @temporalio/workflow (and @temporalio/common) only.',
            },
            {
              regex: String.raw`(^|/)(activities|src/db|src/api|src/auth|src/config|src/logger)(/|$)`,
              allowTypeImports: true,
              message: 'Workflow code reaches side effects through activities (proxyActivities), never by importing them.',
            },
          ],
        },
      ],
    },
  },
);
