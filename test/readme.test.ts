import { readdirSync, readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildApiSchema } from '../api/schema.js';

/** The README and every page under docs/ (and bench/README.md): where a reader meets GraphQL examples. */
const pages = [
  'README.md',
  'bench/README.md',
  ...readdirSync(new URL('../docs/', import.meta.url))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Every GraphQL example in the README and the docs must be valid against the schema the code builds. */
describe('the README and the docs', () => {
  const readme = pages.map((page) => readFileSync(new URL(`../${page}`, import.meta.url), 'utf8')).join('\n');
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
