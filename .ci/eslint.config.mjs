// Lint rules for the whole project (run with `npm run lint`). Kept under .ci/ so the top level stays as designed.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'test-artifacts/**', 'scratch/**', 'src/console/dist/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'off',
    },
  },
  {
    // chai's property assertions (`expect(x).to.be.empty`) are expressions by design.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/embedded-mongo/**', 'src/db/**'],
    rules: {
      // Only src/db may talk to the embedded engine; the application has one data path (mongoose over the wire).
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/embedded-mongo', '**/embedded-mongo/**'], message: 'Only src/db/ may import the embedded engine.' }] }],
    },
  },
  {
    files: ['src/embedded-mongo/**/*.ts'],
    rules: {
      // The engine is self-contained: it imports nothing from the application.
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*', '!../../embedded-mongo/**'], message: 'The engine must not import application code.' }] }],
    },
  },
);
