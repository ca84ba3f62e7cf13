/**
 * Resolvers of the desk subgraph. Access is decided here whatever the gateway did: proposals,
 * marks, notes and the firm finder are for agency staff (their agency's firms and the
 * consultations they may read) and coordinators; every proposals read is audited. Feeds are
 * public (programmes are); webhooks belong to who registered them (coordinators, or the subjects
 * the install lists). Every input is bounded before it reaches the store or the index.
 */
import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { AlertSearchError, alertSearchKey, alertSearchOf, type AlertSearch } from '../../../domain/alertSearch';
import { isValidCorporateNumber, normalizeText, phoneDigits } from '../../../domain/normalize';
import * as consultations from '../../../store/consultations';
import * as desk from '../../../store/desk';
import * as firms from '../../../store/firms';
import * as programs from '../../../store/programs';
import * as webhooks from '../../../store/webhooks';
import { DateScalar, DateTimeScalar, japanDate } from '../../shared/scalars';
import { industryValue, municipalityValue } from '../../shared/values';
import type { DeskContext } from '../context';
import { buildFeed } from '../feed';
import { proposeFor } from '../proposals';
import type { Resolvers, ProgramKind, ProgramStatus, SupportField } from '../resolvers.generated';
import { checkDestination, checkUrlForm, OutboundRefusedError } from '../webhooks/outbound';

const MAX_PROPOSALS = 50;
const MAX_FOUND = 20;
const MAX_NOTE = 2_000;
const MAX_REASON = 500;

/**
 * A mark as the viewer may see it: who marked it and why are between the marking agency and the
 * coordinators. Staff of another agency that has the same firm as a client see that it was marked,
 * when and by which agency — not the consultant's identity nor the free text (a channel between
 * agencies that could carry what their consultations say).
 */
function markAsSeen(mark: desk.ProposalMarkRow, ctx: DeskContext): desk.ProposalMarkRow {
  if (ctx.viewer.role === 'coordinator' || (mark.agencyId !== null && mark.agencyId === ctx.viewer.agencyId))
    return mark;
  return { ...mark, reason: null, markedBy: mark.agencyId ? `staff of ${mark.agencyId}` : 'a coordinator' };
}
/** Consultations a proposal reads at most (the newest). */
const CONSULTATIONS_READ = 300;

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

function bounded(first: number | null | undefined, max: number, fallback: number): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > max) throw badInput(`first must be between 0 and ${max}`);
  return n;
}

function searchOf(input: Parameters<typeof alertSearchOf>[0] | null | undefined): AlertSearch {
  try {
    return alertSearchOf(input ?? {});
  } catch (e) {
    if (e instanceof AlertSearchError) throw badInput(e.message);
    throw e;
  }
}

/** Staff may act for their agency's firms only; coordinators for any firm the network knows. */
async function requireFirm(ctx: DeskContext, firmId: string, what: string): Promise<void> {
  ctx.requireDeskUser(what);
  if (firmId.length > 100) throw badInput('not a firm id');
  if (ctx.viewer.role === 'staff') {
    if (!(await ctx.firmVisible.load(firmId))) throw forbidden(`staff see ${what} of their own agency’s firms only`);
  } else if (!(await firms.exists(ctx.store, firmId))) {
    throw badInput(`unknown firm ${firmId}`);
  }
}

function mayOwnWebhooks(ctx: DeskContext): string {
  const subject = ctx.viewer.subject;
  if (ctx.viewer.role === 'anonymous' || !subject)
    throw new GraphQLError('webhooks need a coordinator token', { extensions: { code: 'UNAUTHENTICATED' } });
  if (ctx.viewer.role !== 'coordinator' && !ctx.settings.webhookOwners.has(subject))
    throw forbidden('webhooks are registered by coordinators and the subjects listed in MADOGUCHI_WEBHOOK_OWNERS');
  return subject;
}

/**
 * Each change is sent once per webhook, so more webhooks to one receiver multiply its deliveries:
 * an owner has at most `max` enabled webhooks, and never two to the same address for the same
 * search (LIMIT_EXCEEDED, CONFLICT naming the one there is).
 */
