import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { ideScript } from './script.js';

const require = createRequire(import.meta.url);

/**
 * A file inside an npm package, found from where Node resolves the package's entry (a package's `exports`
 * may not list its browser builds, so they cannot be resolved by name).
 */
function packageFile(path: string): string {
  const [pkg = '', ...rest] = path.split('/');
  let dir = dirname(require.resolve(pkg));
  while (!dir.endsWith(`${sep}node_modules${sep}${pkg}`)) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of the package ${pkg}`);
    dir = up;
  }
  return join(dir, ...rest);
}

interface Asset {
  type: string;
  /** A file of an npm package, resolved where Node finds the package (from source or from dist/). */
  file?: string;
  text?: string;
}

/** What the IDE page loads, all from this server: GraphiQL 3 and React 18 UMD builds, graphql-ws's browser build. */
const assets: Record<string, Asset> = {
  'react.js': { type: 'text/javascript', file: 'react/umd/react.production.min.js' },
  'react-dom.js': { type: 'text/javascript', file: 'react-dom/umd/react-dom.production.min.js' },
  'graphql-ws.js': { type: 'text/javascript', file: 'graphql-ws/umd/graphql-ws.min.js' },
  'graphiql.js': { type: 'text/javascript', file: 'graphiql/graphiql.min.js' },
  'graphiql.css': { type: 'text/css', file: 'graphiql/graphiql.min.css' },
  'ide.js': { type: 'text/javascript', text: ideScript },
};

export const assetNames = Object.keys(assets);

const loaded = new Map<string, Promise<Buffer>>();

/** The asset's bytes and type, read once and kept; null for a name that is not an asset. */
export async function ideAsset(name: string): Promise<{ type: string; body: Buffer } | null> {
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) return null;
  let body = loaded.get(name);
  if (!body) {
    body = asset.file ? readFile(packageFile(asset.file)) : Promise.resolve(Buffer.from(asset.text ?? ''));
    loaded.set(name, body);
    body.catch(() => loaded.delete(name));
  }
  return { type: asset.type, body: await body };
}
