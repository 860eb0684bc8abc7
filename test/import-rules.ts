import { posix } from 'node:path';

/**
 * The house's layers, by top-level folder. Entry points and the composition root may import anything;
 * the kernel (platform/) imports no evcms code outside itself; domain code imports neither an entry point
 * nor the WebSocket or GraphQL stacks. Every top-level folder not listed here is domain code: stations,
 * sessions, auth, telemetry, commands, events, sites, warehouse, database, schema, migrations, and the
 * billing/, maintenance/, alerts/, analytics/ (...) to come, without anyone having to add them.
 */
export const entryPoints = ['ocpp', 'api', 'workers', 'system'] as const;
export const kernel = ['platform'] as const;
export const tooling = ['test', 'bench', 'scripts', 'simulator', 'deploy', 'docs', 'node_modules', 'data', 'coverage'] as const;

export type Layer = 'entry' | 'kernel' | 'tooling' | 'domain';

export function layerOf(topFolder: string): Layer {
  if ((entryPoints as readonly string[]).includes(topFolder)) return 'entry';
  if ((kernel as readonly string[]).includes(topFolder)) return 'kernel';
  if ((tooling as readonly string[]).includes(topFolder)) return 'tooling';
  return 'domain';
}

/** Packages of the WebSocket server and the GraphQL stack, which domain code does not import. */
const forbiddenForDomain = /^(ws|graphql|graphql-ws|type-graphql|graphql-query-complexity)(\/|$)|^@apollo\/|^@graphql-yoga\//;

/**
 * Known exceptions, each with its reason. Type-only imports of the types generated from the OCPP schemas:
 * they are the protocol's vocabulary (erased at run time), not the gateway, and the command code speaks it.
 */
const allowed = (target: string, typeOnly: boolean) => typeOnly && target.startsWith('ocpp/generated/');

export interface ImportOf {
  specifier: string;
  typeOnly: boolean;
}

/** The specifiers a module imports or re-exports, statically or dynamically (a static read, no resolution). */
export function importsOf(source: string): ImportOf[] {
  const found: ImportOf[] = [];
  const statement = /(?:^|[;\n])\s*(import|export)(\s+type)?\b([^'"`;]*?)\bfrom\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(statement)) found.push({ specifier: m[4] as string, typeOnly: Boolean(m[2]) });
  for (const m of source.matchAll(/(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]/g)) found.push({ specifier: m[1] as string, typeOnly: false });
  for (const m of source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ specifier: m[1] as string, typeOnly: false });
  return found;
}

/** Why `file` (a path from the repository root) may not import `specifier`, or null when it may. */
export function importViolation(file: string, { specifier, typeOnly }: ImportOf): string | null {
  const from = layerOf(file.split('/')[0] as string);
  const relative = specifier.startsWith('.');
  const target = relative ? posix.normalize(posix.join(posix.dirname(file), specifier)) : null;
  const targetLayer = target && !target.startsWith('..') ? layerOf(target.split('/')[0] as string) : null;
  if (from === 'domain') {
    if (targetLayer === 'entry' && !allowed(target as string, typeOnly)) return `domain code imports an entry point (${target})`;
    if (!relative && forbiddenForDomain.test(specifier)) return `domain code imports ${specifier}`;
  }
  if (from === 'kernel' && targetLayer !== null && targetLayer !== 'kernel') {
    return `platform/ imports ${targetLayer === 'domain' ? 'domain code' : targetLayer === 'entry' ? 'an entry point' : 'tooling'} (${target})`;
  }
  return null;
}
