/**
 * Resolvers of the growth subgraph. Access is decided here whatever the gateway did: a firm's
 * growth file is read only through the context's gate (role, the firm's agencies, audit row);
 * meetings, decisions, plans and the audit log are for coordinators; counts for coordinators and
 * analysts, suppressed for analysts. Every input is bounded before it reaches the store.
 */
import { GraphQLError } from 'graphql';
import type { Resolvers, GrowthStatus as GraphQLGrowthStatus } from '../resolvers.generated';
import * as growth from '../../../store/growth';
import * as firms from '../../../store/firms';
import * as organizations from '../../../store/organizations';
import { auditEntries } from '../../../store/audit';
import * as committee from '../../../store/committee';
import { isReviewOverdue, jstDayOf, nextReviewOf } from '../../../domain/growth/review';
import { explainScore } from '../../../domain/growth/score';
import { growthWeights } from '../../../domain/growth/weights';
import { isMeetingMonth, jstMonthOf, type GrowthStatus } from '../../../domain/growth/status';
import { DateScalar, DateTimeScalar } from '../../shared/scalars';
import { industryValue } from '../../shared/values';
import { MIN_PUBLISHED, perturb, perturbTable } from '../../../domain/disclosure';
import { analystGate, chargeAnalyst } from '../../shared/analysts';
import { connectionOf, pageOf } from '../../shared/cursor';
import { keyOf, type GrowthContext } from '../context';

const MAX_PAGE = 100;
const MAX_TEXT = 2000;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function month(value: string | null | undefined, what: string, fallback: string): string {
  if (value === null || value === undefined) return fallback;
  if (!isMeetingMonth(value)) throw badInput(`${what} must be a month such as 2026-05`);
  return value;
}

function text(value: string, what: string): string {
  const v = value.trim();
  if (!v) throw badInput(`${what} is required`);
  if (v.length > MAX_TEXT) throw badInput(`${what} is limited to ${MAX_TEXT} characters`);
  return v;
}

function goalsOf(goals: readonly string[] | null | undefined): string[] | null {
  if (!goals) return null;
  if (goals.length > 10) throw badInput('a plan takes at most 10 goals');
  return goals.map((g) => {
    const v = g.trim();
    if (!v || v.length > 200) throw badInput('each goal is 1 to 200 characters');
    return v;
  });
}

async function agenciesOf(ctx: GrowthContext, ids: readonly string[] | null | undefined): Promise<string[] | null> {
  if (!ids) return null;
  if (ids.length > 20) throw badInput('a plan takes at most 20 participating agencies');
  for (const id of ids) if (!(await organizations.exists(ctx.store, id))) throw badInput(`unknown organization ${id}`);
  return [...new Set(ids)];
}

function ruleBroken(e: unknown): never {
  if (e instanceof growth.GrowthRuleError) throw new GraphQLError(e.message, { extensions: { code: e.code } });
  throw e;
}

