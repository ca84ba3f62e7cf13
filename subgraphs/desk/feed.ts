/**
 * The alerts of one search for its Atom feed and calendar (programFeed): the changes logged in the
 * last FEED_DAYS that concern it (./alerts), the programmes it finds that close within 14 days,
 * and the opening and closing dates of the programmes it finds. Bounded: at most MAX_CHANGES
 * changes are read, MAX_ENTRIES entries and MAX_DATES dates returned, whatever the search.
 */
import type { AlertSearch } from '../../domain/alertSearch';
import type { ProgramRecord } from '../../domain/records';
import { changesSince, lastChangedAt } from '../../store/programChanges';
import * as programs from '../../store/programs';
import type { Queryable } from '../../store/store';
import type { SearchIndex } from '../programs/search';
import { addDays, CLOSING_SOON_DAYS, ChangeMatcher, type Alert } from './alerts';

export const FEED_DAYS = 90;
export const MAX_CHANGES = 5_000;
export const MAX_ENTRIES = 100;
export const MAX_DATES = 400;
/** Programmes whose dates a calendar lists, soonest deadline first. */
const MAX_CALENDAR_PROGRAMMES = 200;

export interface ProgramDateValue {
  id: string;
  programId: string;
  title: string;
  kind: 'OPENS' | 'CLOSES';
  date: string;
  updated: string;
  url: string | null;
}

export interface FeedData {
  entries: Alert[];
  dates: ProgramDateValue[];
  updated: string | null;
}

export interface ProgramFeedValue {
  search: AlertSearch;
  data(): Promise<FeedData>;
}

/** The start of a day in Japan, as an ISO time. */
const dayStart = (day: string) => `${day}T00:00:00+09:00`;
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

export async function buildFeed(
  store: Queryable,
  index: SearchIndex,
  search: AlertSearch,
  today: string,
  key: string,
): Promise<FeedData> {
  const changes = await changesSince(store, dayStart(addDays(today, -FEED_DAYS)), MAX_CHANGES);
  const removed = [...new Set(changes.filter((c) => c.change === 'REMOVED').map((c) => c.programId))];
  const listedAgain = new Set(
    (await programs.byIds(store, removed)).filter((p): p is ProgramRecord => p !== null).map((p) => p.id),
  );
  const matcher = new ChangeMatcher(index, changes, today, listedAgain);
  const entries = matcher.alertsFor(search, key);
  // Deadlines ahead: stamped with the later of the snapshot that last changed the programme and
  // the day it entered the 14 days, so the entry is new to readers when it becomes news.
  const closing = (await programs.byIds(store, matcher.closingSoon(search, MAX_ENTRIES))).filter(
    (p): p is ProgramRecord => p !== null,
  );
  const current = (await programs.byIds(store, matcher.current(search, MAX_CALENDAR_PROGRAMMES))).filter(
    (p): p is ProgramRecord => p !== null,
  );
  const changedAt = await lastChangedAt(store, [...new Set([...closing, ...current].map((p) => p.id))]);
  const stamp = (p: ProgramRecord) => changedAt.get(p.id) ?? p.fetchedAt;
  for (const p of closing) {
    entries.push({
      id: `closing:${p.id}:${p.closesOn}`,
      kind: 'CLOSING_SOON',
      programId: p.id,
      title: p.title,
      updated: later(stamp(p), dayStart(addDays(p.closesOn!, -CLOSING_SOON_DAYS))),
      fields: [],
      changes: [],
      state: {
        title: p.title,
        summary: p.summary,
        kind: p.kind,
        providerId: p.providerId,
        supportFields: p.supportFields,
        purposes: p.purposes,
        areaCodes: p.areaCodes,
        industries: p.industries,
        employeeCeiling: p.employeeCeiling,
        maxAmount: p.maxAmount,
        maxAmountText: p.maxAmountText,
        subsidyRate: p.subsidyRate,
        opensOn: p.opensOn,
        closesOn: p.closesOn,
        url: p.url,
      },
      changeId: null,
    });
  }
  entries.sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated) || (a.id < b.id ? 1 : -1));
  const kept = entries.slice(0, MAX_ENTRIES);
  const from = addDays(today, -30);
  const until = addDays(today, 365);
  const dates: ProgramDateValue[] = [];
  for (const p of current) {
    for (const [kind, date] of [
      ['OPENS', p.opensOn],
      ['CLOSES', p.closesOn],
    ] as const) {
      if (date && date >= from && date <= until)
        dates.push({
          id: `${p.id}:${kind.toLowerCase()}`,
          programId: p.id,
          title: p.title,
          kind,
          date,
          updated: stamp(p),
          url: p.url,
        });
    }
  }
  dates.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1));
  const all = [...kept.map((e) => e.updated), ...dates.map((d) => d.updated)];
  return {
    entries: kept,
    dates: dates.slice(0, MAX_DATES),
    updated: all.length ? all.reduce(later) : null,
  };
}
