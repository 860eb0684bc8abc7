import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, importViolation, layerOf } from './import-rules.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every .ts module (tests aside) under the domain folders and platform/, as paths from the root. */
function checkedModules(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(relative(root, path).split('\\').join('/'));
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const layer = layerOf(entry.name);
    if (layer === 'domain' || layer === 'kernel') walk(join(root, entry.name));
  }
  return files;
}

describe('the house: no arrows back up', () => {
  it('finds no domain module importing an entry point, ws or GraphQL, and no platform module importing evcms code', () => {
    const modules = checkedModules();
    expect(modules.some((f) => f.startsWith('stations/'))).toBe(true);
    expect(modules.some((f) => f.startsWith('platform/'))).toBe(true);
    const violations = modules.flatMap((file) =>
      importsOf(readFileSync(join(root, file), 'utf8'))
        .map((imported) => importViolation(file, imported))
        .filter((v): v is string => v !== null)
        .map((v) => `${file}: ${v}`),
    );
    expect(violations).toEqual([]);
  });

  it('catches a domain module importing an entry point or the GraphQL and WebSocket stacks', () => {
    const fake = (source: string) => importsOf(source).map((i) => importViolation('stations/fake.ts', i));
    expect(fake("import { startGateway } from '../ocpp/gateway.js';")).toEqual(['domain code imports an entry point (ocpp/gateway.js)']);
    expect(fake("import type { ApiContext } from '../api/context.js';")).toEqual(['domain code imports an entry point (api/context.js)']);
    expect(fake("const { createDeps } = await import('../system/deps.js');")).toEqual([
      'domain code imports an entry point (system/deps.js)',
    ]);
    expect(fake("export { startTelemetrySink } from '../workers/telemetry-sink.js';")).toEqual([
      'domain code imports an entry point (workers/telemetry-sink.js)',
    ]);
    expect(fake("import {\n  Resolver,\n  Query,\n} from 'type-graphql';\nimport { WebSocket } from 'ws';")).toEqual([
      'domain code imports type-graphql',
      'domain code imports ws',
    ]);
    expect(fake("import { GraphQLError } from 'graphql';\nimport { ApolloServer } from '@apollo/server';")).toEqual([
      'domain code imports graphql',
      'domain code imports @apollo/server',
    ]);
    // A folder nobody listed is domain code too.
    expect(importsOf("import { x } from '../api/x.js';").map((i) => importViolation('billing/pricing.ts', i))).toEqual([
      'domain code imports an entry point (api/x.js)',
    ]);
    expect(fake("import { Station } from '../schema/entities/index.js';\nimport { logger } from '../platform/logger.js';")).toEqual([
      null,
      null,
    ]);
  });

  it('catches platform/ importing domain code or an entry point, and lets it import itself and packages', () => {
    const fake = (source: string) => importsOf(source).map((i) => importViolation('platform/fake.ts', i));
    expect(fake("import type { Deps } from '../system/deps.js';")).toEqual(['platform/ imports an entry point (system/deps.js)']);
    expect(fake("import { Station } from '../schema/entities/index.js';")).toEqual([
      'platform/ imports domain code (schema/entities/index.js)',
    ]);
    expect(fake("import { sendJson } from './http.js';\nimport { Redis } from 'ioredis';")).toEqual([null, null]);
  });

  it('lets entry points import anything, and domain code only the types generated from the OCPP schemas', () => {
    expect(importViolation('api/server.ts', { specifier: 'ws', typeOnly: false })).toBeNull();
    expect(importViolation('commands/x.ts', { specifier: '../ocpp/generated/v16.js', typeOnly: true })).toBeNull();
    expect(importViolation('commands/x.ts', { specifier: '../ocpp/generated/v16.js', typeOnly: false })).toBe(
      'domain code imports an entry point (ocpp/generated/v16.js)',
    );
  });
});
