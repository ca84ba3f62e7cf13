/**
 * Opaque cursors of the offset-paginated connections (consultations, growth firms, the audit
 * log): a cursor names the position of an edge, and `after` continues from the one after it.
 */
import { GraphQLError } from 'graphql';

export function cursorOf(offset: number): string {
  return Buffer.from(`c:${offset}`).toString('base64url');
}

export function offsetOf(cursor: string): number {
  const m = /^c:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m)
    throw new GraphQLError('after is not a cursor returned by this field', { extensions: { code: 'BAD_USER_INPUT' } });
  return Number(m[1]);
}

/** The window a `first`/`after` pair asks for, with `first` checked against the page limit. */
export function pageOf(
  first: number | null | undefined,
  after: string | null | undefined,
  max: number,
  fallback = 20,
): { limit: number; offset: number } {
  const limit = first ?? fallback;
  if (!Number.isInteger(limit) || limit < 0 || limit > max) {
    throw new GraphQLError(`first must be between 0 and ${max}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { limit, offset: after ? offsetOf(after) + 1 : 0 };
}

/** A connection's edges and page info from one page of nodes. */
export function connectionOf<T>(nodes: T[], offset: number, total: number) {
  return {
    edges: nodes.map((node, i) => ({ node, cursor: cursorOf(offset + i) })),
    pageInfo: {
      hasNextPage: offset + nodes.length < total,
      endCursor: nodes.length ? cursorOf(offset + nodes.length - 1) : null,
    },
    totalCount: total,
  };
}
