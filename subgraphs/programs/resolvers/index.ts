/**
 * Resolvers of the programs subgraph: filtered, paginated programme lists, one programme, the
 * programmes of an organization (contributed to Organization, batched per request), and the
 * one-stop search (./search).
 */
import { GraphQLError } from 'graphql';
import type { Resolvers, ProgramStatus } from '../resolvers.generated';
import * as programs from '../../../store/programs';
import { getMunicipality, parentOf } from '../../../domain/municipalities';
import { DateScalar, DateTimeScalar, japanDate } from '../../shared/scalars';
import { provenanceResolvers } from '../../shared/module';
import { industryValue, municipalityValue } from '../../shared/values';
import { programStatus } from '../../../domain/programStatus';
import { alternativesResolver, searchQueryResolvers } from './search';

const MAX_PAGE = 100;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const m = /^o:(\d{1,7})$/.exec(Buffer.from(cursor, 'base64url').toString());
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
      const { rows, total: totalCount } = await programs.list(
        ctx.store,
        {
          providerIds: filter?.providerIds,
          kinds: filter?.kinds,
          supportFields: filter?.supportFields,
          areaCodes: filter?.municipalityCode ? enclosingAreas(filter.municipalityCode) : null,
          status: filter?.status?.length ? { values: filter.status, today: japanDate(ctx.now()) } : null,
        },
        { limit, offset },
      );
      ctx.programById.clearAll();
      rows.forEach((r) => ctx.programById.prime(r.id, r));
      return {
        edges: rows.map((node, i) => ({ node, cursor: encodeCursor(offset + i) })),
        pageInfo: {
          hasNextPage: offset + rows.length < totalCount,
          endCursor: rows.length ? encodeCursor(offset + rows.length - 1) : null,
        },
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
        (p) =>
          (!kinds?.length || kinds.includes(p.kind)) &&
          (!status?.length || status.includes(programStatus(p, today) as ProgramStatus)),
      );
    },
  },
  Provenance: provenanceResolvers,
};
