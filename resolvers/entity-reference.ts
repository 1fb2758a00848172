import { loadOrNull } from '../src/loaders/not-found.js';

/**
 * A reference resolver's answer: a copy of what the loader holds, or null for
 * an unknown key. @apollo/subgraph writes `__typename` onto the object it is
 * given, in place; the journal's and the caches' records must stay as stored.
 */
export async function entityCopy<V extends object>(load: () => Promise<V>): Promise<V | null> {
  const value = await loadOrNull(load);
  return value === null ? null : { ...value };
}
