// Lint rules, including the layer boundaries of ARCHITECTURE.md: a layer that imports from a
// layer above it fails the test run instead of a review.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The layers, bottom to top: each may import the ones below it, never one above.
 * storage ← domain ← flows ← bot (the engine and its contract) ← channels ← app (the
 * composition root). `storage` is generic mechanics on MongoDB (group commit, once-only
 * inserts): the flows and the channels, which never touch the database, may not use it either.
 */
const LAYERS = ['storage', 'domain', 'flows', 'bot', 'channels', 'app'];

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**', '.cache/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS.map((type) => ({
        type,
        pattern: `src/${type}`,
        partialMatch: false,
      })),
    },
    rules: {
      // Every module under src/ belongs to a layer.
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            'layers import downwards only: storage ← domain ← flows ← bot ← channels ← app ' +
            '(a {{from.type}} module cannot import {{to.type}})',
          policies: LAYERS.map((type, i) => ({
            from: { element: { type } },
            allow: { to: { element: { types: { anyOf: LAYERS.slice(0, i + 1) } } } },
          })),
        },
      ],
    },
  },
  {
    // The agent console's page script runs in the browser (issue 15).
    files: ['src/app/agent-console/page/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  layer(
    ['src/flows/**/*.ts'],
    ['mongoose', 'mongodb', '**/domain/**/*-repository*', '**/storage/**'],
    'flows are pure: no database.',
  ),
  layer(
    ['src/domain/policy/**/*.ts'],
    ['mongoose', 'mongodb', 'node:fs', 'node:fs/promises'],
    'policy functions are pure: no I/O.',
  ),
  {
    files: ['src/channels/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'mongoose',
                'mongodb',
                '**/domain/**/*-repository*',
                '**/storage/**',
                '**/flows/**',
              ],
              message: 'a channel adapter only translates: no database, no flows.',
            },
            {
              regex: String.raw`(^|/)bot/(?!engine/(messages|errors)\.ts$)`,
              message:
                'a channel knows the engine by its contract only: bot/engine/messages.ts and errors.ts.',
            },
          ],
        },
      ],
    },
  },
);
