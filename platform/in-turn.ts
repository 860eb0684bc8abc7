/**
 * Runs tasks one after another per key, in the order they were asked for, each whatever the previous
 * one's outcome; tasks of different keys run side by side. `pending()` is every key's last task.
 */
export function inTurn() {
  const last = new Map<string, Promise<unknown>>();
  const run = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = last.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    last.set(key, next);
    const forget = () => {
      if (last.get(key) === next) last.delete(key);
    };
    next.then(forget, forget);
    return next;
  };
  return Object.assign(run, { pending: () => [...last.values()].map((p) => p.catch(() => {})) });
}
