/**
 * Resolvers of the consultations subgraph. Access is enforced here, whatever the gateway did:
 * rows are read only through the context's visibility rule, aggregates only by analysts and
 * coordinators and always suppressed, and referrals only by staff of the owning agency.
 */
import { GraphQLError } from 'graphql';
import type { Resolvers } from '../resolvers.generated';
import * as consultations from '../../../store/consultations';
import * as organizations from '../../../store/organizations';
import { normalizeCorporateNumber } from '../../../domain/normalize';
import { DateScalar, DateTimeScalar } from '../../shared/scalars';
import { industryValue, municipalityValue } from '../../shared/values';
import type { ConsultationsContext } from '../context';
import { suppress } from '../suppression';
import { countConsultations } from '../../../store/stats';
import { statsKeyLabel } from '../labels';

/** Counts below this are withheld so that no single firm can be singled out. */
export const MIN_CELL = 5;
const MAX_PAGE = 100;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function cursorOf(offset: number): string {
  return Buffer.from(`c:${offset}`).toString('base64url');
}
function offsetOf(cursor: string): number {
  const m = /^c:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badInput('after is not a cursor returned by this field');
  return Number(m[1]);
}

function requireAnalytics(ctx: ConsultationsContext): void {
  if (ctx.viewer.role === 'anonymous') throw new GraphQLError('statistics need an analyst or coordinator token', { extensions: { code: 'UNAUTHENTICATED' } });
  if (ctx.viewer.role !== 'analyst' && ctx.viewer.role !== 'coordinator') {
    throw new GraphQLError(`role ${ctx.viewer.role} may not read statistics`, { extensions: { code: 'FORBIDDEN' } });
  }
}

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    consultations: async (_, { filter, first, after }, ctx) => {
      ctx.requireRecordReader();
      const limit = first ?? 20;
      if (limit < 0 || limit > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}`);
      const offset = after ? offsetOf(after) + 1 : 0;
      const { rows, total: totalCount } = await consultations.visibleTo(ctx.store, ctx.viewer, filter, { limit, offset });
      return {
        edges: rows.map((node, i) => ({ node, cursor: cursorOf(offset + i) })),
        pageInfo: { hasNextPage: offset + rows.length < totalCount, endCursor: rows.length ? cursorOf(offset + rows.length - 1) : null },
        totalCount,
      };
    },
    consultation: (_, { id }, ctx) => {
      ctx.requireRecordReader();
      return ctx.consultationById.load(id);
    },
    companyHistory: async (_, { corporateNumber }, ctx) => {
      ctx.requireRecordReader();
      if (ctx.viewer.role !== 'coordinator') throw new GraphQLError('a firm’s cross-agency history is for coordinators', { extensions: { code: 'FORBIDDEN' } });
      const parsed = normalizeCorporateNumber(corporateNumber);
      if (!parsed.ok || !parsed.value) throw badInput(parsed.ok ? 'corporateNumber is empty' : parsed.reason);
      const records = await consultations.ofCompany(ctx.store, ctx.viewer, parsed.value);
      return records.length ? { corporateNumber: parsed.value, records } : null;
    },
    consultationStats: async (_, { groupBy, filter }, ctx) => {
      requireAnalytics(ctx);
      const dims = [...new Set(groupBy)];
      if (dims.length === 0 || dims.length > 3) throw badInput('groupBy takes one to three dimensions');
      const { cells: counted, total } = await countConsultations(ctx.store, dims, filter);
      const cells = suppress(counted, MIN_CELL);
      return {
        groupBy: dims,
        total: total > 0 && total < MIN_CELL ? null : total,
        cells: cells.map((c) => ({
          keys: c.keys.map((value, i) => ({ dimension: dims[i], value })),
          count: c.suppressed ? null : c.count,
          suppressed: c.suppressed,
        })),
        suppressedCells: cells.filter((c) => c.suppressed).length,
      };
    },
  },
  Mutation: {
    referConsultation: async (_, { id, to, note }, ctx) => {
      if (ctx.viewer.role === 'anonymous') throw new GraphQLError('referrals need a staff token', { extensions: { code: 'UNAUTHENTICATED' } });
      if (ctx.viewer.role !== 'staff') throw new GraphQLError('only agency staff refer consultations', { extensions: { code: 'FORBIDDEN' } });
      const record = await ctx.consultationById.load(id);
      if (!record || record.organizationId !== ctx.viewer.agencyId) {
        throw new GraphQLError('only staff of the agency that received the consultation may refer it', { extensions: { code: 'FORBIDDEN' } });
      }
      if (to === record.organizationId) throw badInput('a consultation cannot be referred to its own agency');
      if (!(await organizations.exists(ctx.store, to))) throw badInput(`unknown organization ${to}`);
      if (note && note.length > 1000) throw badInput('note is limited to 1000 characters');
      await consultations.refer(ctx.store, {
        consultationId: id,
        from: record.organizationId,
        to,
        note: note ?? null,
        referredBy: ctx.viewer.subject ?? 'unknown',
        at: ctx.now().toISOString(),
      });
      ctx.referralsByConsultation.clear(id);
      return record;
    },
  },
  Consultation: {
    __resolveReference: (ref, ctx) => {
      ctx.requireRecordReader();
      return ctx.consultationById.load(ref.id);
    },
    organization: (c) => ({ id: c.organizationId }),
    referredTo: (c) => (c.referredToId ? { id: c.referredToId } : null),
    company: (c) => c,
    summary: (c) => c.summary,
    consultant: (c) => c.consultant,
    referrals: (c, _, ctx) => ctx.referralsByConsultation.load(c.id),
  },
  Referral: {
    from: (r) => ({ id: r.fromOrganizationId }),
    to: (r) => ({ id: r.toOrganizationId }),
    note: (r) => r.note,
    referredBy: (r) => r.referredBy,
    referredAt: (r) => r.referredAt,
  },
  StatsKey: {
    label: (k, _, ctx) => statsKeyLabel(k.dimension, k.value, (id) => ctx.organizationName.load(id)),
  },
  CompanyHistory: {
    corporateNumber: (h) => h.corporateNumber,
    consultations: (h) => h.records,
    agencies: (h) => [...new Set(h.records.map((r) => r.organizationId))].map((id) => ({ id })),
  },
  CompanyProfile: {
    name: (c) => c.companyName,
    corporateNumber: (c) => c.corporateNumber,
    industry: (c) => industryValue(c.industry),
    employees: (c) => c.employees,
    municipality: (c) => municipalityValue(c.municipalityCode),
  },
  Organization: {
    consultationCount: async (o, { fiscalYear }, ctx) => {
      if (fiscalYear !== null && fiscalYear !== undefined && (fiscalYear < 1990 || fiscalYear > 2100)) {
        throw badInput('fiscalYear must be a year such as 2025');
      }
      const n = await ctx.consultationCount.load(`${o.id}|${fiscalYear ?? '*'}`);
      return n > 0 && n < MIN_CELL ? null : n;
    },
  },
};
