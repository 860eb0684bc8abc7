import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** A reader who follows a link between the pages (or to a file in the repository) finds what it names. */
describe('the links between the README and the docs', () => {
  it('point at files that exist', () => {
    const root = new URL('..', import.meta.url).pathname;
    const broken = pages.flatMap((page) => {
      const text = readFileSync(join(root, page), 'utf8');
      return [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((m) => m[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(root, dirname(page), target)))
        .map((target) => `${page} -> ${target}`);
    });
    expect(broken).toEqual([]);
  });

  it('keep the README an entry page of at most 10 KB', () => {
    expect(readFileSync(new URL('../README.md', import.meta.url)).byteLength).toBeLessThanOrEqual(10 * 1024);
  });
});
