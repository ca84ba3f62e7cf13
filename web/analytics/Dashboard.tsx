/**
 * The analyst dashboard: sign in by pasting a token, pick a period, and read consultations by
 * month, by agency, by topic × month and by channel — each as a chart, a table and a CSV file,
 * with names rather than codes and suppressed cells shown as suppressed.
 */
import { useState, type ReactNode } from 'react';
import { DashboardStatsDocument } from './operations';
import type { StatsTableFragment } from '../gql/graphql';
import { useOperation } from '../shared/useOperation';
import { BarChart, Heatmap, SuppressedLegend, type Datum } from './charts';
import { DIMENSION_LABELS, statsCsvRows, toCsv } from './csv';
import { download } from '../shared/download';
import { SignIn } from '../shared/SignIn';
import { StaffHeader } from '../shared/StaffHeader';
import { ROLE_LABELS } from '../shared/session';
import { clearToken, loadToken, saveToken, tokenClaims } from '../shared/token';

function Panel({
  id,
  title,
  table,
  children,
}: {
  id: string;
  title: string;
  table: StatsTableFragment;
  children: ReactNode;
}) {
  const rows = statsCsvRows(table);
  return (
    <section className="card panel" aria-labelledby={`${id}-heading`} data-panel={id}>
      <div className="panel-head">
        <h2 id={`${id}-heading`}>{title}</h2>
        <button type="button" className="secondary" onClick={() => download(`${id}.csv`, toCsv(rows))}>
          CSVをダウンロード<span className="visually-hidden">（{title}）</span>
        </button>
      </div>
      <p>
        合計 {table.total === null ? '秘匿' : `${table.total.toLocaleString('ja-JP')}件`}
        {table.suppressedCells > 0 && `（秘匿したセル ${table.suppressedCells}）`}
      </p>
      {children}
      <details>
        <summary>表で見る（{title}）</summary>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {table.groupBy.map((d) => (
                  <th key={d} scope="col">
                    {DIMENSION_LABELS[d] ?? d}
                  </th>
                ))}
                <th scope="col" className="num">
                  件数
                </th>
              </tr>
            </thead>
            <tbody>
              {table.cells.map((c) => (
                <tr key={c.keys.map((k) => k.value).join('|')}>
                  {c.keys.map((k) => (
                    <td key={k.dimension}>{k.label ?? k.value}</td>
                  ))}
                  <td className={c.suppressed ? 'num suppressed' : 'num'}>{c.suppressed ? '秘匿' : c.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

const datum = (c: StatsTableFragment['cells'][number]): Datum => ({
  key: c.keys[0].value,
  label: c.keys[0].label ?? c.keys[0].value,
  count: c.count,
  suppressed: c.suppressed,
});

function byCountThenSuppressed(a: Datum, b: Datum): number {
  if (a.suppressed !== b.suppressed) return a.suppressed ? 1 : -1;
  return (b.count ?? 0) - (a.count ?? 0);
}

function distinct(table: StatsTableFragment, index: number): Array<{ key: string; label: string }> {
  const seen = new Map<string, string>();
  for (const c of table.cells) seen.set(c.keys[index].value, c.keys[index].label ?? c.keys[index].value);
  return [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([key, label]) => ({ key, label }));
}

function Refusal({ code, role, onSignOut }: { code: string; role: string | undefined; onSignOut: () => void }) {
  const message =
    code === 'UNAUTHENTICATED'
      ? 'トークンが無効か、期限が切れています。サインアウトして新しいトークンを貼り付けてください。'
      : code === 'FORBIDDEN'
        ? `このトークン（${ROLE_LABELS[role ?? ''] ?? role ?? '不明な役割'}）では統計を閲覧できません。分析担当またはコーディネーターのトークンが必要です。`
        : null;
  if (!message) return null;
  return (
    <div className="error" role="alert" data-code={code}>
      <p>{message}</p>
      <button type="button" onClick={onSignOut}>
        サインアウト
      </button>
    </div>
  );
}

/** The last day of a month given as YYYY-MM, as YYYY-MM-DD. */
function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}

export function Dashboard() {
  const [token, setToken] = useState<string | null>(loadToken);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [period, setPeriod] = useState<{ from: string | null; to: string | null }>({ from: null, to: null });
  const [retry, setRetry] = useState(0);
  const signIn = (t: string) => {
    saveToken(t);
    setToken(t);
  };
  const signOut = () => {
    clearToken();
    setToken(null);
  };
  const { data, error, loading } = useOperation(
    DashboardStatsDocument,
    token ? { filter: { from: period.from, to: period.to } } : null,
    { token, retry },
  );
  const claims = token ? tokenClaims(token) : null;

  return (
    <>
      <StaffHeader title="相談統計ダッシュボード" role={claims?.role} signedIn={Boolean(token)} onSignOut={signOut} />
      <main id="content" tabIndex={-1}>
        <h1>相談件数の集計</h1>
        <p>
          相談記録は個々の事業者を表すため、5件未満のセルは秘匿し、それ以外の件数には同じセルならいつも同じ小さな撹乱（±2以内）を加えています（セルキー法）。期間は月単位です。
        </p>
        {!token ? (
          <SignIn onSignIn={signIn}>
            分析担当（analyst）またはコーディネーターのトークンを貼り付けてください。トークンはこのブラウザのセッションの間だけ保持され、サインアウトで消去されます。
          </SignIn>
        ) : (
          <>
            <form
              className="card period"
              onSubmit={(e) => {
                e.preventDefault();
                // Analysts count whole months (the statistics refuse other periods): first and last days.
                setPeriod({ from: from ? `${from}-01` : null, to: to ? lastDayOfMonth(to) : null });
              }}
            >
              <div className="field">
                <label htmlFor="from">開始月</label>
                <input id="from" type="month" value={from} onChange={(e) => setFrom(e.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="to">終了月</label>
                <input id="to" type="month" value={to} onChange={(e) => setTo(e.target.value)} />
              </div>
              <button type="submit">集計する</button>
            </form>
            {loading && (
              <p className="loading" role="status">
                <span className="spinner" aria-hidden="true" />
                集計しています…
              </p>
            )}
            {error &&
              (Refusal({ code: error.code, role: claims?.role, onSignOut: signOut }) ?? (
                <div className="error" role="alert" data-code={error.code}>
                  <p>集計を取得できませんでした（{error.message}）。</p>
                  <button type="button" onClick={() => setRetry((n) => n + 1)}>
                    もう一度試す
                  </button>
                </div>
              ))}
            {data && !loading && (
              <>
                <SuppressedLegend />
                <Panel id="by-month" title="月別の相談件数" table={data.byMonth}>
                  <BarChart
                    title="月別の相談件数"
                    data={data.byMonth.cells.map(datum).sort((a, b) => a.key.localeCompare(b.key))}
                  />
                </Panel>
                <Panel id="by-agency" title="相談先機関別の相談件数" table={data.byAgency}>
                  <BarChart
                    title="相談先機関別の相談件数"
                    horizontal
                    data={data.byAgency.cells.map(datum).sort(byCountThenSuppressed)}
                  />
                </Panel>
                <Panel id="topic-by-month" title="相談分野 × 月の相談件数" table={data.topicByMonth}>
                  <Heatmap
                    title="相談分野 × 月の相談件数"
                    rows={distinct(data.topicByMonth, 0)}
                    columns={distinct(data.topicByMonth, 1)}
                    cells={data.topicByMonth.cells.map((c) => ({
                      row: c.keys[0].value,
                      column: c.keys[1].value,
                      count: c.count,
                      suppressed: c.suppressed,
                    }))}
                  />
                </Panel>
                <Panel id="by-channel" title="相談方法別の相談件数" table={data.byChannel}>
                  <BarChart
                    title="相談方法別の相談件数"
                    horizontal
                    data={data.byChannel.cells.map(datum).sort(byCountThenSuppressed)}
                  />
                </Panel>
              </>
            )}
          </>
        )}
      </main>
    </>
  );
}
