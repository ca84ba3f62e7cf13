/**
 * Per-request context of the growth subgraph: the verified viewer, the store, DataLoaders over
 * the growth read API, and the one gate every firm-level read goes through (`readFile`): it
 * decides whether this viewer may read that part of that firm's growth file and, if so, writes
 * the read to the audit log before any data is returned. Reads within one tick are written
 * together, one row per firm; a refused read writes nothing.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Queryable, Store } from '../../store/store';
import * as growth from '../../store/growth';
import * as firms from '../../store/firms';
import { recordReads } from '../../store/audit';
import { reviewSettings, type ReviewSetting } from '../../store/committee';
import { signalsOf, type StoredSignals } from '../../store/signals';
import type { GrowthScore, ScoreContribution } from '../../domain/growth/score';
import type { GrowthStatus } from '../../domain/growth/status';
import { ANONYMOUS, type Viewer } from '../../server/identity';
import { defaultAnalystBudgetSettings, type AnalystBudgetSettings } from '../shared/analysts';

/** A firm as another subgraph refers to it. */
export interface CompanyReference {
  id: string;
}

/** Parent of CompanyGrowth: the firm whose file is being read, once the viewer was let in. */
export interface GrowthFileValue {
  firmId: string;
}

export type ScoreContributionValue = ScoreContribution;

export interface GrowthScoreValue extends GrowthScore {
  asOf: string | null;
  weightsVersion: string;
}

/** Parts of the growth file staff may read for their agency's firms; everything else is for coordinators. */
export const STAFF_READABLE = new Set([
  'growth.status',
  'growth.nominations',
  'growth.plan',
  'growth.plans',
  'growthFirms',
  'nominateCompany',
]);

export interface GrowthContext {
  store: Queryable;
  viewer: Viewer;
  now: () => Date;
  /** The analysts' disclosure budget (MADOGUCHI_ANALYST_CELLS_PER_DAY, _BUDGET_WINDOW_HOURS). */
  analystBudget: AnalystBudgetSettings;
  /** Staff or coordinator, else UNAUTHENTICATED / FORBIDDEN. */
  requireReader(what: string): void;
  requireCoordinator(what: string): void;
  /** A store that can run transactions (the write paths need one). */
  writableStore(): Store;
  /** May this viewer read `field` of this firm's file? Throws if not; records the read if so. */
  readFile(firmId: string, field: string): Promise<void>;
  /** Whether staff may see the firm at all (their agency's client, or its plan's agency). */
  firmVisible: DataLoader<string, boolean>;
  status: DataLoader<string, GrowthStatus>;
  signals: DataLoader<string, StoredSignals | null>;
  /** Keyed by `<firmId>\0<agency or ''>\0<meeting or ''>`. */
  nominations: DataLoader<string, growth.NominationRow[]>;
  /** Keyed by `<firmId>\0<meeting or ''>`. */
  decisions: DataLoader<string, growth.DecisionRow[]>;
  plans: DataLoader<string, growth.PlanRow[]>;
  /** The review day a coordinator set on a plan, by plan id. */
  reviews: DataLoader<string, ReviewSetting | null>;
}

const SEP = '\u0000';

export function createGrowthContext(
  store: Queryable,
  viewer: Viewer = ANONYMOUS,
  now: () => Date = () => new Date(),
  analystBudget: AnalystBudgetSettings = defaultAnalystBudgetSettings(),
): GrowthContext {
  const refuse = (code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) =>
    new GraphQLError(message, { extensions: { code } });
  const firmVisible = new DataLoader<string, boolean>(async (ids) => {
    const visible = await firms.visibleIds(store, viewer, ids);
    return ids.map((id) => visible.has(id));
  });
  const audit = new DataLoader<string, true>(async (keys) => {
    const byFirm = new Map<string, string[]>();
    for (const k of keys) {
      const [firmId, field] = k.split(SEP);
      (byFirm.get(firmId) ?? byFirm.set(firmId, []).get(firmId)!).push(field);
    }
    await recordReads(
      store,
      viewer,
      now().toISOString(),
      [...byFirm].map(([firmId, fields]) => ({ firmId, fields: fields.sort() })),
    );
    return keys.map(() => true as const);
  });
  const byGroups = <R>(load: (firmIds: string[], a: string, b: string) => Promise<R[][]>) =>
    new DataLoader<string, R[]>(async (keys) => {
      // Keys sharing their filters are loaded in one query.
      const groups = new Map<string, string[]>();
      for (const k of keys) {
        const [firmId, ...rest] = k.split(SEP);
        (groups.get(rest.join(SEP)) ?? groups.set(rest.join(SEP), []).get(rest.join(SEP))!).push(firmId);
      }
      const results = new Map<string, R[]>();
      for (const [filter, firmIds] of groups) {
        const [a = '', b = ''] = filter.split(SEP);
        const rows = await load(firmIds, a, b);
        firmIds.forEach((id, i) => results.set([id, filter].join(SEP), rows[i]));
      }
      return keys.map((k) => results.get(k) ?? []);
    });
  const ctx: GrowthContext = {
    store,
    viewer,
    now,
    analystBudget,
    requireReader(what) {
      if (viewer.role === 'anonymous') throw refuse('UNAUTHENTICATED', `${what} needs a staff or coordinator token`);
      if (viewer.role !== 'staff' && viewer.role !== 'coordinator')
        throw refuse('FORBIDDEN', `role ${viewer.role} may not read ${what}`);
    },
    requireCoordinator(what) {
      if (viewer.role === 'anonymous') throw refuse('UNAUTHENTICATED', `${what} needs a coordinator token`);
      if (viewer.role !== 'coordinator') throw refuse('FORBIDDEN', `${what} is for coordinators`);
    },
    writableStore() {
      if (!('transaction' in store))
        throw new GraphQLError('this store cannot write', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      return store as Store;
    },
    async readFile(firmId, field) {
      if (viewer.role === 'anonymous')
        throw refuse('UNAUTHENTICATED', 'a firm’s growth file needs a staff or coordinator token');
      if (viewer.role === 'staff') {
        if (!STAFF_READABLE.has(field))
          throw refuse('FORBIDDEN', `${field} of a firm’s growth file is for coordinators`);
        if (!(await firmVisible.load(firmId)))
          throw refuse('FORBIDDEN', 'staff read the growth files of their own agency’s firms only');
      } else if (viewer.role !== 'coordinator') {
        throw refuse(
          'FORBIDDEN',
          `role ${viewer.role} may not read firms’ growth files; growthSummary and growthCounts give counts`,
        );
      }
      await audit.load([firmId, field].join(SEP));
    },
    firmVisible,
    status: new DataLoader((ids) => growth.statusOf(store, ids)),
    signals: new DataLoader((ids) => signalsOf(store, ids)),
    nominations: byGroups((ids, agency, meeting) =>
      growth.nominationsOf(store, ids, { organizationId: agency || undefined, meetingMonth: meeting || undefined }),
    ),
    decisions: byGroups((ids, meeting) => growth.decisionsOf(store, ids, { meetingMonth: meeting || undefined })),
    plans: new DataLoader((ids) => growth.plansOf(store, ids)),
    reviews: new DataLoader(async (ids) => {
      const set = await reviewSettings(store, ids);
      return ids.map((id) => set.get(id) ?? null);
    }),
  };
  return ctx;
}

export const keyOf = (...parts: Array<string | null | undefined>): string => parts.map((p) => p ?? '').join(SEP);
