import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMetadataStorage } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema, schemaFile } from './schema.js';

describe('the GraphQL schema', () => {
  it('is what schema/schema.graphql says (run `npm run schema` after changing the API)', async () => {
    const fresh = join(tmpdir(), `evcms-schema-${process.pid}.graphql`);
    await buildApiSchema({ emit: fresh });
    expect(readFileSync(fresh, 'utf8'), 'schema/schema.graphql is stale: run npm run schema and commit it').toBe(
      readFileSync(schemaFile, 'utf8'),
    );
  });

  it('never lets a field with roles or middleware take the plain resolver that skips them (simpleResolvers)', async () => {
    await buildApiSchema();
    const storage = getMetadataStorage();
    const simpleTypes = new Set(storage.objectTypes.filter((t) => t.simpleResolvers).map((t) => t.target));
    expect(simpleTypes.size).toBeGreaterThan(0);
    const guarded = (target: unknown, name: string) =>
      storage.authorizedFields.some((a) => a.target === target && a.fieldName === name) ||
      storage.middlewares.some((m) => m.target === target && m.fieldName === name) ||
      storage.authorizedResolver.some((a) => a.target === target) ||
      storage.resolverMiddlewares.some((m) => m.target === target);
    const unsafe = storage.fields
      .filter((f) => (f.simple ?? simpleTypes.has(f.target)) && guarded(f.target, f.name))
      .map((f) => `${f.target.name}.${f.name}`);
    expect(unsafe).toEqual([]);
  });
});
