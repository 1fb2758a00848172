import pMap from 'p-map';

/**
 * For upstreams with no batch endpoint: one call per distinct key, a bounded
 * number at a time, each key answering its value or its own Error, so one
 * failure never fails the rest of the batch (DataLoader's contract).
 */
export function fetchEach<K, V>(
  keys: readonly K[],
  fetchOne: (key: K) => Promise<V>,
  concurrency: number,
): Promise<(V | Error)[]> {
  return pMap(
    keys,
    async (key) => {
      try {
        return await fetchOne(key);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    },
    { concurrency },
  );
}
