/** A loader's answer for a key it has no value for: an Error per key, never undefined. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Loads a key that may be missing: the value, or null for a miss; other errors go on up. */
export async function loadOrNull<V>(load: () => Promise<V>): Promise<V | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
