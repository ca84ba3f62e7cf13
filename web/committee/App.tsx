/**
 * The committee page (/committee) for the people who run the growth-firm programme: coordinators
 * (総括コーディネーター) prepare and hold the monthly meeting (agenda, firms' files, decisions,
 * pack, print) and follow the supported firms up; agencies' staff see and make their own
 * nominations. Analysts and anonymous callers are told plainly that the page is not theirs; the
 * graph refuses them whatever the page shows. The month and the view live in the URL.
 */
import { useEffect, useState } from 'react';
import { SignIn } from '../shared/SignIn';
import { StaffHeader } from '../shared/StaffHeader';
import { ROLE_LABELS, tokenClaims, tokenSession } from '../shared/session';
import { Agenda } from './Agenda';
import { FollowUp } from './FollowUp';
import { Nominations } from './Nominations';
import { thisMonthInJapan } from './labels';

const session = tokenSession('madoguchi.committee.token');

type View = 'agenda' | 'followup' | 'nominations';
const VIEWS: Record<View, string> = {
  agenda: '委員会の議題と判定',
  followup: '支援企業のフォローアップ',
  nominations: '推薦',
};
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function readUrl(): { month: string; view: View | null } {
  const params = new URLSearchParams(window.location.search);
  const month = params.get('month') ?? '';
  const view = params.get('view');
  return {
    month: MONTH.test(month) ? month : thisMonthInJapan(),
    view: view && view in VIEWS ? (view as View) : null,
  };
}

export function App() {
  const [token, setToken] = useState<string | null>(session.load);
  const [{ month, view: asked }, setState] = useState(readUrl);
  const [monthInput, setMonthInput] = useState(month);
  const role = token ? tokenClaims(token)?.role : undefined;
  const views: View[] =
    role === 'coordinator' ? ['agenda', 'followup', 'nominations'] : role === 'staff' ? ['nominations'] : [];
  const view = asked && views.includes(asked) ? asked : views[0];
  useEffect(() => {
    const onPop = () => setState(readUrl());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const go = (next: { month?: string; view?: View }) => {
    const state = { month: next.month ?? month, view: next.view ?? view ?? null };
    const params = new URLSearchParams({ month: state.month, ...(state.view ? { view: state.view } : {}) });
    window.history.pushState(null, '', `/committee?${params}`);
    setState(state);
  };
  const signOut = () => {
    session.clear();
    setToken(null);
  };
  return (
    <>
      <StaffHeader title="成長企業発掘・育成委員会" role={role} signedIn={Boolean(token)} onSignOut={signOut} />
      <main id="content" tabIndex={-1}>
        <h1>成長企業発掘・育成委員会</h1>
        {!token ? (
          <SignIn
            onSignIn={(t) => {
              session.save(t);
              setToken(t);
            }}
          >
            総括コーディネーターまたは支援機関職員のトークンを貼り付けてください。トークンはこのブラウザのセッションの間だけ保持され、サインアウトで消去されます。
          </SignIn>
        ) : views.length === 0 ? (
          <div className="error" role="alert" data-code="FORBIDDEN">
            <p>
              この画面は総括コーディネーターと支援機関職員のためのものです（あなたのトークン：
              {ROLE_LABELS[role ?? ''] ?? role ?? '役割不明'}）。相談件数の集計は
              <a href="/analytics">相談統計ダッシュボード</a>をご覧ください。
            </p>
            <button type="button" onClick={signOut}>
              サインアウト
            </button>
          </div>
        ) : (
          <>
            <nav className="tabs no-print" aria-label="画面">
              {views.map((v) => (
                <a
                  key={v}
                  href={`/committee?month=${month}&view=${v}`}
                  aria-current={v === view ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    go({ view: v });
                  }}
                >
                  {VIEWS[v]}
                </a>
              ))}
            </nav>
            {view !== 'followup' && (
              <form
                className="card period no-print"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (MONTH.test(monthInput)) go({ month: monthInput });
                }}
              >
                <div className="field">
                  <label htmlFor="month">委員会の月</label>
                  <input
                    id="month"
                    type="month"
                    value={monthInput}
                    onChange={(e) => setMonthInput(e.target.value)}
                    required
                  />
                </div>
                <button type="submit">表示する</button>
              </form>
            )}
            {view === 'agenda' && <Agenda key={month} month={month} token={token} />}
            {view === 'followup' && <FollowUp token={token} />}
            {view === 'nominations' && <Nominations key={month} month={month} token={token} />}
          </>
        )}
      </main>
    </>
  );
}
