// Lint rules, including the layer boundaries of ARCHITECTURE.md: a layer that imports from a
// layer above it fails the test run instead of a review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**', '.cache/**'] },
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
  layer(
    ['src/domain/**/*.ts'],
    ['**/bot/**', '**/channels/**', '**/flows/**'],
    'src/domain is the bottom layer: it never imports from bot, channels or flows.',
  ),
  layer(
    ['src/flows/**/*.ts'],
    [
      '**/bot/**',
      '**/channels/**',
      'mongoose',
      'mongodb',
      '**/domain/**/*-repository*',
      '**/domain/db/**',
    ],
    'flows are pure: no bot, no channels, no database.',
  ),
  layer(
    ['src/domain/policy/**/*.ts'],
    ['mongoose', 'mongodb', 'node:fs', 'node:fs/promises'],
    'policy functions are pure: no I/O.',
  ),
  layer(
    ['src/channels/**/*.ts'],
    ['mongoose', 'mongodb', '**/domain/**/*-repository*', '**/flows/**'],
    'a channel adapter only translates: no database, no flows.',
  ),
);
