/**
 * Per-request context of the consultations subgraph: the verified viewer, the store and DataLoaders
 * over its read API, which applies the access rule to every read of consultation rows.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { ConsultationRecord } from '../../domain/records';
import type { Queryable } from '../../store/store';
import * as consultations from '../../store/consultations';
import * as organizations from '../../store/organizations';
import type { StatsDimension } from '../../store/stats';
import type { ReferralRow } from '../../store/consultations';
import type { PublishedStats } from './disclosure';
import * as firms from '../../store/firms';
import type { FirmRecord } from '../../store/firms';
import { ANONYMOUS, type Viewer } from '../../server/identity';
import { defaultAnalystBudgetSettings, type AnalystBudgetSettings } from '../shared/analysts';

export type { ReferralRow };

export interface ConsultationsContext {
  store: Queryable;
  viewer: Viewer;
  now: () => Date;
  /** The analysts' disclosure budget (MADOGUCHI_ANALYST_CELLS_PER_DAY, _BUDGET_WINDOW_HOURS). */
  analystBudget: AnalystBudgetSettings;
  requireRecordReader(): void;
  consultationById: DataLoader<string, ConsultationRecord | null>;
  referralsByConsultation: DataLoader<string, ReferralRow[]>;
  /** Keyed by `<organizationId>|<fiscalYear or *>`: the exact count and its records' key sum. */
  consultationCount: DataLoader<string, { n: number; keySum: number }>;
  /** Statistics asked in this request, by grouping and filter: identical aliases are computed once. */
  statistics: Map<string, Promise<unknown>>;
  /** Directory names for the ORGANIZATION labels of statistics. */
  organizationName: DataLoader<string, string | null>;
  /** Firms by id, null where unknown or not for this viewer's eyes. */
  companyById: DataLoader<string, FirmRecord | null>;
  firmIdOfConsultation: DataLoader<string, string | null>;
}

export function createConsultationsContext(
  store: Queryable,
  viewer: Viewer = ANONYMOUS,
  now: () => Date = () => new Date(),
  analystBudget: AnalystBudgetSettings = defaultAnalystBudgetSettings(),
): ConsultationsContext {
  return {
    store,
    viewer,
    now,
    analystBudget,
    requireRecordReader() {
      if (viewer.role === 'anonymous') {
        throw new GraphQLError('consultation records need a staff or coordinator token', {
          extensions: { code: 'UNAUTHENTICATED' },
        });
      }
      if (viewer.role !== 'staff' && viewer.role !== 'coordinator') {
        throw new GraphQLError(`role ${viewer.role} may not read consultation records`, {
          extensions: { code: 'FORBIDDEN' },
        });
      }
    },
    consultationById: new DataLoader((ids) => consultations.byIds(store, viewer, ids)),
    companyById: new DataLoader(async (ids) => {
      const [found, visible] = await Promise.all([firms.byIds(store, ids), firms.visibleIds(store, viewer, ids)]);
      return found.map((f) => (f && visible.has(f.id) ? f : null));
    }),
    firmIdOfConsultation: new DataLoader((ids) => consultations.firmIdsOf(store, ids)),
    referralsByConsultation: new DataLoader((ids) => consultations.referralsOf(store, ids)),
    consultationCount: new DataLoader(async (keys) => {
      const parsed = keys.map((k) => {
        const [org, fy] = k.split('|');
        return { org, fy: fy === '*' ? null : Number(fy) };
      });
      // One grouped query serves every key of the batch.
      const rows = await consultations.countsByOrganization(store, [...new Set(parsed.map((p) => p.org))]);
      return parsed.map(({ org, fy }) =>
        rows
          .filter((r) => r.organizationId === org && (fy === null || r.fiscalYear === fy))
          .reduce((sum, r) => ({ n: sum.n + r.n, keySum: sum.keySum + Number(r.keySum) }), { n: 0, keySum: 0 }),
      );
    }),
    statistics: new Map(),
    organizationName: new DataLoader(async (ids) =>
      (await organizations.byIds(store, ids)).map((o) => o?.name ?? null),
    ),
  };
}

/**
 * Parent of StatsKey: one dimension's code in a cell. One object per distinct code of an answer,
 * shared by its cells, so that its label is worked out once per answer (`label`, once asked).
 */
export interface StatsKeyValue {
  dimension: StatsDimension;
  value: string;
  label?: string | null | Promise<string | null>;
}

/**
 * Parent of ConsultationStats and of its StatsColumns: the published table (computed and charged
 * once per request), read by `cells` and `columns` alike. The key objects are made once asked and
 * shared by both, so a code's label is worked out once per answer.
 */
export interface StatsAnswerValue {
  dims: StatsDimension[];
  published: PublishedStats;
  keyObjects?: StatsKeyValue[][];
}

/** Parent of StatsKeyColumn: one dimension's distinct codes (as key objects) and each cell's code. */
export interface StatsKeyColumnValue {
  dimension: StatsDimension;
  keys: StatsKeyValue[];
  codes: Uint32Array;
}

/** Parent of CompanyHistory: the firm's visible consultations, oldest first. */
export interface CompanyHistoryValue {
  corporateNumber: string;
  records: ConsultationRecord[];
}
