// `npm run bench:api -- --profile`: the API process samples its CPU during each measured phase (through
// the inspector, started and stopped over IPC) and writes the source maps of our loaded files (tsx
// transpiles, so V8's positions are not the TypeScript lines); the bench prints where the time went:
// self time per function and per package, and time in and under our functions, with file:line.
import { readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { findSourceMap } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
let session: Session | undefined;

/** In the profiled process: starts sampling (every 200 µs). */
export async function startProfile(): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}

/** In the profiled process: stops sampling, writes the profile to `file` and our source maps to `mapsFile`. */
export async function stopProfile(file: string, mapsFile: string): Promise<void> {
  if (!session) throw new Error('no profile was started');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  writeFileSync(file, JSON.stringify(profile));
  dumpSourceMaps(mapsFile);
}

/** Writes the source maps of our loaded files (needs --enable-source-maps). */
function dumpSourceMaps(file: string): void {
  const maps: Record<string, unknown> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (['node_modules', 'data'].includes(entry.name) || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const map = findSourceMap(pathToFileURL(path).href);
        if (map) maps[pathToFileURL(path).href] = map.payload;
      }
    }
  };
  walk(root);
  writeFileSync(file, JSON.stringify(maps));
}
