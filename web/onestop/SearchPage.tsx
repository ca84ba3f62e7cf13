/**
 * The search view: a firm's own sentence, facet chips (support field, kind, status), its
 * municipality, size and industry; results with provider, status, closing date, amount and the
 * nearest counter. Every choice is written to the URL; the results follow the URL.
 */
import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { FirmSearchDocument } from './operations';
import type { FirmSearchQuery } from '../gql/graphql';
import { execute } from '../shared/graphql';
import { useOperation } from '../shared/useOperation';
import {
  amountLabel,
  INDUSTRY_LABELS,
  japaneseDate,
  PROGRAM_KIND_LABELS,
  STATUS_LABELS,
  SUPPORT_FIELD_LABELS,
} from '../shared/labels';
import { MunicipalityPicker } from './MunicipalityPicker';
import { Link } from './Link';
import { programUrl, searchUrl, searchVariables, writeSearch, type SearchState, type SortOrder } from './url';

type Edge = FirmSearchQuery['search']['edges'][number];

/** 【word】 in a highlight marks a matched word. */
function Highlight({ text }: { text: string }) {
  const parts = text.split(/【|】/);
  return (
    <>{parts.map((part, i) => (i % 2 === 1 ? <mark key={i}>{part}</mark> : <Fragment key={i}>{part}</Fragment>))}</>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

function Result({ edge, state, navigate }: { edge: Edge; state: SearchState; navigate: (url: string) => void }) {
  const p = edge.node;
  const closes = japaneseDate(p.applicationPeriod.closesOn);
  const office = p.provider;
  return (
    <li className="card result">
      <article aria-labelledby={`r-${p.id}`}>
        <h3 id={`r-${p.id}`}>
          <Link href={programUrl(p.id, state)} navigate={navigate}>
            {p.title}
          </Link>
        </h3>
        <div className="meta">
          <StatusBadge status={p.status} />
          <span>{PROGRAM_KIND_LABELS[p.kind] ?? p.kind}</span>
          {/* An aggregator's feed (J-Net21) names the offering body itself: the municipality, not the aggregator. */}
          <span>実施機関：{p.providerName ?? office?.name ?? '不明'}</span>
          {closes && <span>締切：{closes}</span>}
          {p.maxAmountText && <span>上限額：{amountLabel(p.maxAmountText)}</span>}
        </div>
        {office && (
          <div className="meta counter">
            <span>
              最寄りの窓口：{office.name}
              {office.municipality ? `（${office.municipality.name}）` : ''}
              {edge.distanceKm !== null ? ` 約${edge.distanceKm.toFixed(1)}km` : ''}
            </span>
            {office.phone && <span>電話 {office.phone}</span>}
          </div>
        )}
        {edge.highlight && (
          <p className="snippet">
            <Highlight text={edge.highlight} />
          </p>
        )}
        {p.url && /^https?:\/\//.test(p.url) && (
          <p className="source-link">
            <a href={p.url} target="_blank" rel="noopener noreferrer">
              {p.providerName ?? office?.name ?? '実施機関'}のページを開く
            </a>
          </p>
        )}
      </article>
    </li>
  );
}

function ChipGroup({
  legend,
  values,
  selected,
  labels,
  onToggle,
}: {
  legend: string;
  values: Array<{ value: string; count: number }>;
  selected: string[];
  labels: Record<string, string>;
  onToggle: (value: string) => void;
}) {
  // Chosen values stay visible even when the current answer has none of them.
  const shown = [
    ...values,
    ...selected.filter((s) => !values.some((v) => v.value === s)).map((value) => ({ value, count: 0 })),
  ];
  if (!shown.length) return null;
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="chips">
        {shown.map((v) => (
          <button
            key={v.value}
            type="button"
            className="chip"
            data-value={v.value}
            aria-pressed={selected.includes(v.value)}
            onClick={() => onToggle(v.value)}
          >
            {labels[v.value] ?? v.value}
            <span className="count">{v.count}件</span>
          </button>
        ))}
      </div>
    </fieldset>
  );
}

const toggle = (list: string[], value: string) =>
  list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

type Relaxation = FirmSearchQuery['search']['interpretation']['relaxations'][number];

