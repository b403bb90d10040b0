// Type-aware linting: the rule that matters most here is no-floating-promises, because a promise
// left floating in a worker or in test clean-up leaks connections. Below it, the boundaries of
// the layers, enforced here rather than by care: workflow code stays sandbox-safe, the backend's
// SQL stays private to it, and no module imports itself back through a cycle.
import { builtinModules } from 'node:module';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Modules outside workflows/ that workflow code may import as values: they import nothing but
 * types themselves (checked by the block that applies to them below).
 */
const SANDBOX_SAFE = [
  'src/protocol/exact-json.ts',
  'src/protocol/json-bytes.ts',
  'src/protocol/state-file-text.ts',
  'src/protocol/stream-states.ts',
];

/** Workflow modules whose definitions (names of queries, updates, signals) Node code shares. */
const SHARED_DEFINITIONS = ['definitions', 'connector-progress'];

/** What workflow code may not import as a value: every package but the workflow SDK, Node, our library. */
const sandboxRestrictions = {
  paths: [...builtinModules, ...builtinModules.map((name) => `node:${name}`)].map((name) => ({
    name,
    message: 'Workflow code runs in the Temporal sandbox: no Node built-ins.',
  })),
  patterns: [
    {
      // Any package but the workflow SDK (relative paths start with a dot).
      regex: '^(?!@temporalio/workflow$)[^.]',
      allowTypeImports: true,
      message:
        'Workflow code imports only @temporalio/workflow (and types): anything else may reach MikroORM, pg or Node.',
    },
    {
      regex: `^(?!.*/(${SANDBOX_SAFE.map((file) => file.replace(/\.ts$/, '')).join('|')})$).*(^|/)(src|activities)/`,
      allowTypeImports: true,
      message:
        'Workflow code imports library modules as types only (a few pure modules are allowed: see SANDBOX_SAFE in eslint.config.mjs).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'build/',
      'node_modules/',
      '.venv/',
      '.venv-connectors/',
      '.tmp/',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe()/test() return promises that the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'suite', 'it', 'test'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Type-only imports cannot make a cycle at run time, so they are not counted.
      'import-x/no-cycle': [
        'error',
        { ignoreExternal: true, allowUnsafeDynamicCyclicDependency: false },
      ],
    },
  },
  {
    // The library and its activities: the backend's SQL is private to src/backend, and Node code
    // shares only the definitions of the workflows (names of queries, updates, signals).
    files: [
      'src/**/*.ts',
      'activities/**/*.ts',
      'examples/**/*.ts',
      'bench/**/*.ts',
      'chaos/**/*.ts',
    ],
    ignores: ['src/backend/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/backend/sql/*'],
              message:
                'src/backend/sql is private to src/backend: use a method of the backend (backend.commits, backend.connections, …).',
            },
            {
              regex: `(^|/)workflows/(?!(${SHARED_DEFINITIONS.join('|')})$)`,
              allowTypeImports: true,
              message:
                'Node code imports workflow modules as types only, except their shared definitions (workflows/definitions).',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests may reach the backend's SQL only from the backend's own tests.
    files: ['test/**/*.ts'],
    ignores: ['test/backend/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/backend/sql/*'], message: 'src/backend/sql is private to src/backend.' },
          ],
        },
      ],
    },
  },
  {
    // Workflow code, and the pure modules it may import: sandbox-safe by construction.
    files: ['workflows/**/*.ts', ...SANDBOX_SAFE],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', sandboxRestrictions] },
  },
);
