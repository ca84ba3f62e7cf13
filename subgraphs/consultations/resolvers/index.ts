/**
 * Resolvers of the consultations subgraph. Access is enforced here, whatever the gateway did:
 * rows are read only through the context's visibility rule, aggregates only by analysts (with
 * the cell-key method: ../disclosure.ts) and coordinators (exact, as they may read every record),
 * and referrals only by staff of the owning agency, once per target agency.
 */
import { GraphQLError } from 'graphql';
import type { Resolvers } from '../resolvers.generated';
import * as consultations from '../../../store/consultations';
import * as organizations from '../../../store/organizations';
import { normalizeCorporateNumber } from '../../../domain/normalize';
import { DateScalar, DateTimeScalar } from '../../shared/scalars';
import { industryValue, municipalityValue } from '../../shared/values';
import type { ConsultationsContext } from '../context';
import { checkAnalystFilter, publishedStats, revealedCells, tableKey, type PublishedStats } from '../disclosure';
import { MIN_PUBLISHED, perturb } from '../../../domain/disclosure';
import { connectionOf, pageOf } from '../../shared/cursor';
import * as firms from '../../../store/firms';
import { countStats } from '../../../store/columnar';
import { statsResolvers } from './stats';
import { refreshGrowthSignals } from '../../../store/signals';
import type { Store } from '../../../store/store';
import { analystGate, chargeAnalyst } from '../../shared/analysts';

/** Counts below this are withheld so that no single firm can be singled out. */
export const MIN_CELL = MIN_PUBLISHED;

const MAX_PAGE = 100;
/** Agencies one statistics filter may name. */
const MAX_FILTER_IDS = 100;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

const IDENTIFIED_BY = { CORPORATE: 'CORPORATE_NUMBER', NETWORK: 'NETWORK_ID', LOCAL: 'AGENCY_RECORD' } as const;

function requireCoordinator(ctx: ConsultationsContext, what: string): void {
  if (ctx.viewer.role === 'anonymous')
    throw new GraphQLError(`${what} need a coordinator token`, { extensions: { code: 'UNAUTHENTICATED' } });
  if (ctx.viewer.role !== 'coordinator')
    throw new GraphQLError(`${what} are for coordinators`, { extensions: { code: 'FORBIDDEN' } });
}

