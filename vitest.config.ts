import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql 16 ships a CommonJS copy (main) and an ESM copy (module). Node, and so type-graphql, load the
  // CommonJS one; tests must load the same, or a custom scalar is not the GraphQLScalarType type-graphql knows.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    pool: 'forks',
    // A test file mostly waits (on PostgreSQL, Redis, sockets, timers), so two files at a time on two cores
    // (vitest's default is one less than the cores: one) take 14 API files from 68 s to 39 s; three gain nothing more.
    maxWorkers: Math.max(2, availableParallelism()),
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
