/**
 * Per-request context of the consultations subgraph: the verified viewer, the store, the access
 * rule as SQL, and DataLoaders. Every read of consultation rows goes through `visibleWhere`, so
 * the rule lives in one place.
 */
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { ConsultationRecord } from '../../adapters/store/records';
import type { Queryable } from '../../adapters/store/store';
import { selectList } from '../../adapters/store/tables';
import { ANONYMOUS, type Viewer } from '../shared/identity';
import { chooseGrouping } from './stats';

/** The rollup grouping the statistics would read for counts by month: every consultation once. */
const MONTHLY = chooseGrouping(['MONTH'], null)!;

export interface ReferralRow {
  consultationId: string;
  fromOrganizationId: string;
  toOrganizationId: string;
  note: string | null;
  referredBy: string;
  referredAt: string;
}

export interface ConsultationsContext {
  store: Queryable;
  viewer: Viewer;
  now: () => Date;
  /** A SQL condition on alias `c` limiting rows to what the viewer may read; `$n` is appended to params. */
  visibleWhere(params: unknown[]): string;
  requireRecordReader(): void;
  consultationById: DataLoader<string, ConsultationRecord | null>;
  referralsByConsultation: DataLoader<string, ReferralRow[]>;
  /** Keyed by `<organizationId>|<fiscalYear or *>`. */
  consultationCount: DataLoader<string, number>;
}

export function createConsultationsContext(store: Queryable, viewer: Viewer = ANONYMOUS, now: () => Date = () => new Date()): ConsultationsContext {
  const visibleWhere = (params: unknown[]): string => {
    if (viewer.role === 'coordinator') return 'true';
    if (viewer.role === 'staff') {
      params.push(viewer.agencyId);
      const p = `$${params.length}`;
      return `(c.organization_id = ${p} or c.referred_to_id = ${p} or exists (select 1 from referrals r where r.consultation_id = c.id and r.to_organization_id = ${p}))`;
    }
    return 'false';
  };
  return {
    store,
    viewer,
    now,
    visibleWhere,
    requireRecordReader() {
      if (viewer.role === 'anonymous') {
        throw new GraphQLError('consultation records need a staff or coordinator token', { extensions: { code: 'UNAUTHENTICATED' } });
      }
      if (viewer.role !== 'staff' && viewer.role !== 'coordinator') {
        throw new GraphQLError(`role ${viewer.role} may not read consultation records`, { extensions: { code: 'FORBIDDEN' } });
      }
    },
    consultationById: new DataLoader(async (ids) => {
      const params: unknown[] = [ids];
      const rows = await store.query<ConsultationRecord>(
        `select ${selectList('consultation', 'c')} from consultations c where c.id = any($1::text[]) and ${visibleWhere(params)}`,
        params,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    referralsByConsultation: new DataLoader(async (ids) => {
      const rows = await store.query<ReferralRow>(
        `select consultation_id as "consultationId", from_organization_id as "fromOrganizationId", to_organization_id as "toOrganizationId",
                note, referred_by as "referredBy",
                to_char(referred_at at time zone 'Asia/Tokyo', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"') as "referredAt"
         from referrals where consultation_id = any($1::text[]) order by referred_at, id`,
        [ids],
      );
      return ids.map((id) => rows.filter((r) => r.consultationId === id));
    }),
    consultationCount: new DataLoader(async (keys) => {
      const parsed = keys.map((k) => {
        const [org, fy] = k.split('|');
        return { org, fy: fy === '*' ? null : Number(fy) };
      });
      // Counted from the rollups by month (every consultation once, JST months, written in the
      // same transaction as the records): a few hundred rows instead of every consultation.
      // Fiscal years run April–March; one grouped query serves every key.
      const rows = await store.query<{ organization_id: string; fy: number; n: number }>(
        `select organization_id,
                substr(month, 1, 4)::int - case when substr(month, 6, 2)::int < 4 then 1 else 0 end as fy,
                sum(n)::int as n
         from consultation_rollups where grouping = $2 and organization_id = any($1::text[])
         group by 1, 2`,
        [[...new Set(parsed.map((p) => p.org))], MONTHLY.name],
      );
      return parsed.map(({ org, fy }) =>
        rows.filter((r) => r.organization_id === org && (fy === null || r.fy === fy)).reduce((sum, r) => sum + r.n, 0),
      );
    }),
  };
}

/** Parent of CompanyHistory: the firm's visible consultations, oldest first. */
export interface CompanyHistoryValue {
  corporateNumber: string;
  records: ConsultationRecord[];
}
