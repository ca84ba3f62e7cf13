/**
 * The committee pack (委員会資料): a meeting's agenda and decisions as CSV for the meeting's paper,
 * at GET /exports/committee/<yyyy-mm>.csv with a coordinator's bearer token. It is built on the
 * graph itself: the gateway runs the registered operation CommitteePack with the caller's
 * identity, so the subgraphs' rules and the growth audit log apply exactly as to any query.
 * Cells are written for spreadsheets: UTF-8 with a BOM (Excel reads Japanese right), and text a
 * spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import Papa from 'papaparse';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../../server/identity';
import type { Route } from '../../server/http';
import { isMeetingMonth } from '../../domain/growth/status';
import { COMMITTEE_OUTCOMES } from '../../domain/vocabulary';

export const COMMITTEE_PACK_PATH = /^\/exports\/committee\/[^/]*$/;
const FILE = /^\/exports\/committee\/(\d{4}-\d{2})\.csv$/;

const OPERATION = readFileSync(join(__dirname, '..', 'operations', 'CommitteePack.graphql'), 'utf8');

export const PACK_HEADER = [
  '会議月',
  '区分',
  '企業ID',
  '法人番号',
  '企業名',
  '所在地',
  '業種',
  'スコア',
  '推薦機関',
  '推薦理由',
  '判定',
  '判定理由',
  '判定者',
  '判定日時',
];

const REASON_LABELS: Record<string, string> = { NOMINATED: '推薦', DECIDED: '審議', TOP_SCORE: 'スコア上位' };

interface PackData {
  committeeMeeting: {
    month: string;
    agenda: Array<{
      reasons: string[];
      score: number;
      company: {
        id: string;
        corporateNumber: string | null;
        name: string | null;
        municipality: { name: string } | null;
        industry: { code: string; name: string } | null;
        growth: {
          nominations: Array<{ agency: { id: string; name: string | null } | null; rationale: string }>;
          decisions: Array<{
            decision: keyof typeof COMMITTEE_OUTCOMES;
            reason: string;
            decidedBy: string;
            decidedAt: string;
          }> | null;
        } | null;
      } | null;
    }>;
  };
}

/**
 * A text cell a spreadsheet would not run as a formula: one starting with =, +, -, @, their
 * full-width forms (＝＋－＠, which spreadsheets in Japanese locales also take), a minus sign, tab or
 * carriage return — after any leading whitespace, full-width spaces included — is prefixed with an
 * apostrophe.
 */
export function safeCell(value: string | null | undefined): string {
  const v = value ?? '';
  return /^[\t\r]|^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\u2212]/.test(v) ? `'${v}` : v;
}

/** The pack's rows, one per firm on the agenda. */
export function packRows(data: PackData): Array<Array<string | number>> {
  const { month, agenda } = data.committeeMeeting;
  return agenda.map((item) => {
    const c = item.company;
    const nominations = c?.growth?.nominations ?? [];
    const decision = c?.growth?.decisions?.[0];
    return [
      month,
      item.reasons.map((r) => REASON_LABELS[r] ?? r).join('・'),
      safeCell(c?.id),
      safeCell(c?.corporateNumber),
      safeCell(c?.name),
      safeCell(c?.municipality?.name),
      safeCell(c?.industry ? `${c.industry.code} ${c.industry.name}` : ''),
      item.score,
      safeCell(nominations.map((n) => n.agency?.name ?? n.agency?.id ?? '総括コーディネーター').join('、')),
      safeCell(nominations.map((n) => n.rationale).join(' / ')),
      decision ? COMMITTEE_OUTCOMES[decision.decision].label : '',
      safeCell(decision?.reason),
      safeCell(decision?.decidedBy),
      safeCell(decision?.decidedAt),
    ];
  });
}

export function renderPack(data: PackData): string {
  return '\uFEFF' + Papa.unparse({ fields: PACK_HEADER, data: packRows(data) }, { newline: '\r\n', quotes: false });
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (status === 401) headers['www-authenticate'] = 'Bearer';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}

export function committeePackRoute(options: {
  apollo: ApolloServer<{ viewer: Viewer; requestId: string }>;
  resolveViewer: (authorization: string | undefined) => Promise<Viewer>;
  logger: Logger;
}): Route {
  return {
    method: 'GET',
    path: COMMITTEE_PACK_PATH,
    async handle(req: IncomingMessage, res: ServerResponse) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let viewer: Viewer;
      try {
        viewer = await options.resolveViewer(req.headers.authorization);
      } catch (e) {
        return refuse(res, 401, 'UNAUTHENTICATED', e instanceof GraphQLError ? e.message : 'invalid token');
      }
      if (viewer.role === 'anonymous')
        return refuse(res, 401, 'UNAUTHENTICATED', 'the committee pack needs a coordinator token');
      if (viewer.role !== 'coordinator') return refuse(res, 403, 'FORBIDDEN', 'the committee pack is for coordinators');
      const month = FILE.exec(url.pathname)?.[1];
      if (!month || !isMeetingMonth(month))
        return refuse(
          res,
          400,
          'BAD_USER_INPUT',
          'ask for /exports/committee/<yyyy-mm>.csv, e.g. /exports/committee/2026-05.csv',
        );
      const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID();
      const result = await options.apollo.executeOperation<PackData>(
        { query: OPERATION, variables: { month }, operationName: 'CommitteePack' },
        { contextValue: { viewer, requestId } },
      );
      const single = result.body.kind === 'single' ? result.body.singleResult : null;
      if (!single?.data || single.errors?.length) {
        const codes = [
          ...new Set((single?.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'))),
        ];
        options.logger.warn({ requestId, codes }, 'committee pack could not be built');
        return refuse(
          res,
          502,
          codes[0] ?? 'INTERNAL_SERVER_ERROR',
          `the committee pack for ${month} could not be built (${codes.join(', ')})`,
        );
      }
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="committee-${month}.csv"`,
        'cache-control': 'no-store',
      });
      res.end(renderPack(single.data));
    },
  };
}