function requireCounts(ctx: GrowthContext): void {
  if (ctx.viewer.role === 'anonymous')
    throw new GraphQLError('growth figures need an analyst or coordinator token', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  if (ctx.viewer.role !== 'analyst' && ctx.viewer.role !== 'coordinator') {
    throw new GraphQLError(`role ${ctx.viewer.role} may not read the programme's figures`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
}

const DEFAULT_STATUSES: GrowthStatus[] = ['NOMINATED', 'DEFERRED', 'ACTIVE'];

async function reviewOf(plan: growth.PlanRow, ctx: GrowthContext) {
  const latest = plan.history[plan.history.length - 1];
  const set = await ctx.reviews.load(plan.id);
  return nextReviewOf(latest.at, set);
}

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    committeeMeeting: (_, args, ctx) => {
      ctx.requireCoordinator('the committee’s meetings');
      return growth.meetingOf(ctx.store, month(args.month, 'month', ''));
    },
    committeeMeetings: (_, args, ctx) => {
      ctx.requireCoordinator('the committee’s meetings');
      return growth.meetings(
        ctx.store,
        args.from ? month(args.from, 'from', '') : null,
        args.to ? month(args.to, 'to', '') : null,
      );
    },
    growthFirms: async (_, { filter, first, after }, ctx) => {
      ctx.requireReader('firms’ growth status');
      const page = pageOf(first, after, MAX_PAGE);
      const statuses = (filter?.statuses?.length ? [...new Set(filter.statuses)] : DEFAULT_STATUSES) as GrowthStatus[];
      const { ids, total } = await growth.firmsByStatus(
        ctx.store,
        ctx.viewer,
        { statuses, organizationId: filter?.organizationId },
        page,
      );
      await Promise.all(ids.map((id) => ctx.readFile(id, 'growthFirms')));
      return connectionOf(
        ids.map((id) => ({ id })),
        page.offset,
        total,
      );
    },
    growthSummary: async (_, __, ctx) => {
      requireCounts(ctx);
      const subject = ctx.viewer.subject ?? ctx.viewer.role;
      if (ctx.viewer.role !== 'analyst') return analystGate.run(subject, () => growth.summary(ctx.store));
      // Analysts: the cell-key value of each figure's records. Active, graduated and withdrawn are
      // the STATUS cells of growthCounts, the same plans and so the same values.
      const [s, byStatus] = await analystGate.run(subject, () =>
        Promise.all([growth.summary(ctx.store), growth.countPlans(ctx.store, ['STATUS'], null)]),
      );
      await chargeAnalyst(ctx, 'growthSummary', 4);
      // Under 5, zero included, is null: a zero would tell a 1–4 apart from none.
      const shown = (n: number, keySum: number) => (n < MIN_PUBLISHED ? null : perturb(n, keySum));
      const status = (name: string) => {
        const cell = byStatus.cells.find((c) => c.keys[0] === name);
        return cell ? shown(cell.count, cell.keySum) : null;
      };
      return {
        selectedTotal: shown(s.selectedTotal, s.selectedKeySum),
        active: status('ACTIVE'),
        graduated: status('GRADUATED'),
        withdrawn: status('WITHDRAWN'),
        meetings: s.meetings,
      };
    },
    growthCounts: async (_, { groupBy, statuses }, ctx) => {
      requireCounts(ctx);
      const dims = [...new Set(groupBy)];
      if (dims.length === 0 || dims.length > 3) throw badInput('groupBy takes one to three dimensions');
      // A filter and its complement, each counted apart, would cut a fresh subset of plans:
      // analysts group by STATUS instead.
      const analyst = ctx.viewer.role === 'analyst';
      if (analyst && statuses?.length) throw badInput('analysts group by STATUS rather than filter by it');
      const counted = await analystGate.run(ctx.viewer.subject ?? ctx.viewer.role, () =>
        growth.countPlans(ctx.store, dims, statuses?.length ? statuses : null),
      );
      // Coordinators see every firm anyway; analysts get every linked table perturbed by the
      // fixed noise of its plans (the cell-key method), charged to their budget. Plans are few
      // (hundreds), so cells under 5 are left out, zeros too: whether a cell is listed must not
      // say whether a firm is in it (test/attack/linkedTables.test.ts).
      const shown = analyst
        ? perturbTable(counted, { hideSmall: true })
        : { total: counted.total, cells: counted.cells };
      if (analyst) await chargeAnalyst(ctx, `growthCounts:${JSON.stringify([...dims].sort())}`, shown.cells.length + 1);
      return {
        groupBy: dims,
        total: shown.total,
        cells: shown.cells.map((c) => ({
          keys: c.keys.map((value, i) => ({ dimension: dims[i], value })),
          count: c.count,
          suppressed: c.count === null,
        })),
        suppressedCells: shown.cells.filter((c) => c.count === null).length,
      };
    },
    nominations: async (_, args, ctx) => {
      ctx.requireReader('a meeting’s nominations');
      const meeting = month(args.meeting, 'meeting', jstMonthOf(ctx.now()));
      const rows = await committee.nominationsFor(ctx.store, ctx.viewer, meeting);
      // Staff list what their agency proposed, for firms it may still see (a client, or a plan it takes part in).
      const visible = ctx.viewer.role === 'staff' ? await ctx.firmVisible.loadMany(rows.map((r) => r.firmId)) : null;
      const shown = visible ? rows.filter((_, i) => visible[i] === true) : rows;
      await Promise.all(shown.map((r) => ctx.readFile(r.firmId, 'growth.nominations')));
      return shown;
    },
    nominationAllowance: (_, args, ctx) => {
      ctx.requireReader('a meeting’s nominations');
      const meeting = month(args.meeting, 'meeting', jstMonthOf(ctx.now()));
      return committee.nominationAllowance(
        ctx.store,
        ctx.viewer.role === 'staff' ? ctx.viewer.agencyId : null,
        meeting,
      );
    },
    growthAudit: async (_, { filter, first, after }, ctx) => {
      ctx.requireCoordinator('the growth audit log');
      const page = pageOf(first, after, MAX_PAGE, 50);
      const { rows, total } = await auditEntries(
        ctx.store,
        { firmId: filter?.companyId, from: filter?.from, to: filter?.to },
        page,
      );
      return connectionOf(rows, page.offset, total);
    },
  },
  Mutation: {
    nominateCompany: async (_, args, ctx) => {
      if (ctx.viewer.role === 'anonymous')
        throw new GraphQLError('nominations need a staff or coordinator token', {
          extensions: { code: 'UNAUTHENTICATED' },
        });
      if (ctx.viewer.role !== 'staff' && ctx.viewer.role !== 'coordinator')
        throw new GraphQLError('only agency staff and coordinators nominate firms', {
          extensions: { code: 'FORBIDDEN' },
        });
      const thisMonth = jstMonthOf(ctx.now());
      const meeting = month(args.meeting, 'meeting', thisMonth);
      if (meeting < thisMonth) throw badInput(`the ${meeting} meeting is past; nominate for ${thisMonth} or later`);
      const rationale = text(args.rationale, 'rationale');
      if (ctx.viewer.role === 'staff') {
        if (!(await ctx.firmVisible.load(args.companyId))) {
          throw new GraphQLError('staff nominate their own agency’s clients only', {
            extensions: { code: 'FORBIDDEN' },
          });
        }
      } else if (!(await firms.exists(ctx.store, args.companyId))) {
        throw badInput(`unknown firm ${args.companyId}`);
      }
      if ((await ctx.status.load(args.companyId)) === 'ACTIVE')
        throw badInput('the firm is already selected and supported');
      const { nomination } = await growth
        .nominate(ctx.store, {
          firmId: args.companyId,
          organizationId: ctx.viewer.role === 'staff' ? ctx.viewer.agencyId : null,
          rationale,
          by: ctx.viewer.subject ?? 'unknown',
          at: ctx.now().toISOString(),
          meetingMonth: meeting,
        })
        .catch(ruleBroken);
      await ctx.readFile(nomination.firmId, 'nominateCompany');
      return nomination;
    },
    recordCommitteeDecision: async (_, { input }, ctx) => {
      ctx.requireCoordinator('deciding on a firm');
      const thisMonth = jstMonthOf(ctx.now());
      const meeting = month(input.meeting, 'meeting', thisMonth);
      if (meeting > thisMonth)
        throw badInput(`the ${meeting} meeting has not been held; decisions are recorded for ${thisMonth} or earlier`);
      const reason = text(input.reason, 'reason');
      if (!(await firms.exists(ctx.store, input.companyId))) throw badInput(`unknown firm ${input.companyId}`);
      const lead = input.plan?.leadAgency;
      if (lead && !(await organizations.exists(ctx.store, lead))) throw badInput(`unknown organization ${lead}`);
      const { decision } = await growth
        .decide(ctx.writableStore(), {
          firmId: input.companyId,
          meetingMonth: meeting,
          decision: input.decision,
          reason,
          by: ctx.viewer.subject ?? 'unknown',
          at: ctx.now().toISOString(),
          plan: {
            leadAgency: lead,
            participatingAgencies: await agenciesOf(ctx, input.plan?.participatingAgencies),
            goals: goalsOf(input.plan?.goals),
          },
        })
        .catch(ruleBroken);
      await ctx.readFile(decision.firmId, 'recordCommitteeDecision');
      return decision;
    },
    updateSupportPlan: async (_, { input }, ctx) => {
      ctx.requireCoordinator('changing a support plan');
      if (input.leadAgency && !(await organizations.exists(ctx.store, input.leadAgency)))
        throw badInput(`unknown organization ${input.leadAgency}`);
      const at = ctx.now().toISOString();
      const reviewOn = input.nextReviewOn ?? null;
      if (reviewOn !== null && reviewOn < jstDayOf(at)) throw badInput('nextReviewOn must be today or later');
      const { plan } = await growth
        .updatePlan(ctx.writableStore(), {
          planId: input.planId,
          status: input.status,
          leadAgency: input.leadAgency,
          participatingAgencies: await agenciesOf(ctx, input.participatingAgencies),
          goals: goalsOf(input.goals),
          note: input.note ? text(input.note, 'note') : null,
          by: ctx.viewer.subject ?? 'unknown',
          at,
        })
        .catch(ruleBroken);
      if (reviewOn !== null) {
        if (plan.status !== 'ACTIVE') throw badInput('an ended plan has no follow-up reviews');
        await committee.setReview(ctx.store, {
          planId: plan.id,
          on: reviewOn,
          at,
          by: ctx.viewer.subject ?? 'unknown',
        });
        ctx.reviews.clear(plan.id);
      }
      await ctx.readFile(plan.firmId, 'updateSupportPlan');
      return plan;
    },
  },
  Company: {
    __resolveReference: (ref) => ({ id: ref.id }),
    growth: async (company, _, ctx) => {
      // The whole file is refused here when nothing in it is for this viewer; each part is
      // checked (and audited) again where it is read.
      ctx.requireReader('a firm’s growth file');
      if (ctx.viewer.role === 'staff' && !(await ctx.firmVisible.load(company.id))) {
        throw new GraphQLError('staff read the growth files of their own agency’s firms only', {
          extensions: { code: 'FORBIDDEN' },
        });
      }
      return { firmId: company.id };
    },
  },
  CompanyGrowth: {
    status: async ({ firmId }, _, ctx) => {
      await ctx.readFile(firmId, 'growth.status');
      return ctx.status.load(firmId) as Promise<GraphQLGrowthStatus>;
    },
    score: async ({ firmId }, _, ctx) => {
      await ctx.readFile(firmId, 'growth.score');
      const weights = growthWeights();
      const signals = await ctx.signals.load(firmId);
      return { ...explainScore(signals, weights), asOf: signals?.asOf ?? null, weightsVersion: weights.version };
    },
    signals: async ({ firmId }, _, ctx) => {
      await ctx.readFile(firmId, 'growth.signals');
      return ctx.signals.load(firmId);
    },
    nominations: async ({ firmId }, args, ctx) => {
      await ctx.readFile(firmId, 'growth.nominations');
      const meeting = args.meeting ? month(args.meeting, 'meeting', '') : null;
      // Staff see what their own agency proposed, not what other agencies wrote about the firm.
      const agency = ctx.viewer.role === 'staff' ? ctx.viewer.agencyId : null;
      return ctx.nominations.load(keyOf(firmId, agency, meeting));
    },
    decisions: async ({ firmId }, args, ctx) => {
      await ctx.readFile(firmId, 'growth.decisions');
      const meeting = args.meeting ? month(args.meeting, 'meeting', '') : null;
      return ctx.decisions.load(keyOf(firmId, meeting));
    },
    plan: async ({ firmId }, _, ctx) => {
      await ctx.readFile(firmId, 'growth.plan');
      const plans = await ctx.plans.load(firmId);
      return plans.find((p) => p.status === 'ACTIVE') ?? plans[0] ?? null;
    },
    plans: async ({ firmId }, _, ctx) => {
      await ctx.readFile(firmId, 'growth.plans');
      return ctx.plans.load(firmId);
    },
  },
  GrowthSignals: {
    recentConsultations: (s) => s.frequency,
    industry: (s) => industryValue(s.industry),
  },
  Nomination: {
    company: (n) => ({ id: n.firmId }),
    agency: (n) => (n.organizationId ? { id: n.organizationId } : null),
    meeting: (n) => n.meetingMonth,
  },
  CommitteeDecision: {
    company: (d) => ({ id: d.firmId }),
    meeting: (d) => d.meetingMonth,
  },
  SupportPlan: {
    company: (p) => ({ id: p.firmId }),
    selectedIn: (p) => p.selectedMonth,
    leadAgency: (p) => ({ id: p.leadAgency }),
    participatingAgencies: (p) => p.participatingAgencies.map((id) => ({ id })),
    nextReviewOn: async (p, _, ctx) => reviewOf(p, ctx).then((r) => r.nextReviewOn),
    reviewScheduled: async (p, _, ctx) => reviewOf(p, ctx).then((r) => r.scheduled),
    reviewOverdue: async (p, _, ctx) => isReviewOverdue(await reviewOf(p, ctx), p.status, ctx.now()),
  },
  NominationAllowance: {
    meeting: (a) => a.meetingMonth,
    agency: (a) => (a.organizationId ? { id: a.organizationId } : null),
    remaining: (a) => Math.max(0, a.cap - a.used),
  },
  SupportPlanEvent: {
    leadAgency: (e) => ({ id: e.leadAgency }),
    participatingAgencies: (e) => e.participatingAgencies.map((id) => ({ id })),
  },
  CommitteeMeeting: {
    agenda: async (m, { topScored }, ctx) => {
      ctx.requireCoordinator('a meeting’s agenda');
      const top = topScored ?? growthWeights().agenda.topScored;
      if (top < 0 || top > 50) throw badInput('topScored must be between 0 and 50');
      const rows = await growth.agenda(ctx.store, m.month, {
        topScored: top,
        includeTopScored: m.month >= jstMonthOf(ctx.now()),
      });
      await Promise.all(rows.map((r) => ctx.readFile(r.firmId, 'agenda')));
      return rows;
    },
    decisions: async (m, _, ctx) => {
      ctx.requireCoordinator('a meeting’s decisions');
      const rows = await growth.decisionsAt(ctx.store, m.month);
      await Promise.all(rows.map((r) => ctx.readFile(r.firmId, 'meeting.decisions')));
      return rows;
    },
  },
  AgendaItem: {
    company: (a) => ({ id: a.firmId }),
  },
  GrowthAuditEntry: {
    agency: (a) => (a.agencyId ? { id: a.agencyId } : null),
    company: (a) => ({ id: a.firmId }),
  },
};
