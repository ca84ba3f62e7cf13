/**
 * Resolvers of the one-stop search: Query.search (ranked, filtered, faceted, paginated),
 * Query.providersFor (who can help with a need), Query.municipalities (the place picker's lookup)
 * and Program.alternatives (who else offers this).
 * They ask the store's in-process index for ids, then load the programmes in one batched query.
 */
import { GraphQLError } from 'graphql';
import type { ProgramRecord } from '../../../domain/records';
import { japanDate } from '../../shared/scalars';
import { municipalityValue } from '../../shared/values';
import { searchMunicipalities } from '../../../domain/municipalities';
import type { ProgramsContext } from '../context';
import type {
  ProgramKind,
  ProgramStatus,
  QueryResolvers,
  ProgramResolvers,
  SupportField,
} from '../resolvers.generated';
import { highlight } from '../search/highlight';
import { SearchInputError, type SearchResult } from '../search';
import { MAX_QUERY_LENGTH } from '../search/query';

const MAX_PAGE = 100;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Index errors about the request become BAD_USER_INPUT; anything else is a bug and stays one. */
function asked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SearchInputError) throw badInput(e.message);
    throw e;
  }
}

export function encodeSearchCursor(offset: number): string {
  return Buffer.from(`search:${offset}`).toString('base64url');
}

export function decodeSearchCursor(cursor: string): number {
  const m = /^search:(\d{1,7})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badInput('after is not a cursor returned by search');
  return Number(m[1]);
}

function checkText(text: string | null | undefined, name: string): void {
  if (text && text.length > MAX_QUERY_LENGTH) throw badInput(`${name} is longer than ${MAX_QUERY_LENGTH} characters`);
}

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)
    throw badInput(`first must be between 0 and ${MAX_PAGE}`);
}

/** Programmes by id in the order given, in one batched query; ids gone since indexing are dropped. */
async function load(ctx: ProgramsContext, ids: string[]): Promise<ProgramRecord[]> {
  const rows = await ctx.programById.loadMany(ids);
  return rows.filter((r): r is ProgramRecord => r !== null && !(r instanceof Error));
}

function facetsOf(result: SearchResult) {
  const f = result.facets!;
  return {
    supportFields: f.supportFields.map((x) => ({ value: x.value as SupportField, count: x.count })),
    kinds: f.kinds.map((x) => ({ value: x.value as ProgramKind, count: x.count })),
    purposes: f.purposes,
    providers: f.providers.map((x) => ({ value: x.value, organization: { id: x.value }, count: x.count })),
    statuses: f.statuses.map((x) => ({ value: x.value as ProgramStatus, count: x.count })),
    prefectures: f.prefectures.map((x) => ({
      value: x.value,
      municipality: municipalityValue(x.value),
      count: x.count,
    })),
  };
}

function interpretationOf(result: SearchResult) {
  const i = result.interpretation;
  return {
    terms: i.terms,
    places: i.places.map((m) => municipalityValue(m.code)).filter((m) => m !== null),
    supportFields: i.supportFields as SupportField[],
    kinds: i.kinds as ProgramKind[],
    needs: i.needs,
    firm: i.firm,
    dropped: i.dropped,
    relaxed: i.relaxed,
    relaxations: i.relaxations.map((r) => ({
      step: r.step,
      words: r.words,
      places: r.places.map((code) => municipalityValue(code)).filter((m) => m !== null),
    })),
  };
}

/** Longest name a municipality lookup accepts: the longest official name is far shorter. */
const MAX_MUNICIPALITY_NAME = 50;

export const searchQueryResolvers: Pick<QueryResolvers, 'search' | 'providersFor' | 'municipalities'> = {
  municipalities: (_, { name, prefectureCode, first }) => {
    const limit = first ?? 20;
    checkFirst(limit);
    if ((name?.length ?? 0) > MAX_MUNICIPALITY_NAME || (prefectureCode?.length ?? 0) > MAX_MUNICIPALITY_NAME) {
      throw badInput(`name and prefectureCode are at most ${MAX_MUNICIPALITY_NAME} characters`);
    }
    return searchMunicipalities(name, prefectureCode, limit).map((m) => municipalityValue(m.code)!);
  },
  search: async (_, { text, filter, sort, near, first, after }, ctx) => {
    const limit = first ?? 20;
    checkFirst(limit);
    checkText(text, 'text');
    const offset = after ? decodeSearchCursor(after) + 1 : 0;
    const index = await ctx.search.current();
    const today = filter?.statusAt ?? japanDate(ctx.now());
    const result = asked(() =>
      index.search({
        text,
        filter: filter && { ...filter, status: filter.status ?? null },
        sort: sort ?? 'RELEVANCE',
        origin: near ?? filter?.municipalityCode ?? null,
        today,
        offset,
        limit,
      }),
    );
    const records = new Map(
      (
        await load(
          ctx,
          result.hits.map((h) => h.id),
        )
      ).map((r) => [r.id, r]),
    );
    const edges = result.hits.flatMap((hit, i) => {
      const node = records.get(hit.id);
      return node
        ? [
            {
              cursor: encodeSearchCursor(offset + i),
              node,
              score: hit.score,
              highlight: highlight(node, result.query),
              distanceKm: hit.distanceKm,
            },
          ]
        : [];
    });
    const lastOffset = offset + result.hits.length - 1;
    return {
      edges,
      pageInfo: {
        hasNextPage: offset + result.hits.length < result.total,
        endCursor: result.hits.length ? encodeSearchCursor(lastOffset) : null,
      },
      totalCount: result.total,
      facets: facetsOf(result),
      interpretation: interpretationOf(result),
      suggestions: result.suggestions,
      indexing: index.indexing,
    };
  },
  providersFor: async (_, { need, municipalityCode, sort, first }, ctx) => {
    checkFirst(first ?? 10);
    checkText(need, 'need');
    const index = await ctx.search.current();
    const matches = asked(() =>
      index.providersFor({
        need,
        municipalityCode,
        sort: sort ?? 'RELEVANCE',
        today: japanDate(ctx.now()),
        first: first ?? 10,
      }),
    );
    const records = new Map(
      (
        await load(
          ctx,
          matches.flatMap((m) => m.programs.map((p) => p.id)),
        )
      ).map((r) => [r.id, r]),
    );
    return matches.map((m) => ({
      organization: { id: m.providerId },
      score: m.score,
      distanceKm: m.distanceKm,
      programCount: m.count,
      programs: m.programs.map((p) => records.get(p.id)).filter((r): r is ProgramRecord => r !== undefined),
    }));
  },
};

export const alternativesResolver: NonNullable<ProgramResolvers['alternatives']> = async (program, { first }, ctx) => {
  checkFirst(first ?? 5);
  const index = await ctx.search.current();
  const hits = index.alternatives(program, { first: first ?? 5, today: japanDate(ctx.now()) });
  return load(
    ctx,
    hits.map((h) => h.id),
  );
};
