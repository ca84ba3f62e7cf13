/**
 * Resolvers of the consultations subgraph. Consultation records describe real firms: no caller
 * is entitled to read them until identity and roles exist, so entity resolution refuses every
 * caller, and only counts leave this subgraph — with small counts suppressed.
 */
import { GraphQLError } from 'graphql';
import type { Resolvers } from '../resolvers.generated';
import { DateScalar, DateTimeScalar } from '../../shared/scalars';
import { industryValue, municipalityValue } from '../../shared/values';

/** Counts below this are withheld so that no single firm can be singled out. */
export const MIN_CELL = 5;

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Consultation: {
    __resolveReference: () => {
      throw new GraphQLError('consultation records need an authorized role', { extensions: { code: 'FORBIDDEN' } });
    },
    organization: (c) => ({ id: c.organizationId }),
    referredTo: (c) => (c.referredToId ? { id: c.referredToId } : null),
    company: (c) => c,
  },
  CompanyProfile: {
    corporateNumber: (c) => c.corporateNumber,
    industry: (c) => industryValue(c.industry),
    employees: (c) => c.employees,
    municipality: (c) => municipalityValue(c.municipalityCode),
  },
  Organization: {
    consultationCount: async (o, { fiscalYear }, ctx) => {
      if (fiscalYear !== null && fiscalYear !== undefined && (fiscalYear < 1990 || fiscalYear > 2100)) {
        throw new GraphQLError('fiscalYear must be a year such as 2025', { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const n = await ctx.consultationCount.load(`${o.id}|${fiscalYear ?? '*'}`);
      return n > 0 && n < MIN_CELL ? null : n;
    },
  },
};
