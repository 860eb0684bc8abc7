/**
 * Counting a large list costs a scan on every page request. Counts of 1,000 rows or more are kept
 * for a couple of seconds per (query, parameters) in this process, so paging through a big fleet
 * scans once; smaller lists are always counted exactly.
 */
export function createCountCache(options: { ttlMs?: number; minRows?: number; maxEntries?: number } = {}) {
  const ttlMs = options.ttlMs ?? 2000;
  const minRows = options.minRows ?? 1000;
  const maxEntries = options.maxEntries ?? 1000;
  const entries = new Map<string, { n: number; at: number }>();
  return async function count(key: string, run: () => Promise<number>, now = Date.now()): Promise<number> {
    const hit = entries.get(key);
    if (hit && now - hit.at < ttlMs) return hit.n;
    const n = await run();
    if (n >= minRows) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { n, at: now });
    } else {
      entries.delete(key);
    }
    return n;
  };
}
