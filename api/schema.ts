import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from './auth-checker.js';
import type { ApiPubSub } from './pubsub.js';

export const schemaFile = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
const resolverFolder = fileURLToPath(new URL('./resolvers/', import.meta.url));

/** Every `api/resolvers/*.resolver.ts`: adding a resolver means adding its file. */
type ResolverClass = abstract new (...args: never[]) => unknown;

export async function loadResolvers(): Promise<NonEmptyArray<ResolverClass>> {
  const files = readdirSync(resolverFolder)
    .filter((f) => /\.resolver\.(ts|js)$/.test(f))
    .sort();
  const resolvers: ResolverClass[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(`${resolverFolder}${file}`).href)) as Record<string, unknown>;
    for (const value of Object.values(module))
      if (typeof value === 'function' && value.name.endsWith('Resolver')) resolvers.push(value as ResolverClass);
  }
  if (resolvers.length === 0) throw new Error('no GraphQL resolvers found');
  return resolvers as NonEmptyArray<ResolverClass>;
}

/** Builds the code-first schema; `emit` writes schema/schema.graphql (committed, checked by a test). */
export async function buildApiSchema(options: { emit?: boolean | string; pubSub?: ApiPubSub } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: await loadResolvers(),
    pubSub: options.pubSub ?? createPubSub(),
    validate: false,
    authChecker,
    authMode: 'error',
    emitSchemaFile: options.emit ? { path: typeof options.emit === 'string' ? options.emit : schemaFile, sortedSchema: true } : false,
  });
}
