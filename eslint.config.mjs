// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * ESLint for the TypeScript of src, test, bench, scripts and migrations (typed through
 * tsconfig.json) and the few plain JavaScript files around them. The point is the async code:
 * a promise nobody awaits loses its errors and its ordering, so no-floating-promises and
 * no-misused-promises are errors everywhere, tests included (an `expect(...).resolves` that
 * is not awaited asserts nothing). A promise left running on purpose says so with `void` and
 * a comment giving the reason.
 */
export default tseslint.config(
  {
    ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'logs/**', 'bench/logs/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    rules: {
      // `_name` marks a parameter or a destructured value that is there for its position only.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      // Tests probe JSON bodies of whatever shape an answer has; typing each one buys nothing.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The web console runs in the browser (web/tsconfig.json types it with the DOM).
    // The rules of hooks catch what React cannot tell at run time: a hook called conditionally, an effect missing a dependency.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: { ...globals.browser },
    },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      // These files are CommonJS on purpose (jest's config, ts-jest's transformer, a worker thread's entry).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