function refuseAmplification(enabled: webhooks.WebhookRow[], target: URL, s: AlertSearch, max: number): void {
  if (enabled.length >= max)
    throw new GraphQLError(
      `at most ${max} enabled webhooks per owner (MADOGUCHI_WEBHOOK_MAX_PER_OWNER); disable one first`,
      {
        extensions: { code: 'LIMIT_EXCEEDED', limit: max },
      },
    );
  const key = alertSearchKey(s);
  const same = enabled.find((w) => {
    try {
      return checkUrlForm(w.url).href === target.href && alertSearchKey(alertSearchOf(w.search)) === key;
    } catch {
      return false;
    }
  });
  if (same)
    throw new GraphQLError(`webhook ${same.id} already sends this search to this address`, {
      extensions: { code: 'CONFLICT', existing: same.id },
    });
}

async function ownWebhook(ctx: DeskContext, id: string): Promise<webhooks.WebhookRow> {
  const subject = mayOwnWebhooks(ctx);
  const hook = id.length <= 100 ? await webhooks.webhookById(ctx.store, id) : null;
  if (!hook || (hook.owner !== subject && ctx.viewer.role !== 'coordinator'))
    throw badInput(`no webhook ${id.slice(0, 100)}`);
  return hook;
}

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Company: {
    __resolveReference: (ref) => ({ id: ref.id }),
    proposals: async (company, { first }, ctx) => {
      const n = bounded(first, MAX_PROPOSALS, 10);
      await requireFirm(ctx, company.id, 'proposals');
      // Written before anything is read: a read is audited even if it fails halfway.
      await ctx.audit(company.id, 'proposals');
      const [firm] = await firms.byIds(ctx.store, [company.id]);
      if (!firm) return [];
      const { rows } = await consultations.ofFirm(ctx.store, ctx.viewer, company.id, {
        limit: CONSULTATIONS_READ,
        offset: 0,
      });
      const proposals = await proposeFor({
        firm,
        consultations: rows,
        marks: new Map([...(await desk.latestMarks(ctx.store, company.id))].map(([id, m]) => [id, markAsSeen(m, ctx)])),
        index: await ctx.search.current(),
        loadPrograms: (ids) => programs.byIds(ctx.store, ids),
        today: japanDate(ctx.now()),
        first: n,
      });
      return proposals;
    },
  },
  Consultation: {
    __resolveReference: (ref) => ({ id: ref.id }),
    notes: async (c, _, ctx) => {
      ctx.requireDeskUser('consultation notes');
      if (!(await ctx.consultation.load(c.id))) return [];
      return ctx.notes.load(c.id);
    },
  },
  Proposal: {
    program: (p) => ({ id: p.program.id }),
    provider: (p) => ({ id: p.program.providerId }),
    reasons: (p) => p.reasons,
  },
  ProposalMark: {
    reason: (m) => m.reason,
  },
  ConsultationNote: {
    agency: (n) => (n.agencyId ? { id: n.agencyId } : null),
  },
  CompanyMatch: {
    company: (m) => ({ id: m.firmId }),
    municipality: (m) => municipalityValue(m.municipalityCode),
  },
  AlertSearch: {
    supportFields: (s) => s.supportFields as SupportField[],
    kinds: (s) => s.kinds as ProgramKind[],
    statuses: (s) => s.statuses as ProgramStatus[],
    municipality: (s) => municipalityValue(s.municipalityCode),
    industry: (s) => industryValue(s.industry),
  },
  ProgramFeed: {
    search: (f) => f.search,
    updated: async (f) => (await f.data()).updated,
    entries: async (f, { first }) => (await f.data()).entries.slice(0, bounded(first, 100, 50)),
    dates: async (f, { first }) => (await f.data()).dates.slice(0, bounded(first, 400, 200)),
  },
  ProgramFeedEntry: {
    program: async (e, _, ctx) => ((await programs.byIds(ctx.store, [e.programId]))[0] ? { id: e.programId } : null),
    opensOn: (e) => e.state.opensOn,
    closesOn: (e) => e.state.closesOn,
    maxAmountText: (e) => e.state.maxAmountText,
    url: (e) => e.state.url,
    provider: (e) => ({ id: e.state.providerId }),
  },
  ProgramWebhook: {
    search: (w) => alertSearchOf(w.search as Partial<AlertSearch>),
    enabled: (w) => w.disabledAt === null,
    deliveries: async (w, { first }, ctx) => (await ctx.deliveries.load(w.id)).slice(0, bounded(first, 100, 20)),
  },
  WebhookDelivery: {
    changes: (d) => d.changeIds.length,
    log: (d, _, ctx) => ctx.attempts.load(d.id),
  },
  Query: {
    deskCompanies: async (_, { text, first }, ctx) => {
      ctx.requireDeskUser('the desk’s firm search');
      const n = bounded(first, MAX_FOUND, MAX_FOUND);
      const q = normalizeText(text).replace(/\s/g, '');
      if (q.length > 100) throw badInput('text is at most 100 characters');
      const digits = q.replace(/[-‐−ー()]/g, '');
      if (/^\d{13}$/.test(digits)) {
        if (!isValidCorporateNumber(digits)) throw badInput(`${digits} is not a valid 法人番号 (check digit)`);
        return desk.findFirms(ctx.store, ctx.viewer, { corporateNumber: digits }, n);
      }
      if (/^\+?[\d\-‐−()]{6,}$/.test(q))
        return desk.findFirms(ctx.store, ctx.viewer, { phoneDigits: phoneDigits(q) }, n);
      if (q.length < 2) throw badInput('give at least two characters of a name, a phone number or a 法人番号');
      return desk.findFirms(ctx.store, ctx.viewer, { name: q }, n);
    },
    programFeed: async (_, { search }, ctx) => {
      const s = searchOf(search);
      let data: ReturnType<typeof buildFeed> | null = null;
      return {
        search: s,
        data: () =>
          (data ??= ctx.search
            .current()
            .then((index) => buildFeed(ctx.store, index, s, japanDate(ctx.now()), alertSearchKey(s)))),
      };
    },
    programWebhooks: async (_, { all }, ctx) => {
      const subject = mayOwnWebhooks(ctx);
      if (all && ctx.viewer.role !== 'coordinator') throw forbidden('everyone’s webhooks are for coordinators');
      return webhooks.webhooksOf(ctx.store, all ? null : subject);
    },
  },
  Mutation: {
    markProposal: async (_, { companyId, programId, mark, reason }, ctx) => {
      await requireFirm(ctx, companyId, 'proposals');
      const why = reason?.trim() || null;
      if (mark === 'DECLINED' && !why) throw badInput('a decline needs the firm’s reason');
      if (why && why.length > MAX_REASON) throw badInput(`reason is at most ${MAX_REASON} characters`);
      if (programId.length > 200 || !(await programs.byIds(ctx.store, [programId]))[0])
        throw badInput(`unknown programme ${programId.slice(0, 200)}`);
      await ctx.audit(companyId, 'proposals');
      return desk.markProposal(ctx.store, {
        firmId: companyId,
        programId,
        mark,
        reason: why,
        markedBy: ctx.viewer.subject ?? 'unknown',
        agencyId: ctx.viewer.agencyId,
        at: ctx.now().toISOString(),
      });
    },
    addConsultationNote: async (_, { consultationId, body }, ctx) => {
      ctx.requireDeskUser('consultation notes');
      const text = normalizeText(body).trim();
      if (!text) throw badInput('a note needs some text');
      if (text.length > MAX_NOTE) throw badInput(`a note is at most ${MAX_NOTE} characters`);
      if (consultationId.length > 200 || !(await ctx.consultation.load(consultationId)))
        throw forbidden('notes are written on consultations the caller may read');
      return desk.addNote(ctx.store, {
        consultationId,
        body: text,
        writtenBy: ctx.viewer.subject ?? 'unknown',
        agencyId: ctx.viewer.agencyId,
        at: ctx.now().toISOString(),
      });
    },
    registerProgramWebhook: async (_, { url, search }, ctx) => {
      const owner = mayOwnWebhooks(ctx);
      const s = searchOf(search);
      let target: URL;
      try {
        target = await checkDestination(url, ctx.settings.outbound);
      } catch (e) {
        if (e instanceof OutboundRefusedError) throw badInput(`url refused: ${e.message}`);
        throw e;
      }
      const id = `wh_${randomBytes(12).toString('base64url')}`;
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const webhook = await webhooks.createWebhookChecked(
        ctx.writableStore(),
        { id, owner, url, search: s, sealedSecret: ctx.settings.secrets.seal(secret, id), at: ctx.now().toISOString() },
        (enabled) => refuseAmplification(enabled, target, s, ctx.settings.maxWebhooksPerOwner),
      );
      return { webhook, secret };
    },
    disableProgramWebhook: async (_, { id }, ctx) => {
      const hook = await ownWebhook(ctx, id);
      await webhooks.disableWebhook(
        ctx.writableStore(),
        hook.id,
        `disabled by ${ctx.viewer.subject}`,
        new Date().toISOString(),
      );
      return (await webhooks.webhookById(ctx.store, hook.id))!;
    },
  },
};
