// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: self time per function,
// time spent in and under each function of ours, and self time per file. Positions are mapped back
// to the TypeScript lines through the source maps the server dumped (tsx minifies whitespace).
// `tsx bench/cpu-profile.ts FILE.cpuprofile [TOP] [SOURCEMAPS.json]` prints it for any profile.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { relative } from 'node:path';

/** Starts profiling this process's main thread; the returned function writes the profile to `file` and stops. */
export async function startCpuProfile(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

export interface CallFrame {
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

/** Names a profile's call frame as `function  file:line`, the line mapped back to TypeScript when a map is known. */
export function frameLabeller(sourceMapsFile?: string): (frame: CallFrame) => { fn: string; file: string; ours: boolean } {
  const payloads: Record<string, SourceMapPayload> =
    sourceMapsFile && existsSync(sourceMapsFile) ? JSON.parse(readFileSync(sourceMapsFile, 'utf8')) : {};
  const maps = new Map(Object.entries(payloads).map(([url, payload]) => [url, new SourceMap(payload)]));
  return (frame) => {
    if (!frame.url) return { fn: `(${frame.functionName || 'native'})`, file: `(${frame.functionName || 'native'})`, ours: false };
    const path = frame.url.replace(/^file:\/\//, '');
    const local = relative(process.cwd(), path);
    const where = local.startsWith('..') ? path : local;
    const entry = maps.get(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    const line = entry && 'originalLine' in entry ? entry.originalLine + 1 : frame.lineNumber + 1;
    const ours = !where.startsWith('node_modules/') && !where.startsWith('node:') && !local.startsWith('..');
    return { fn: `${frame.functionName || '(anonymous)'}  ${where}:${line}`, file: where, ours };
  };
}

export function summariseProfile(file: string, top = 20, sourceMapsFile?: string, busyStretchMs = 60): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const label = frameLabeller(sourceMapsFile);
  const parent = new Map<number, number>();
  const labels = new Map<number, ReturnType<typeof label>>();
  for (const node of profile.nodes) {
    labels.set(node.id, label(node.callFrame));
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  const tally = () => ({
    self: new Map<string, number>(),
    inclusive: new Map<string, number>(),
    byFile: new Map<string, number>(),
    total: 0,
  });
  const count = (into: ReturnType<typeof tally>, id: number, us: number) => {
    const own = labels.get(id);
    if (!own) return;
    into.total += us;
    add(into.self, own.fn, us);
    add(into.byFile, /^node_modules\/(@[^/]+\/)?[^/]+/.exec(own.file)?.[0] ?? own.file, us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = labels.get(at);
      if (l?.ours && !seen.has(l.fn)) {
        seen.add(l.fn);
        add(into.inclusive, l.fn, us);
      }
    }
  };
  const all = tally();
  // Busy stretches: runs of samples with no idle one between them, as long as a loop stall worth a look.
  const busy = tally();
  const stretches: number[] = [];
  let run: Array<[number, number]> = [];
  const endRun = () => {
    const us = run.reduce((sum, [, d]) => sum + d, 0);
    if (us >= busyStretchMs * 1000) {
      stretches.push(us / 1000);
      for (const [id, d] of run) count(busy, id, d);
    }
    run = [];
  };
  for (const [i, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[i] ?? 0;
    count(all, id, us);
    if (labels.get(id)?.fn === '((idle))') endRun();
    else run.push([id, us]);
  }
  endRun();
  const list = (map: Map<string, number>, total: number, n = top) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `  ${((100 * us) / (total || 1)).toFixed(1).padStart(5)}%  ${name}`);
  const longest = [...stretches].sort((a, b) => b - a).slice(0, 10);
  return [
    `self time by function (of ${(all.total / 1e6).toFixed(1)} s sampled):`,
    ...list(all.self, all.total),
    'time in and under our functions:',
    ...list(all.inclusive, all.total),
    'self time by file (by package under node_modules):',
    ...list(all.byFile, all.total),
    `busy stretches of ${busyStretchMs} ms or more with no idle sample: ${stretches.length}, ${(busy.total / 1e3).toFixed(0)} ms in all` +
      (longest.length ? `, longest ${longest.map((ms) => ms.toFixed(0)).join(', ')} ms` : ''),
    ...(stretches.length
      ? [
          '  self time in them:',
          ...list(busy.self, busy.total, 15),
          '  in and under our functions in them:',
          ...list(busy.inclusive, busy.total, 15),
        ]
      : []),
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
