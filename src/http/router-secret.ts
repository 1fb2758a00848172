import { createHash, timingSafeEqual } from 'node:crypto';

export const ROUTER_SECRET_HEADER = 'router-authorization';

/**
 * A constant-time check of the router's shared secret. Both sides are hashed
 * first so the comparison takes the same time whatever the lengths.
 */
export function createRouterSecretCheck(
  secret: string,
): (presented: string | string[] | undefined) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (presented) => {
    const value = Array.isArray(presented) ? presented[0] : presented;
    const actual = createHash('sha256')
      .update(value ?? '')
      .digest();
    return timingSafeEqual(actual, expected) && value !== undefined;
  };
}
