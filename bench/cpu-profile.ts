// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: self time per function,
// time spent in and under each function of ours, and self time per file. Positions are mapped back
// to the TypeScript lines through the source maps the server dumped (tsx minifies whitespace).
// `tsx bench/cpu-profile.ts FILE.cpuprofile [TOP] [SOURCEMAPS.json]` prints it for any profile.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { relative } from 'node:path';

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

export function summariseProfile(file: string, top = 20, sourceMapsFile?: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const payloads: Record<string, SourceMapPayload> =
    sourceMapsFile && existsSync(sourceMapsFile) ? JSON.parse(readFileSync(sourceMapsFile, 'utf8')) : {};
  const maps = new Map(Object.entries(payloads).map(([url, payload]) => [url, new SourceMap(payload)]));
  const label = (frame: CallFrame) => {
    if (!frame.url) return { fn: `(${frame.functionName || 'native'})`, file: `(${frame.functionName || 'native'})`, ours: false };
    const path = frame.url.replace(/^file:\/\//, '');
    const local = relative(process.cwd(), path);
    const where = local.startsWith('..') ? path : local;
    const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    const line = entry && 'originalLine' in entry ? entry.originalLine + 1 : frame.lineNumber + 1;
    const ours = !where.startsWith('node_modules/') && !where.startsWith('node:') && !local.startsWith('..');
    return { fn: `${frame.functionName || '(anonymous)'}  ${where}:${line}`, file: where, ours };
  };
  const parent = new Map<number, number>();
  const labels = new Map<number, ReturnType<typeof label>>();
  for (const node of profile.nodes) {
    labels.set(node.id, label(node.callFrame));
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  for (const [i, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[i] ?? 0;
    const own = labels.get(id);
    if (!own) continue;
    total += us;
    add(self, own.fn, us);
    add(byFile, /^node_modules\/(@[^/]+\/)?[^/]+/.exec(own.file)?.[0] ?? own.file, us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = labels.get(at);
      if (l?.ours && !seen.has(l.fn)) {
        seen.add(l.fn);
        add(inclusive, l.fn, us);
      }
    }
  }
  const list = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `  ${((100 * us) / (total || 1)).toFixed(1).padStart(5)}%  ${name}`);
  return [
    `self time by function (of ${(total / 1e6).toFixed(1)} s sampled):`,
    ...list(self),
    'time in and under our functions:',
    ...list(inclusive),
    'self time by file (by package under node_modules):',
    ...list(byFile),
  ].join('\n');
}

if (process.argv[1]?.endsWith('cpu-profile.ts')) {
  const [file, top, maps] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/cpu-profile.ts FILE.cpuprofile [TOP] [SOURCEMAPS.json]\n');
    process.exit(2);
  }
  process.stdout.write(`${summariseProfile(file, Number(top ?? 25), maps)}\n`);
}
