/**
 * Checks that depend only on a parsed document (or one of its operations), remembered per node.
 * Apollo Server hands every request for the same text the same document object from its
 * document store, so a known operation is walked once, not per request; an entry lives only as
 * long as the document it describes (a WeakMap: the store's byte bound bounds these too).
 */
export function memoByNode<K extends object, V>(compute: (node: K) => V): (node: K) => V {
  const memo = new WeakMap<K, { value: V }>();
  return (node) => {
    const known = memo.get(node);
    if (known) return known.value;
    const value = compute(node);
    memo.set(node, { value });
    return value;
  };
}
