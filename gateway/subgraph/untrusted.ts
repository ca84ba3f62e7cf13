/**
 * What the gateway does differently for a subgraph Madoguchi does not run (an agency's live source,
 * gateway/live): its answers are read up to a size bound, its errors are reduced to a message, a
 * path and a code of its own (none may stop the request or claim the gateway's codes), and it is
 * sent its own identity instead of the built-in subgraphs' one.
 */
import { GraphQLError } from 'graphql';
import type { Viewer } from '../../server/identity';

export interface UntrustedSubgraph {
  /** How errors name it, e.g. `agency "hyogo-itc" (source equipment)`. */
  label: string;
  /** Added to every error's extensions (agency, source). */
  extensions: Record<string, string>;
  maxResponseBytes: number;
  signHeaders(viewer: Viewer, body: string): Promise<Record<string, string>>;
}

/** An untrusted subgraph's answer over its size bound. */
export class AnswerTooLarge extends Error {}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A response body up to `max` bytes; a longer one is cut off and refused. */
export async function readBounded(
  res: { headers: Record<string, string | string[] | undefined>; body: AsyncIterable<Buffer> & { destroy(): void } },
  max: number,
): Promise<string> {
  const refuse = () => new AnswerTooLarge(`its answer was larger than ${max} bytes`);
  if (Number(res.headers['content-length']) > max) {
    res.body.destroy();
    throw refuse();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw refuse();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One of its errors as the client sees it. */
function untrustedError(e: unknown, serviceName: string, untrusted: UntrustedSubgraph): GraphQLError {
  const err = isRecord(e) ? e : {};
  const message =
    typeof err.message === 'string' ? err.message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 500) : 'error';
  const path =
    Array.isArray(err.path) && err.path.every((p) => typeof p === 'string' || typeof p === 'number')
      ? err.path
      : undefined;
  return new GraphQLError(`${untrusted.label}: ${message}`, {
    path: path as Array<string | number> | undefined,
    extensions: { code: 'SOURCE_ERROR', serviceName, ...untrusted.extensions },
  });
}

/**
 * An agency's answer: its data as given, its errors reduced; `unavailable` with the reason when
 * it is not a GraphQL answer (the service failing).
 */
export function untrustedAnswer(
  raw: { status: number; text: string },
  serviceName: string,
  untrusted: UntrustedSubgraph,
): { data?: unknown; errors?: GraphQLError[] } | { unavailable: string } {
  let body: { data?: unknown; errors?: unknown } | undefined;
  try {
    const parsed = JSON.parse(raw.text) as unknown;
    if (isRecord(parsed) && ('data' in parsed || 'errors' in parsed)) body = parsed;
  } catch {
    body = undefined;
  }
  if (!body) return { unavailable: `it answered HTTP ${raw.status} without a GraphQL response` };
  if (raw.status >= 500 && !isRecord(body.data)) return { unavailable: `it answered HTTP ${raw.status}` };
  const errors = Array.isArray(body.errors)
    ? body.errors.slice(0, 100).map((e) => untrustedError(e, serviceName, untrusted))
    : undefined;
  if (!isRecord(body.data) && !errors?.length) return { unavailable: 'it answered without data' };
  return {
    ...(body.data !== undefined ? { data: body.data } : {}),
    ...(errors ? { errors } : {}),
  };
}
