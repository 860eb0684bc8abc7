import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema } from '../api/schema.js';

/** Every GraphQL example in the README must be valid against the schema the code builds. */
describe('the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '')
      .split(/\n(?=query|mutation|subscription)/)
      .map((s) => s.trim())
      .filter(Boolean),
  );

  it('has GraphQL examples', () => {
    expect(examples.length).toBeGreaterThan(15);
  });

  it('shows only operations that validate against the schema', async () => {
    const schema = await buildApiSchema();
    const invalid = examples
      .map((example) => ({ example, errors: validate(schema, parse(example)).map((e) => e.message) }))
      .filter((r) => r.errors.length > 0);
    expect(invalid).toEqual([]);
  });
});