/** What a relaxed search did, in the firm's words (interpretation.relaxations, in order). */
function relaxationText(r: Relaxation, places: Array<{ name: string }>): string {
  const words = r.words.map((w) => `「${w}」`).join('');
  const named = places.map((p) => p.name).join('・') || '指定の地域';
  const at = r.places.map((p) => p.name).join('・');
  switch (r.step) {
    case 'DROPPED_TERMS':
      return `すべての語に合う施策がないため、${words}を除いて検索しました（除いた語に合うものを上位に表示）。`;
    case 'WIDENED_TO_PREFECTURE':
      return `${named}に合う施策がないため、${at}全体に広げて検索しました（${named}で使えるものを上位に表示）。`;
    case 'WIDENED_TO_NATIONWIDE':
      return `${named}に合う施策がないため、全国に広げて検索しました。`;
    case 'DROPPED_KIND':
      return `${words}に合う施策がないため、種別を問わず${at || named}の施策を表示しています。`;
    default:
      return `${words}に合う施策が見つからないため、${at || named}の施策を表示しています。`;
  }
}

/** How the search read the firm's words (interpretation), with the filters chosen on the page. */
function Reading({
  state,
  search,
  navigate,
}: {
  state: SearchState;
  search: FirmSearchQuery['search'];
  navigate: (url: string) => void;
}) {
  const it = search.interpretation;
  const parts: string[] = [...it.places.map((p) => p.name)];
  if (state.muni) parts.push(`${state.muniName || state.muni}の事業者向け`);
  // The words searched for and the needs they were read as (資金繰りに困って → 資金繰り・返済).
  parts.push(...it.terms, ...it.needs);
  for (const f of state.fields) parts.push(SUPPORT_FIELD_LABELS[f] ?? f);
  for (const k of state.kinds) parts.push(PROGRAM_KIND_LABELS[k] ?? k);
  for (const s of state.statuses) parts.push(STATUS_LABELS[s] ?? s);
  if (state.employees) parts.push(`従業員${state.employees}人`);
  if (state.industry) parts.push(INDUSTRY_LABELS[state.industry] ?? state.industry);
  const fields = it.supportFields.map((f) => SUPPORT_FIELD_LABELS[f] ?? f);
  return (
    <div className="reading" role="status" aria-live="polite">
      <p>
        {parts.length ? `${[...new Set(parts)].join('・')} として検索しました：` : 'すべての施策：'}
        <strong>{search.totalCount}件</strong>
      </p>
      {fields.length > 0 && <p className="interpretation">支援分野：{fields.join('、')}</p>}
      {it.firm.length > 0 && <p className="interpretation">事業者：{it.firm.join('、')}（該当する施策を先に表示）</p>}
      {it.dropped.length > 0 && <p className="interpretation">検索に使わなかった語：{it.dropped.join('、')}</p>}
      {it.relaxations.map((r, i) => (
        <p key={i} className="notice relaxation" data-step={r.step}>
          {relaxationText(r, it.places)}
        </p>
      ))}
      {search.suggestions.length > 0 && (
        <p className="suggestions">
          もしかして：
          {search.suggestions.map((q) => (
            <span key={q}>
              {' '}
              <Link href={searchUrl({ ...state, q })} navigate={navigate}>
                {q}
              </Link>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

/**
 * Subscribe (購読): the same search as an Atom feed of new, changed and closing programmes, and as
 * a calendar of its opening and closing dates; the page's own URL parameters, no account needed.
 */
function Subscribe({ state }: { state: SearchState }) {
  const query = writeSearch(state).toString();
  const suffix = query ? `?${query}` : '';
  return (
    <p className="subscribe">
      この検索を購読：
      <a href={`/feeds/programs.atom${suffix}`} type="application/atom+xml">
        新着・変更・締切のフィード（Atom）
      </a>
      {' ／ '}
      <a href={`/feeds/programs.ics${suffix}`} type="text/calendar">
        受付開始日・締切日のカレンダー（iCalendar）
      </a>
    </p>
  );
}

export function SearchPage({ state, navigate }: { state: SearchState; navigate: (url: string) => void }) {
  const [text, setText] = useState(state.q);
  const [employees, setEmployees] = useState(state.employees);
  const [retry, setRetry] = useState(0);
  useEffect(() => setText(state.q), [state.q]);
  useEffect(() => setEmployees(state.employees), [state.employees]);
  const variables = searchVariables(state);
  const { data, error, loading } = useOperation(FirmSearchDocument, variables, { retry });
  // Further pages of the same search, fetched with the last cursor.
  const [more, setMore] = useState<{
    key: string;
    edges: Edge[];
    endCursor: string | null;
    hasNextPage: boolean;
    loading: boolean;
  } | null>(null);
  const key = JSON.stringify(variables);
  const extra = more?.key === key ? more : null;
  const heading = useRef<HTMLHeadingElement>(null);

  const go = (next: Partial<SearchState>) => navigate(searchUrl({ ...state, ...next }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go({ q: text.trim(), employees: /^\d{1,7}$/.test(employees) ? employees : '' });
  };
  const loadMore = async (after: string) => {
    setMore({ key, edges: extra?.edges ?? [], endCursor: after, hasNextPage: true, loading: true });
    try {
      const next = await execute(FirmSearchDocument, { ...variables, after });
      setMore({
        key,
        edges: [...(extra?.edges ?? []), ...next.search.edges],
        endCursor: next.search.pageInfo.endCursor,
        hasNextPage: next.search.pageInfo.hasNextPage,
        loading: false,
      });
    } catch {
      setMore({ key, edges: extra?.edges ?? [], endCursor: after, hasNextPage: true, loading: false });
    }
  };

  const search = data?.search;
  const edges = [...(search?.edges ?? []), ...(extra?.edges ?? [])];
  const pageInfo = extra ? { hasNextPage: extra.hasNextPage, endCursor: extra.endCursor } : search?.pageInfo;

  return (
    <>
      <h1 ref={heading}>支援施策を探す</h1>
      <form className="card" role="search" onSubmit={submit}>
        <label htmlFor="q">お困りごと・やりたいこと</label>
        <div className="search-row">
          <input
            id="q"
            type="search"
            name="q"
            value={text}
            maxLength={200}
            placeholder="例：神戸市で創業資金を借りたい"
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit">検索</button>
        </div>
        <div className="filters">
          <MunicipalityPicker
            code={state.muni}
            name={state.muniName}
            onPick={(p) => go({ muni: p?.code ?? '', muniName: p?.name ?? '' })}
          />
          <div className="field">
            <label htmlFor="employees">従業員数</label>
            <input
              id="employees"
              type="number"
              min={0}
              max={9999999}
              inputMode="numeric"
              value={employees}
              placeholder="例：12"
              onChange={(e) => setEmployees(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="industry">業種</label>
            <select id="industry" value={state.industry} onChange={(e) => go({ industry: e.target.value })}>
              <option value="">指定しない</option>
              {Object.entries(INDUSTRY_LABELS).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sort">並び順</label>
            <select id="sort" value={state.sort} onChange={(e) => go({ sort: e.target.value as SortOrder })}>
              <option value="RELEVANCE">関連度順</option>
              <option value="CLOSING_DATE">締切が近い順</option>
              <option value="DISTANCE" disabled={!state.muni}>
                近い窓口順（所在地を指定）
              </option>
            </select>
          </div>
        </div>
        <ChipGroup
          legend="支援分野"
          values={search?.facets.supportFields ?? []}
          selected={state.fields}
          labels={SUPPORT_FIELD_LABELS}
          onToggle={(v) => go({ fields: toggle(state.fields, v) })}
        />
        <ChipGroup
          legend="種別"
          values={search?.facets.kinds ?? []}
          selected={state.kinds}
          labels={PROGRAM_KIND_LABELS}
          onToggle={(v) => go({ kinds: toggle(state.kinds, v) })}
        />
        <ChipGroup
          legend="受付状況"
          values={search?.facets.statuses ?? []}
          selected={state.statuses}
          labels={STATUS_LABELS}
          onToggle={(v) => go({ statuses: toggle(state.statuses, v) })}
        />
      </form>

      <section aria-labelledby="results-heading" aria-busy={loading}>
        <h2 id="results-heading">検索結果</h2>
        {loading && (
          <p className="loading">
            <span className="spinner" aria-hidden="true" />
            検索しています…
          </p>
        )}
        {error && (
          <div className="error" role="alert">
            <p>検索できませんでした（{error.message}）。</p>
            <button type="button" onClick={() => setRetry((n) => n + 1)}>
              もう一度試す
            </button>
          </div>
        )}
        {search && !loading && <Reading state={state} search={search} navigate={navigate} />}
        {search && !loading && <Subscribe state={state} />}
        {search && !loading && search.totalCount === 0 && (
          <div className="notice">
            <p>条件に合う施策が見つかりませんでした。</p>
            <p>言葉を短くする、支援分野や受付状況の指定を外す、所在地を外す、などをお試しください。</p>
            <button type="button" className="secondary" onClick={() => navigate('/')}>
              条件をすべて外す
            </button>
          </div>
        )}
        {edges.length > 0 && !loading && (
          <ol className="results" aria-label="施策の一覧">
            {edges.map((edge) => (
              <Result key={edge.node.id} edge={edge} state={state} navigate={navigate} />
            ))}
          </ol>
        )}
        {pageInfo?.hasNextPage && pageInfo.endCursor && !loading && (
          <p>
            <button
              type="button"
              className="secondary"
              disabled={extra?.loading}
              onClick={() => loadMore(pageInfo.endCursor!)}
            >
              {extra?.loading ? '読み込み中…' : 'さらに表示'}
            </button>
          </p>
        )}
      </section>
    </>
  );
}
