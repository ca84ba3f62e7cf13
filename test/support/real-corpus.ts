/**
 * What the real-corpus tests share (test/integration/real-corpus-*.test.ts): a store per test file,
 * and onboarding one corpus file with agency:init alone — init's output must be the committed
 * agency file untouched — then syncing it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadAgencyConfig } from '../../adapters/core/config';
import { createAdapterContext } from '../../adapters/core/adapter';
import { initAgency } from '../../adapters/onboard/init';
import { syncDeclaredOrganization, syncSource } from '../../adapters/sync/sync';
import type { Store } from '../../store/store';
import { openTestStore } from './store';
import { agencyFile, corpusEnv, corpusFiles, corpusPath, initOptions, type CorpusFile } from './corpus';
import { SHARED_DATA } from './shared-data';

export const CLOCK = () => new Date('2026-11-25T02:00:00Z');
export const h = (...cells: string[]) =>
  `h-${createHash('sha256').update(cells.join('\u001f')).digest('hex').slice(0, 16)}`;

export interface Row {
  id: string;
  local_id: string;
  provider_id: string;
  provider_name: string | null;
  title: string;
  summary: string | null;
  kind: string;
  purposes: string[];
  support_fields: string[];
  area_codes: string[];
  area_text: string | null;
  industries: string[];
  eligibility_text: string | null;
  opens_on: string | null;
  closes_on: string | null;
  url: string | null;
  contact: string | null;
  updated_on: string | null;
  body?: string | null;
  source_row: number;
}

/** The empty store a corpus test file syncs into: opened before its tests, closed after them. */
export function corpusStore(): () => Store {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore('empty');
  });
  afterAll(() => store.close());
  return () => store;
}

const file = (agency: string): CorpusFile => corpusFiles().find((f) => f.agency === agency)!;

/** Checks init still proposes the committed file, then syncs the agency and its one source. */
export async function initAndSync(
  store: Store,
  agency: string,
): Promise<{ yaml: string; report: Awaited<ReturnType<typeof syncSource>> }> {
  const f = file(agency);
  const { yaml } = await initAgency(initOptions(f, corpusPath(f)!));
  expect(yaml).toBe(readFileSync(agencyFile(f), 'utf8'));
  const config = loadAgencyConfig(agencyFile(f), corpusEnv());
  await syncDeclaredOrganization(store, config, createAdapterContext({ clock: CLOCK }));
  const report = await syncSource(store, config, config.sources[0], createAdapterContext({ clock: CLOCK }));
  return { yaml, report };
}

/** A programme file onboarded: the rows by source row. */
export async function onboard(
  store: Store,
  agency: string,
): Promise<{ report: Awaited<ReturnType<typeof syncSource>>; byRow: Map<number, Row> }> {
  const { report } = await initAndSync(store, agency);
  const rows = await store.query<Row>(
    `select id, local_id, provider_id, provider_name, title, summary, kind, purposes, support_fields, area_codes, area_text, industries,
       eligibility_text, opens_on::text, closes_on::text, url, contact, updated_on::text, source_row
     from programs where source_id = $1`,
    [report.sourceId],
  );
  return { report, byRow: new Map(rows.map((r) => [r.source_row, r])) };
}

export const sharedPresent = corpusFiles()
  .filter((f) => f.shared)
  .every((f) => corpusPath(f) !== null);
export const withShared = sharedPresent ? describe : describe.skip;
if (!sharedPresent)
  console.warn(`SKIPPED: the shared-data part of the real corpus needs ${SHARED_DATA}, which is absent`);

export interface OrganizationRow {
  id: string;
  name: string;
  name_kana: string | null;
  kind: string;
  postal_code: string | null;
  address: string | null;
  municipality_code: string | null;
  lat: number | null;
  lng: number | null;
  phone: string | null;
  url: string | null;
  source_row: number | null;
}

/** A directory file onboarded: its organizations (the agency's own under source row null). */
export async function onboardDirectory(store: Store, agency: string) {
  const { yaml, report } = await initAndSync(store, agency);
  const rows = await store.query<OrganizationRow>(
    `select id, name, name_kana, kind, postal_code, address, municipality_code, lat, lng, phone, url, source_row from organizations where id like $1`,
    [`${agency}%`],
  );
  return { yaml, report, rows, byRow: new Map(rows.map((r) => [r.source_row, r])) };
}
