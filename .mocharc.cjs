// Tests run TypeScript directly through tsx; one engine per mocha process (test/setup.ts).
module.exports = {
  require: ['tsx/cjs', 'test/setup.ts'],
  spec: ['test/**/*.test.ts'],
  timeout: 30000,
  exit: true,
};
