/**
 * Resolvers of the programs subgraph: filtered, paginated programme lists, one programme, the
 * programmes of an organization (contributed to Organization, batched per request), and the
 * one-stop search (./search).
 */
import { GraphQLError } from 'graphql';
import type { Resolvers, ProgramStatus } from '../resolvers.generated';
import type { ProgramRecord } from '../../../adapters/store/records';
import { selectList } from '../../../adapters/store/tables';
import { getMunicipality, parentOf } from '../../../adapters/core/municipalities';
import { DateScalar, DateTimeScalar, japanDate } from '../../shared/scalars';
import { provenanceResolvers } from '../../shared/module';
import { industryValue, municipalityValue } from '../../shared/values';
import { programStatus, statusSql } from '../status';
import { alternativesResolver, searchQueryResolvers } from './search';

const MAX_PAGE = 100;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badInput('after is not a cursor returned by this field');
  return Number(m[1]);
}

/** Codes whose area contains the given municipality: itself, its city, prefecture, and 全国. */
export function enclosingAreas(code: string): string[] {
  if (!getMunicipality(code)) throw badInput(`unknown municipalityCode ${code}`);
  const codes = ['000000'];
  for (let c: string | null = code; c; c = parentOf(c)) codes.push(c);
  return codes;
}

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    programs: async (_, { filter, first, after }, ctx) => {
      const limit = first ?? 20;
      if (limit < 0 || limit > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}`);
      const offset = after ? decodeCursor(after) + 1 : 0;
      const params: unknown[] = [];
      const where: string[] = [];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (filter?.providerIds) add((p) => `provider_id = any(${p}::text[])`, filter.providerIds);
      if (filter?.kinds) add((p) => `kind = any(${p}::text[])`, filter.kinds);
      if (filter?.supportFields) add((p) => `support_fields && ${p}::text[]`, filter.supportFields);
      if (filter?.municipalityCode) {
        add((p) => `(cardinality(area_codes) = 0 or area_codes && ${p}::text[])`, enclosingAreas(filter.municipalityCode));
      }
      if (filter?.status?.length) {
        params.push(japanDate(ctx.now()));
        const today = `$${params.length}`;
        where.push(`(${filter.status.map((s) => statusSql(s, today)).join(' or ')})`);
      }
      params.push(limit, offset);
      const rows = await ctx.store.query<ProgramRecord & { total: number }>(
        `select ${selectList('program')}, count(*) over ()::int as total from programs
         ${where.length ? `where ${where.join(' and ')}` : ''}
         order by provider_id, title, id limit $${params.length - 1} offset $${params.length}`,
        params,
      );
      let totalCount = rows[0]?.total;
      if (totalCount === undefined) {
        // Past the last page the window is empty; count separately so totalCount stays true.
        const [c] = await ctx.store.query<{ n: number }>(
          `select count(*)::int as n from programs ${where.length ? `where ${where.join(' and ')}` : ''}`,
          params.slice(0, -2),
        );
        totalCount = c.n;
      }
      ctx.programById.clearAll();
      rows.forEach((r) => ctx.programById.prime(r.id, r));
      return {
        edges: rows.map((node, i) => ({ node, cursor: encodeCursor(offset + i) })),
        pageInfo: { hasNextPage: offset + rows.length < totalCount, endCursor: rows.length ? encodeCursor(offset + rows.length - 1) : null },
        totalCount,
      };
    },
    program: (_, { id }, ctx) => ctx.programById.load(id),
    ...searchQueryResolvers,
  },
  Program: {
    __resolveReference: (ref, ctx) => ctx.programById.load(ref.id),
    detail: (p) => p.body,
    provider: (p) => ({ id: p.providerId }),
    eligibility: (p) => p,
    subsidyRate: (p) => (p.subsidyRate ? p : null),
    applicationPeriod: (p) => p,
    status: (p, { at }, ctx) => programStatus(p, at ?? japanDate(ctx.now())),
    updatedAt: (p) => p.updatedOn,
    provenance: (p) => p,
    alternatives: alternativesResolver,
  },
  Eligibility: {
    areas: (p) => p.areaCodes.map((c) => municipalityValue(c)).filter((m) => m !== null),
    areaText: (p) => p.areaText,
    employeeCeiling: (p) => p.employeeCeiling,
    industries: (p) => p.industries.map((c) => industryValue(c)).filter((i) => i !== null),
    text: (p) => p.eligibilityText,
  },
  SubsidyRate: {
    text: (p) => p.subsidyRate ?? '',
    ratio: (p) => p.subsidyRatio,
  },
  ApplicationPeriod: {
    opensOn: (p) => p.opensOn,
    closesOn: (p) => p.closesOn,
  },
  Organization: {
    programs: async (o, { kinds, status }, ctx) => {
      const today = japanDate(ctx.now());
      const all = await ctx.programsByProvider.load(o.id);
      return all.filter(
        (p) => (!kinds?.length || kinds.includes(p.kind)) && (!status?.length || status.includes(programStatus(p, today) as ProgramStatus)),
      );
    },
  },
  Provenance: provenanceResolvers,
};
