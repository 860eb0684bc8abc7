import DataLoader from 'dataloader';
import type { ApiContext } from './context.js';

/**
 * A DataLoader made once per request, on first use, for a resolver's field outside api/loaders.ts: one query
 * for every row of the answer that asks for the field.
 */
export function perRequest<K, V>(
  batch: (context: ApiContext, keys: readonly K[]) => Promise<V[]>,
): (context: ApiContext) => DataLoader<K, V> {
  const loaders = new WeakMap<ApiContext, DataLoader<K, V>>();
  return (context) => {
    let loader = loaders.get(context);
    if (!loader) {
      loader = new DataLoader((keys: readonly K[]) => batch(context, keys));
      loaders.set(context, loader);
    }
    return loader;
  };
}
