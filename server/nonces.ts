/**
 * Where subgraphs remember the nonces of the identity headers they accepted, so a captured header
 * cannot be replayed within its window. The interface is one call, so a store shared by every
 * replica (a table, Redis `SET nonce 1 NX PX ttl`) can stand in for the in-memory one and the
 * window then holds across replicas.
 */

export interface NonceStore {
  /**
   * Records `nonce` for at least `ttlMs` and resolves true when it had already been recorded
   * within that time (a replay), false the first time. Must be atomic per nonce.
   */
  seen(nonce: string, ttlMs: number): Promise<boolean>;
}

/**
 * One process's nonces in two generations of sets: the current one takes new nonces, and every
 * `ttlMs` the older generation is dropped whole. A nonce is therefore kept between one and two
 * TTLs, and each call costs O(1) however many requests arrive (no scan of old entries).
 */
export function createMemoryNonceStore(clock: () => number = Date.now): NonceStore {
  let current = new Set<string>();
  let previous = new Set<string>();
  let rotatedAt = clock();
  return {
    async seen(nonce, ttlMs) {
      const now = clock();
      if (now - rotatedAt >= ttlMs) {
        // Two windows passed with no request: nothing older is worth keeping.
        previous = now - rotatedAt >= 2 * ttlMs ? new Set() : current;
        current = new Set();
        rotatedAt = now;
      }
      if (current.has(nonce) || previous.has(nonce)) return true;
      current.add(nonce);
      return false;
    },
  };
}
