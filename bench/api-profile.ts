// `npm run bench:api -- --profile`: the API process samples its CPU during each measured phase (through
// the inspector, started and stopped over IPC) and writes the source maps of our loaded files (tsx
// transpiles, so V8's positions are not the TypeScript lines); the bench prints where the time went:
// self time per function and per package, and time in and under our functions, with file:line.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap, type SourceMapPayload, findSourceMap } from 'node:module';
import { join, relative } from 'node:path';
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

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface Profile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function and by package, and time in and under our own functions. */
export function summariseProfile(file: string, mapsFile: string | undefined, top = 20): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const payloads: Record<string, SourceMapPayload> = mapsFile && existsSync(mapsFile) ? JSON.parse(readFileSync(mapsFile, 'utf8')) : {};
  const maps = new Map(Object.entries(payloads).map(([url, payload]) => [url, new SourceMap(payload)]));
  const describe = (frame: CallFrame) => {
    if (!frame.url) return { fn: `(${frame.functionName || 'native'})`, pkg: `(${frame.functionName || 'native'})`, ours: false };
    const path = frame.url.replace(/^file:\/\//, '');
    const where = path.startsWith(root) ? relative(root, path) : path;
    const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    const line = entry && 'originalLine' in entry ? entry.originalLine + 1 : frame.lineNumber + 1;
    const ours = path.startsWith(root) && !where.startsWith('node_modules/');
    const pkg = /^node_modules\/(@[^/]+\/)?[^/]+/.exec(where)?.[0] ?? (ours ? where : 'node internals');
    return { fn: `${frame.functionName || '(anonymous)'}  ${where}:${line}`, pkg, ours };
  };
  const parent = new Map<number, number>();
  const frames = new Map<number, ReturnType<typeof describe>>();
  for (const node of profile.nodes) {
    frames.set(node.id, describe(node.callFrame));
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const under = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  for (const [i, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[i] ?? 0;
    const own = frames.get(id);
    // Idle, and the inspector's own work of stopping the profile, are not the API's.
    if (!own || own.fn === '((idle))' || own.fn === '((program))' || own.fn.includes('node:inspector')) continue;
    total += us;
    add(self, own.fn, us);
    add(byPackage, own.pkg, us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frames.get(at);
      if (frame?.ours && !seen.has(frame.fn)) {
        seen.add(frame.fn);
        add(under, frame.fn, us);
      }
    }
  }
  const list = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${((100 * us) / (total || 1)).toFixed(1).padStart(5)}%  ${name}`);
  return [
    `busy time sampled: ${(total / 1e6).toFixed(1)} s (idle left out)`,
    'self time by function:',
    ...list(self),
    'self time by package:',
    ...list(byPackage),
    'time in and under our functions:',
    ...list(under),
  ].join('\n');
}