function requireStore(ctx: ConsultationsContext): Store {
  if (!('transaction' in ctx.store))
    throw new GraphQLError('this store cannot write', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  return ctx.store as Store;
}

function requireAnalytics(ctx: ConsultationsContext): void {
  if (ctx.viewer.role === 'anonymous')
    throw new GraphQLError('statistics need an analyst or coordinator token', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  if (ctx.viewer.role !== 'analyst' && ctx.viewer.role !== 'coordinator') {
    throw new GraphQLError(`role ${ctx.viewer.role} may not read statistics`, { extensions: { code: 'FORBIDDEN' } });
  }
}

export const resolvers: Resolvers = {
  ...statsResolvers,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    consultations: async (_, { filter, first, after }, ctx) => {
      ctx.requireRecordReader();
      const page = pageOf(first, after, MAX_PAGE);
      const { rows, total } = await consultations.visibleTo(ctx.store, ctx.viewer, filter, page);
      return connectionOf(rows, page.offset, total);
    },
    consultation: (_, { id }, ctx) => {
      ctx.requireRecordReader();
      return ctx.consultationById.load(id);
    },
    companyHistory: async (_, { corporateNumber }, ctx) => {
      ctx.requireRecordReader();
      if (ctx.viewer.role !== 'coordinator')
        throw new GraphQLError('a firm’s cross-agency history is for coordinators', {
          extensions: { code: 'FORBIDDEN' },
        });
      const parsed = normalizeCorporateNumber(corporateNumber);
      if (!parsed.ok || !parsed.value) throw badInput(parsed.ok ? 'corporateNumber is empty' : parsed.reason);
      const records = await consultations.ofCompany(ctx.store, ctx.viewer, parsed.value);
      return records.length ? { corporateNumber: parsed.value, records } : null;
    },
    company: async (_, { id }, ctx) => {
      ctx.requireRecordReader();
      if (id.length > 200) throw badInput('not a firm id');
      return ctx.companyById.load(id);
    },
    firmMatchProposals: async (_, { first }, ctx) => {
      requireCoordinator(ctx, 'match proposals');
      const limit = first ?? 20;
      if (limit < 0 || limit > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}`);
      return firms.matchProposals(ctx.store, limit);
    },
    consultationStats: async (_, { groupBy, filter }, ctx) => {
      requireAnalytics(ctx);
      const dims = [...new Set(groupBy)];
      if (dims.length === 0 || dims.length > 3) throw badInput('groupBy takes one to three dimensions');
      if ((filter?.organizationIds?.length ?? 0) > MAX_FILTER_IDS || (filter?.topics?.length ?? 0) > 20) {
        throw badInput(`a filter names at most ${MAX_FILTER_IDS} organizations`);
      }
      const exact = ctx.viewer.role === 'coordinator';
      if (!exact) {
        const refusal = checkAnalystFilter(filter);
        if (refusal) throw badInput(refusal);
      }
      // Identical aliases in one request share one computation and one charge.
      const table = tableKey(dims, filter);
      const memo = JSON.stringify([exact, dims, table]);
      let pending = ctx.statistics.get(memo) as Promise<PublishedStats> | undefined;
      if (!pending) {
        pending = analystGate.run(ctx.viewer.subject ?? ctx.viewer.role, async () => {
          const shown = publishedStats(await countStats(ctx.store, dims, filter), exact);
          if (!exact) await chargeAnalyst(ctx, `consultationStats:${table}`, revealedCells(shown));
          return shown;
        });
        ctx.statistics.set(memo, pending);
      }
      return { dims, published: await pending };
    },
  },
  Mutation: {
    referConsultation: async (_, { id, to, note }, ctx) => {
      if (ctx.viewer.role === 'anonymous')
        throw new GraphQLError('referrals need a staff token', { extensions: { code: 'UNAUTHENTICATED' } });
      if (ctx.viewer.role !== 'staff')
        throw new GraphQLError('only agency staff refer consultations', { extensions: { code: 'FORBIDDEN' } });
      const record = await ctx.consultationById.load(id);
      if (!record || record.organizationId !== ctx.viewer.agencyId) {
        throw new GraphQLError('only staff of the agency that received the consultation may refer it', {
          extensions: { code: 'FORBIDDEN' },
        });
      }
      if (to === record.organizationId) throw badInput('a consultation cannot be referred to its own agency');
      if (!(await organizations.exists(ctx.store, to))) throw badInput(`unknown organization ${to}`);
      if (note && note.length > 1000) throw badInput('note is limited to 1000 characters');
      // Once per target: sending it again (a retry, a double click) changes nothing.
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
    confirmFirmMatch: async (_, { companyIds }, ctx) => {
      requireCoordinator(ctx, 'firm matches');
      if (companyIds.length < 2 || companyIds.length > 20) throw badInput('a match joins 2 to 20 firms');
      const by = ctx.viewer.subject ?? 'unknown';
      const at = ctx.now().toISOString();
      let result: { firmId: string; changed: firms.LocalRecord[] };
      try {
        result = await firms.confirmMatch(requireStore(ctx), companyIds, by, at);
      } catch (e) {
        if (e instanceof firms.FirmMatchError) throw badInput(e.message);
        throw e;
      }
      // The firm's signals follow at once: its consultations now count as one firm's.
      if (result.changed.length)
        await refreshGrowthSignals(requireStore(ctx), {
          only: { records: result.changed, firmIds: [...companyIds, result.firmId] },
          now: ctx.now(),
        });
      ctx.companyById.clearAll();
      const company = await ctx.companyById.load(result.firmId);
      if (!company)
        throw new GraphQLError('the confirmed firm could not be read back', {
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
      return company;
    },
    rejectFirmMatch: async (_, { companyIds, reason }, ctx) => {
      requireCoordinator(ctx, 'firm matches');
      if (companyIds.length < 2 || companyIds.length > 20) throw badInput('a match joins 2 to 20 firms');
      if (!reason.trim() || reason.length > 2000)
        throw badInput('a rejection needs its reason (up to 2,000 characters)');
      await firms.rejectMatch(
        ctx.store,
        companyIds,
        ctx.viewer.subject ?? 'unknown',
        ctx.now().toISOString(),
        reason.trim(),
      );
      return true;
    },
  },
  Company: {
    __resolveReference: (ref, ctx) => {
      ctx.requireRecordReader();
      return ctx.companyById.load(ref.id);
    },
    identifiedBy: (c) => IDENTIFIED_BY[c.kind],
    corporateNumber: (c) => c.corporateNumber,
    name: (c) => c.name,
    industry: (c) => industryValue(c.industry),
    employees: (c) => c.employees,
    municipality: (c) => municipalityValue(c.municipalityCode),
    consultations: async (c, { first, after }, ctx) => {
      const page = pageOf(first, after, MAX_PAGE);
      const { rows, total } = await consultations.ofFirm(ctx.store, ctx.viewer, c.id, page);
      return connectionOf(rows, page.offset, total);
    },
  },
  FirmMatchProposal: {
    key: (p) => p.key,
    level: (p) => p.level,
    evidence: (p) => p.evidence,
    members: (p) => p.members,
  },
  FirmMatchMember: {
    company: (m, _, ctx) =>
      ctx.companyById.load(m.firmId).then(
        (c) =>
          c ?? {
            id: m.firmId,
            kind: m.kind,
            corporateNumber: null,
            name: m.name,
            municipalityCode: m.municipalityCode,
            industry: m.industry,
            employees: m.employees,
          },
      ),
    agencies: (m) => m.organizationIds.map((id) => ({ id })),
    name: (m) => m.name,
    municipality: (m) => municipalityValue(m.municipalityCode),
    phones: (m) => m.phones,
    addresses: (m) => m.addresses,
    consultations: (m) => m.consultations,
    industry: (m) => industryValue(m.industry),
    employees: (m) => m.employees,
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
    firm: async (c, _, ctx) => {
      const id = await ctx.firmIdOfConsultation.load(c.id);
      return id ? ctx.companyById.load(id) : null;
    },
  },
  Referral: {
    from: (r) => ({ id: r.fromOrganizationId }),
    to: (r) => ({ id: r.toOrganizationId }),
    note: (r) => r.note,
    referredBy: (r) => r.referredBy,
    referredAt: (r) => r.referredAt,
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
      const { n, keySum } = await ctx.consultationCount.load(`${o.id}|${fiscalYear ?? '*'}`);
      // Exact for coordinators and the agency's own staff, who may read these records; anyone
      // else sees what analysts see of the same records (the cell-key value, 1–4 withheld), so
      // that an exact public count cannot tell the noise of an analyst's cell.
      const own = ctx.viewer.role === 'coordinator' || (ctx.viewer.role === 'staff' && ctx.viewer.agencyId === o.id);
      return own ? n : perturb(n, keySum);
    },
  },
};
