/**
 * The consultants' desk (相談窓口デスク) at /desk, for agency staff and coordinators: sign in with a
 * token (as on /analytics), find a firm by 法人番号, name or phone, read its consultations across
 * agencies as the role allows, see the programmes proposed for it with their reasons, refer the
 * consultation to the offering agency in one click, mark a proposal, write a note. Keyboard
 * first: the search field has focus, every action is a button or a form, results and messages
 * are announced.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  DeskCompanyDocument,
  DeskFindDocument,
  DeskMarkDocument,
  DeskNoteDocument,
  DeskReferDocument,
} from './operations';
import type { DeskCompanyQuery, DeskFindQuery } from '../gql/graphql';
import { execute, RequestError } from '../shared/graphql';
import { ROLE_LABELS } from '../shared/session';
import { SignIn } from '../shared/SignIn';
import { clearToken, loadToken, saveToken, tokenClaims } from '../shared/token';
import { PROGRAM_KIND_LABELS, SUPPORT_FIELD_LABELS, japaneseDate } from '../shared/labels';

type Company = NonNullable<DeskCompanyQuery['company']>;
type Proposal = NonNullable<Company['proposals']>[number];
type Consultation = Company['consultations']['edges'][number]['node'];

const REASON_LABELS: Record<string, string> = {
  NEED: '相談内容',
  AREA: '対象地域',
  SIZE: '企業規模',
  INDUSTRY: '対象業種',
  PERIOD: '受付期間',
  PROVIDER: '窓口',
  HISTORY: '対応履歴',
};
const MARK_LABELS: Record<string, string> = { OFFERED: '提案済み', DECLINED: '見送り', APPLIED: '申請済み' };
const OUTCOME_LABELS: Record<string, string> = {
  ADVISED: '助言',
  REFERRED: '他機関紹介',
  APPLIED: '制度申請',
  CONTINUING: '継続支援',
  CLOSED: '完了',
};

function message(e: unknown): string {
  if (e instanceof RequestError) {
    if (e.code === 'UNAUTHENTICATED') return 'トークンが無効か期限切れです。サインインし直してください。';
    if (e.code === 'FORBIDDEN') return `この操作は許可されていません（${e.message}）`;
    return e.message;
  }
  return String(e);
}

function Finder({ token, onPick }: { token: string; onPick: (id: string) => void }) {
  const [text, setText] = useState('');
  const [found, setFound] = useState<DeskFindQuery['deskCompanies'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setFound((await execute(DeskFindDocument, { text }, { token })).deskCompanies);
    } catch (err) {
      setFound(null);
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="find-heading" className="card">
      <h2 id="find-heading">企業を探す</h2>
      <form onSubmit={submit} role="search">
        <label htmlFor="find">法人番号・企業名・電話番号</label>
        <input
          id="find"
          ref={input}
          value={text}
          onChange={(e) => setText(e.target.value)}
          required
          autoComplete="off"
        />
        <button type="submit" disabled={busy}>
          検索
        </button>
      </form>
      <div role="status" aria-live="polite">
        {error && <p className="error">{error}</p>}
        {found && <p>{found.length}社見つかりました。</p>}
      </div>
      {found && found.length > 0 && (
        <ul className="found" aria-label="見つかった企業">
          {found.map((f) => (
            <li key={f.company.id}>
              <button type="button" className="secondary" onClick={() => onPick(f.company.id)}>
                {f.name ?? f.company.id}
                {f.corporateNumber ? `（法人番号 ${f.corporateNumber}）` : ''}
                {f.municipality ? `・${f.municipality.name}` : ''}・相談{f.consultations}件
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ProposalItem({
  p,
  company,
  token,
  role,
  referable,
  onChanged,
  announce,
}: {
  p: Proposal;
  company: Company;
  token: string;
  role: string | undefined;
  referable: Consultation | null;
  onChanged: () => void;
  announce: (text: string) => void;
}) {
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      announce(done);
      onChanged();
    } catch (e) {
      announce(message(e));
    }
  };
  const mark = (m: 'OFFERED' | 'DECLINED' | 'APPLIED', why?: string) =>
    act(
      () =>
        execute(
          DeskMarkDocument,
          { company: company.id, program: p.program.id, mark: m, reason: why ?? null },
          { token },
        ),
      `「${p.program.title}」を${MARK_LABELS[m]}にしました。`,
    );
  const headingId = `proposal-${p.program.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li aria-labelledby={headingId}>
      <h4 id={headingId}>
        <a href={`/program?id=${encodeURIComponent(p.program.id)}`}>{p.program.title}</a>
        <span className="kind">{PROGRAM_KIND_LABELS[p.program.kind] ?? p.program.kind}</span>
        {p.mark && <span className="mark">{MARK_LABELS[p.mark.mark]}</span>}
      </h4>
      <p>
        {p.provider.name ?? p.provider.id}
        {p.distanceKm !== null && p.distanceKm !== undefined ? `（窓口まで約${p.distanceKm}km）` : ''}
      </p>
      <ul className="reasons" aria-label="提案の理由">
        {p.reasons.map((r, i) => (
          <li key={i}>
            <span className="reason-kind">{REASON_LABELS[r.kind] ?? r.kind}</span> {r.text}
          </li>
        ))}
      </ul>
      <div className="actions">
        {role === 'staff' && referable && (
          <button
            type="button"
            data-action="refer"
            onClick={() =>
              act(
                () =>
                  execute(
                    DeskReferDocument,
                    { id: referable.id, to: p.provider.id, note: `提案: ${p.program.title}` },
                    { token },
                  ),
                `${p.provider.name ?? p.provider.id}へ紹介しました。`,
              )
            }
          >
            {p.provider.name ?? p.provider.id}へ紹介
          </button>
        )}
        <button type="button" className="secondary" data-action="offered" onClick={() => mark('OFFERED')}>
          提案済みにする
        </button>
        <button type="button" className="secondary" data-action="applied" onClick={() => mark('APPLIED')}>
          申請済みにする
        </button>
        <button type="button" className="secondary" aria-expanded={declining} onClick={() => setDeclining(!declining)}>
          見送り…
        </button>
      </div>
      {declining && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void mark('DECLINED', reason);
          }}
        >
          <label htmlFor={`${headingId}-reason`}>見送りの理由</label>
          <input
            id={`${headingId}-reason`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            autoFocus
          />
          <button type="submit">見送りを記録</button>
        </form>
      )}
    </li>
  );
}

function NoteForm({
  consultation,
  token,
  onAdded,
}: {
  consultation: Consultation;
  token: string;
  onAdded: (text: string) => void;
}) {
  const [body, setBody] = useState('');
  const id = `note-${consultation.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <form
      className="note"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await execute(DeskNoteDocument, { id: consultation.id, body }, { token });
          setBody('');
          onAdded('メモを保存しました。');
        } catch (err) {
          onAdded(message(err));
        }
      }}
    >
      <label htmlFor={id}>メモ</label>
      <textarea id={id} value={body} onChange={(e) => setBody(e.target.value)} required maxLength={2000} />
      <button type="submit" className="secondary" data-action="note">
        メモを追加
      </button>
    </form>
  );
}

function CompanyFile({ id, token, role, agency }: { id: string; token: string; role?: string; agency?: string }) {
  const [company, setCompany] = useState<Company | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let live = true;
    execute(DeskCompanyDocument, { id }, { token }).then(
      (d) => {
        if (!live) return;
        setCompany(d.company ?? null);
        setError(d.company ? null : 'この企業は表示できません。');
      },
      (e) => live && setError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [id, token, version]);
  useEffect(() => {
    if (company && version === 0) heading.current?.focus();
  }, [company, version]);
  const reload = () => setVersion((v) => v + 1);
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!company) return <p role="status">読み込んでいます…</p>;
  const history = company.consultations.edges.map((e) => e.node);
  // A staff member refers the latest consultation of their own agency.
  const referable = history.find((c) => c.organization.id === agency) ?? null;
  return (
    <section aria-labelledby="company-heading" className="card">
      <h2 id="company-heading" ref={heading} tabIndex={-1}>
        {company.name ?? company.id}
      </h2>
      <dl className="profile">
        <dt>法人番号</dt>
        <dd>{company.corporateNumber ?? 'なし'}</dd>
        <dt>所在地</dt>
        <dd>{company.municipality?.name ?? '不明'}</dd>
        <dt>業種</dt>
        <dd>{company.industry?.name ?? '不明'}</dd>
        <dt>従業員数</dt>
        <dd>{company.employees ?? '不明'}</dd>
      </dl>
      <p role="status" aria-live="polite" className="status">
        {status}
      </p>
      <section aria-labelledby="proposals-heading">
        <h3 id="proposals-heading">提案できる施策</h3>
        {company.proposals?.length ? (
          <ol className="proposals">
            {company.proposals.map((p) => (
              <ProposalItem
                key={p.program.id}
                p={p}
                company={company}
                token={token}
                role={role}
                referable={referable}
                onChanged={reload}
                announce={setStatus}
              />
            ))}
          </ol>
        ) : (
          <p>相談内容から提案できる施策は見つかりませんでした。</p>
        )}
      </section>
      <section aria-labelledby="history-heading">
        <h3 id="history-heading">相談履歴（{company.consultations.totalCount}件）</h3>
        <ol className="history">
          {history.map((c) => (
            <li key={c.id}>
              <p>
                <strong>{japaneseDate(c.receivedAt)}</strong> {c.organization.name ?? c.organization.id}・
                {c.topics.map((t) => SUPPORT_FIELD_LABELS[t] ?? t).join('、')}
                {c.outcome ? `・${OUTCOME_LABELS[c.outcome] ?? c.outcome}` : ''}
              </p>
              {c.summary && <p>{c.summary}</p>}
              {c.referrals.length > 0 && <p>紹介：{c.referrals.map((r) => r.to.name ?? r.to.id).join('、')}</p>}
              {c.notes.length > 0 && (
                <ul className="notes" aria-label="メモ">
                  {c.notes.map((n) => (
                    <li key={n.id}>
                      {n.body}（{n.writtenBy}）
                    </li>
                  ))}
                </ul>
              )}
              <NoteForm
                consultation={c}
                token={token}
                onAdded={(text) => {
                  setStatus(text);
                  reload();
                }}
              />
            </li>
          ))}
        </ol>
      </section>
    </section>
  );
}

export function Desk() {
  const [token, setToken] = useState<string | null>(loadToken);
  const [firm, setFirm] = useState<string | null>(null);
  const claims = token ? (tokenClaims(token) as { role?: string; agency?: string; sub?: string } | null) : null;
  return (
    <main>
      <header className="page-header">
        <h1>相談窓口デスク</h1>
        {token && (
          <p>
            {ROLE_LABELS[claims?.role ?? ''] ?? claims?.role ?? ''}
            {claims?.agency ? `（${claims.agency}）` : ''}{' '}
            <button
              type="button"
              className="secondary"
              onClick={() => {
                clearToken();
                setToken(null);
                setFirm(null);
              }}
            >
              サインアウト
            </button>
          </p>
        )}
      </header>
      {!token ? (
        <SignIn
          autoFocus
          onSignIn={(t) => {
            saveToken(t);
            setToken(t);
          }}
        >
          支援機関職員（staff）またはコーディネーターのトークンを貼り付けてください。トークンはこのブラウザのセッションの間だけ保持されます。
        </SignIn>
      ) : (
        <>
          <Finder token={token} onPick={setFirm} />
          {firm && <CompanyFile key={firm} id={firm} token={token} role={claims?.role} agency={claims?.agency} />}
        </>
      )}
    </main>
  );
}
