/**
 * What every normalizer returns instead of throwing: the value read, or why the cell could not be
 * read, so that an adapter can report the cell and the reason and keep the rest of the row.
 */

/** A value read, or the reason it could not be; a cell's parser returns `ParseResult<T | null>`. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const fail = <T>(reason: string): ParseResult<T> => ({ ok: false, reason });
