// Root hooks for every mocha run: start the shared database server once, stop it at the end.
import { startTestDatabase, stopTestDatabase } from './support/database';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60000);
    await startTestDatabase();
  },
  async afterAll() {
    await stopTestDatabase();
  },
};
