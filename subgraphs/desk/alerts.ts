/**
 * Alerts for a search: which logged programme changes (store/programChanges) concern the
 * programmes a one-stop search finds, told as alerts — NEW, CHANGED (with the fields), CLOSED —
 * plus those closing within CLOSING_SOON_DAYS. A change concerns a search when the search, run by
 * the one-stop search index itself (same words, synonyms, understanding, filters), finds the
 * programme as the change left it; a programme its agency no longer lists is matched as it was
 * last seen, and a closed one without the search's status condition (the point is to say it
 * closed). Feeds, calendars and webhooks all match through `ChangeMatcher`.
 */
import type { AlertSearch } from '../../domain/alertSearch';
import { getMunicipality, isWithin } from '../../domain/municipalities';
import { programStatus } from '../../domain/programStatus';
import type { ProgramChange, ProgramState } from '../../store/programChanges';
import type { IndexableProgram, SearchFilterInput, SearchIndex } from '../programs/search';

export type AlertKind = 'NEW' | 'CHANGED' | 'CLOSED' | 'CLOSING_SOON';

export const CLOSING_SOON_DAYS = 14;

export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

/** A change as an alert tells it. */
export interface Alert {
  /** Stable: `change:<id>` for a logged change, `closing:<programme>:<date>` for a deadline ahead. */
  id: string;
  kind: AlertKind;
  programId: string;
  title: string;
  /** ISO time of the snapshot that showed it. */
  updated: string;
  fields: string[];
  changes: FieldChange[];
  state: ProgramState;
  changeId: number | null;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const dayOf = (iso: string) => iso.slice(0, 10);

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** How a logged change reads as an alert: a period now ended (or the listing gone) is CLOSED. */
export function alertOf(change: ProgramChange): Alert {
  const state = (change.after ?? change.before)!;
  const day = dayOf(change.at);
  let kind: AlertKind;
  const fields = [...change.fields];
  if (change.change === 'ADDED') kind = 'NEW';
  else if (change.change === 'REMOVED') kind = 'CLOSED';
  else {
    const was = programStatus(change.before!, day);
    const now = programStatus(change.after!, day);
    if (was !== now) fields.push('status');
    kind = now === 'CLOSED' && was !== 'CLOSED' ? 'CLOSED' : 'CHANGED';
  }
  const changes =
    change.change === 'CHANGED'
      ? fields.map((f) => ({
          field: f,
          before:
            f === 'status' ? programStatus(change.before!, day) : text(change.before![f as keyof ProgramState] ?? null),
          after:
            f === 'status' ? programStatus(change.after!, day) : text(change.after![f as keyof ProgramState] ?? null),
        }))
      : [];
  return {
    id: `change:${change.id}`,
    kind,
    programId: change.programId,
    title: state.title,
    updated: change.at,
    fields,
    changes,
    state,
    changeId: change.id,
  };
}

/** The search as the index takes it. */
export function searchFilter(s: AlertSearch, withStatus = true): SearchFilterInput {
  return {
    supportFields: s.supportFields.length ? s.supportFields : null,
    kinds: s.kinds.length ? s.kinds : null,
    status: withStatus && s.statuses.length ? (s.statuses as SearchFilterInput['status']) : null,
    municipalityCode: s.municipalityCode,
    employees: s.employees,
    industry: s.industry,
  };
}

/** Could the search's conditions (not its words) hold for this state? A cheap test before searching. */
function mayMatch(s: AlertSearch, p: ProgramState): boolean {
  if (s.kinds.length && !s.kinds.includes(p.kind)) return false;
  if (s.supportFields.length && !s.supportFields.some((f) => p.supportFields.includes(f))) return false;
  if (s.employees !== null && p.employeeCeiling !== null && p.employeeCeiling < s.employees) return false;
  if (s.industry && p.industries.length && !p.industries.includes(s.industry)) return false;
  if (s.municipalityCode && p.areaCodes.length) {
    const m = s.municipalityCode;
    // An area naming the municipality, an area within it (a ward of a searched city), or one holding it.
    if (!p.areaCodes.some((a) => isWithin(m, a) || (getMunicipality(a) && isWithin(a, m)))) return false;
  }
  return true;
}

const GONE_SOURCE = '\u0000gone';

function indexable(programId: string, sourceId: string, s: ProgramState): IndexableProgram {
  return {
    id: programId,
    providerId: s.providerId,
    sourceId,
    title: s.title,
    titleKana: null,
    summary: s.summary,
    body: null,
    kind: s.kind as IndexableProgram['kind'],
    supportFields: s.supportFields as IndexableProgram['supportFields'],
    purposes: s.purposes ?? [],
    areaCodes: s.areaCodes,
    areaText: null,
    industries: s.industries as IndexableProgram['industries'],
    employeeCeiling: s.employeeCeiling,
    eligibilityText: null,
    opensOn: s.opensOn,
    closesOn: s.closesOn,
    // The change log keeps no published status: the days alone decide, as for alerts' own status.
    publishedStatus: null,
  };
}

/**
 * Matches changes against searches over one index (with the programmes gone from their sources
 * added back as last seen). Searches are run once each, and only when some change could match.
 */
export class ChangeMatcher {
  readonly alerts: Alert[];
  private readonly index: SearchIndex;
  private readonly base: SearchIndex;
  private readonly cache = new Map<string, Set<string>>();

