// Who used the CPU during a bench run: the server, the load generator, PostgreSQL and Redis, and
// everything else (on a shared machine, the noise in the figures). Read from /proc, Linux only.
import { readFileSync, readdirSync } from 'node:fs';

export interface CpuSnapshot {
  at: number;
  busy: number;
  byPid: Map<number, number>;
  /** CPU ticks of each PostgreSQL and Redis process. */
  store: Map<number, number>;
}

const TICKS_PER_SECOND = 100;

function processTicks(pid: number | string): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // gone meanwhile
  }
}

const cmdline = (pid: string) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/** `database`: count only the PostgreSQL backends serving it (others' tests may share the server). */
export function cpuSnapshot(pids: number[], database?: string): CpuSnapshot {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const busy = cpu.reduce((a, b) => a + b, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0);
  const store = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = processTicks(entry);
    if (!p) continue;
    const postgres = p.comm === 'postgres' && (!database || cmdline(entry).includes(` ${database} `));
    if (postgres || p.comm.startsWith('redis-server')) store.set(Number(entry), p.ticks);
  }
  return { at: Date.now(), busy, byPid: new Map(pids.map((pid) => [pid, processTicks(pid)?.ticks ?? 0])), store };
}

/** CPU microseconds of one process, and of PostgreSQL and Redis, between two snapshots. */
export function cpuSpent(from: CpuSnapshot, to: CpuSnapshot, pid: number): { process: number; store: number } {
  let store = 0;
  for (const [p, ticks] of to.store) store += ticks - (from.store.get(p) ?? 0);
  const us = (ticks: number) => (ticks * 1e6) / TICKS_PER_SECOND;
  return { process: us((to.byPid.get(pid) ?? 0) - (from.byPid.get(pid) ?? 0)), store: us(store) };
}

/** Cores the whole machine kept busy on average between two snapshots. */
export function busyCores(from: CpuSnapshot, to: CpuSnapshot): number {
  return Math.max(0, to.busy - from.busy) / TICKS_PER_SECOND / ((to.at - from.at) / 1000 || 1);
}

/** Cores used on average between two snapshots, per role; `other` is everything not named. */
export function cpuUsed(from: CpuSnapshot, to: CpuSnapshot, names: Record<number, string>): Record<string, number> {
  const seconds = (to.at - from.at) / 1000 || 1;
  const cores = (ticks: number) => Math.max(0, ticks) / TICKS_PER_SECOND / seconds;
  const used: Record<string, number> = {};
  let named = 0;
  for (const [pid, name] of Object.entries(names)) {
    const ticks = (to.byPid.get(Number(pid)) ?? 0) - (from.byPid.get(Number(pid)) ?? 0);
    used[name] = (used[name] ?? 0) + cores(ticks); // several processes may share a name
    named += ticks;
  }
  // Processes that ended meanwhile are left out here, and so counted under `other`.
  let store = 0;
  for (const [pid, ticks] of to.store) store += ticks - (from.store.get(pid) ?? 0);
  used['PostgreSQL+Redis'] = cores(store);
  used.other = cores(to.busy - from.busy - named - store);
  return used;
}
