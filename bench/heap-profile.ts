// BENCH_HEAP_PROFILE=FILE: the evcms server samples its allocations over the last measured phase (MeterValues at
// half load; sampling restarts with each phase) and keeps only those
// that outlived a young-generation GC (promoted, or alive at the end), then writes the profile to FILE.
// That is what fills the old generation and makes the mark-compacts that stall the loop.
// `tsx bench/heap-profile.ts FILE.heapprofile [TOP] [SOURCEMAPS.json]` lists where those bytes were allocated.
// BENCH_HEAP_ALL=1 keeps every sampled allocation instead, those a young-generation GC collected included:
// where the allocation rate (and so the number of young-generation GCs) comes from.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { type CallFrame, frameLabeller } from './cpu-profile.js';

export async function startHeapSampling(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: Boolean(process.env.BENCH_HEAP_ALL),
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

interface Node {
  callFrame: CallFrame;
  selfSize: number;
  children: Node[];
}

/** Bytes by allocating function, and by the innermost function of ours on the stack. */
export function summariseHeapProfile(file: string, top = 30, sourceMapsFile?: string): string {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: Node };
  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  let total = 0;
  const label = frameLabeller(sourceMapsFile);
  const name = (n: Node) => label(n.callFrame);
  const add = (map: Map<string, number>, key: string, bytes: number) => map.set(key, (map.get(key) ?? 0) + bytes);
  const walk = (n: Node, stack: Array<ReturnType<typeof name>>) => {
    const here = name(n);
    const path = [...stack, here];
    if (n.selfSize > 0) {
      total += n.selfSize;
      add(self, here.fn, n.selfSize);
      add(ours, path.findLast((f) => f.ours)?.fn ?? '(none of ours)', n.selfSize);
    }
    for (const child of n.children) walk(child, path);
  };
  walk(head, []);
  const list = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([label, bytes]) =>
          `  ${((100 * bytes) / (total || 1)).toFixed(1).padStart(5)}%  ${(bytes / 1e6).toFixed(1).padStart(7)} MB  ${label}`,
      );
  return [
    `${process.env.BENCH_HEAP_ALL ? 'allocations' : 'allocations that outlived a young-generation GC'}: ${(total / 1e6).toFixed(1)} MB sampled`,
    'by allocating function:',
    ...list(self),
    'by innermost function of ours:',
    ...list(ours),
  ].join('\n');
}

if (process.argv[1]?.endsWith('heap-profile.ts')) {
  const [file, top, maps] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/heap-profile.ts FILE.heapprofile [TOP] [SOURCEMAPS.json]\n');
    process.exit(2);
  }
  process.stdout.write(`${summariseHeapProfile(file, Number(top ?? 30), maps)}\n`);
}
