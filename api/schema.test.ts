import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
