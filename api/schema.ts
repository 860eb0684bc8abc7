import 'reflect-metadata';
import { createPubSub } from '@graphql-yoga/subscription';
import { fileURLToPath } from 'node:url';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { SystemResolver } from './resolvers/system.resolver.js';

export const schemaFile = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
export const resolvers = [SystemResolver] as const;

/** Builds the code-first schema; `emit` writes schema/schema.graphql (committed, checked by a test). */
export async function buildApiSchema(options: { emit?: boolean } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    pubSub: createPubSub(),
    validate: false,
    emitSchemaFile: options.emit ? { path: schemaFile, sortedSchema: true } : false,
  });
}