  constructor(
    index: SearchIndex,
    changes: readonly ProgramChange[],
    /** Ids of the removed programmes that are listed again (matched as they are now). */
    private readonly today: string,
    listedAgain: ReadonlySet<string> = new Set(),
  ) {
    this.alerts = changes.map(alertOf);
    this.base = index;
    const gone = new Map<string, IndexableProgram>();
    for (const c of changes)
      if (c.change === 'REMOVED' && !listedAgain.has(c.programId))
        gone.set(c.programId, indexable(c.programId, GONE_SOURCE, c.before!));
    this.index = gone.size ? index.withSources(new Map([[GONE_SOURCE, [...gone.values()]]])) : index;
  }

  /** Ids of the programmes the search finds (with gone ones as last seen); run once per search. */
  private found(s: AlertSearch, withStatus: boolean, key: string): Set<string> {
    const cacheKey = `${withStatus ? 's' : '-'}${key}`;
    let ids = this.cache.get(cacheKey);
    if (!ids) {
      const result = this.index.search({
        text: s.text,
        filter: searchFilter(s, withStatus),
        today: this.today,
        limit: this.index.size,
        facets: false,
      });
      ids = new Set(result.hits.map((h) => h.id));
      this.cache.set(cacheKey, ids);
    }
    return ids;
  }

  /** The alerts (of the changes given) that concern this search, in the order given. */
  alertsFor(s: AlertSearch, key: string): Alert[] {
    const possible = this.alerts.filter((a) => mayMatch(s, a.state));
    if (possible.length === 0) return [];
    return possible.filter((a) => {
      const withStatus = a.kind !== 'CLOSED';
      return this.found(s, withStatus, key).has(a.programId);
    });
  }

  /** Programmes the search finds now that close within CLOSING_SOON_DAYS, soonest first. */
  closingSoon(s: AlertSearch, limit: number): string[] {
    const result = this.base.search({
      text: s.text,
      filter: { ...searchFilter(s), status: ['OPEN'], closingBefore: addDays(this.today, CLOSING_SOON_DAYS) },
      sort: 'CLOSING_DATE',
      today: this.today,
      limit,
      facets: false,
    });
    return result.hits.map((h) => h.id);
  }

  /** Programmes the search finds now, at most `limit`, soonest deadline first. */
  current(s: AlertSearch, limit: number): string[] {
    const result = this.base.search({
      text: s.text,
      filter: searchFilter(s),
      sort: 'CLOSING_DATE',
      today: this.today,
      limit,
      facets: false,
    });
    return result.hits.map((h) => h.id);
  }
}
