/**
 * A meeting as coordinators prepare and hold it: the agenda (nominated firms with who nominated
 * them and why, then the highest-scored firms no one nominated), each firm's file on demand, the
 * decision form (a reason is required), the decisions taken so far with who took them and when,
 * the month's pack as CSV, and a print of the agenda on A4.
 */
import { useState, type FormEvent } from 'react';
import type { CommitteeAgendaQuery, CommitteeDecisionKind } from '../gql/graphql';
import { execute, RequestError } from '../shared/graphql';
import { useOperation } from '../shared/useOperation';
import { download } from '../shared/download';
import { COMMITTEE_OUTCOME_LABELS } from '../shared/labels';
import { CommitteeAgendaDocument, CommitteeFirmDocument, RecordDecisionDocument } from './operations';
import { FirmFile } from './FirmFile';
import { AGENDA_REASON_LABELS, dateTimeLabel, monthLabel } from './labels';
import { ErrorNote } from './ErrorNote';

type Meeting = CommitteeAgendaQuery['committeeMeeting'];
type Item = Meeting['agenda'][number];
type Decision = Meeting['decisions'][number];

const DECISIONS: CommitteeDecisionKind[] = ['SELECTED', 'DEFERRED', 'DECLINED'];

function DecisionForm({
  item,
  month,
  token,
  agencies,
  onDecided,
}: {
  item: Item;
  month: string;
  token: string;
  agencies: Array<{ id: string; name: string }>;
  onDecided: () => void;
}) {
  const id = item.company.id;
  const nominators = item.company.growth?.nominations.flatMap((n) => (n.agency ? [n.agency] : [])) ?? [];
  const [decision, setDecision] = useState<CommitteeDecisionKind | ''>('');
  const [reason, setReason] = useState('');
  const [lead, setLead] = useState(nominators[0]?.id ?? '');
  const [error, setError] = useState<RequestError | null>(null);
  const [sending, setSending] = useState(false);
  const leads = [...new Map([...nominators, ...agencies].map((a) => [a.id, a])).values()];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!decision) return;
    setSending(true);
    setError(null);
    try {
      await execute(
        RecordDecisionDocument,
        {
          input: {
            companyId: id,
            meeting: month,
            decision,
            reason,
            plan: decision === 'SELECTED' && lead ? { leadAgency: lead } : undefined,
          },
        },
        { token },
      );
      onDecided();
    } catch (err) {
      setError(err instanceof RequestError ? err : new RequestError(String(err), 'UNKNOWN', 0));
    } finally {
      setSending(false);
    }
  };
  return (
    <form className="decision-form no-print" onSubmit={submit} aria-label={`${item.company.name ?? id}の判定`}>
      <fieldset>
        <legend>判定</legend>
        <div className="chips">
          {DECISIONS.map((d) => (
            <label key={d} className="choice">
              <input
                type="radio"
                name={`decision-${id}`}
                value={d}
                checked={decision === d}
                onChange={() => setDecision(d)}
                required
              />
              {COMMITTEE_OUTCOME_LABELS[d]}
            </label>
          ))}
        </div>
      </fieldset>
      {decision === 'SELECTED' && (
        <div className="field">
          <label htmlFor={`lead-${id}`}>主担当機関</label>
          <select id={`lead-${id}`} value={lead} onChange={(e) => setLead(e.target.value)} required>
            <option value="">選んでください</option>
            {leads.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor={`reason-${id}`}>判定理由（必須）</label>
        <textarea
          id={`reason-${id}`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
          required
        />
      </div>
      {error && <ErrorNote error={error} />}
      <button type="submit" disabled={sending}>
        判定を記録する
      </button>
    </form>
  );
}

function FirmDetail({
  item,
  month,
  token,
  decided,
  onDecided,
}: {
  item: Item;
  month: string;
  token: string;
  decided: Decision | undefined;
  onDecided: () => void;
}) {
  const { data, error, loading } = useOperation(CommitteeFirmDocument, { id: item.company.id }, { token });
  if (loading)
    return (
      <p className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        企業の記録を読み込んでいます…
      </p>
    );
  if (error) return <ErrorNote error={error} />;
  const firm = data?.company;
  if (!firm) return <p>この企業の記録は閲覧できません。</p>;
  const agencies = [
    ...new Map(firm.consultations.edges.map((e) => [e.node.organization.id, e.node.organization])).values(),
  ];
  return (
    <div className="detail">
      <FirmFile firm={firm} />
      {!decided && <DecisionForm item={item} month={month} token={token} agencies={agencies} onDecided={onDecided} />}
    </div>
  );
}

function AgendaItem({
  item,
  month,
  token,
  decided,
  onDecided,
}: {
  item: Item;
  month: string;
  token: string;
  decided: Decision | undefined;
  onDecided: () => void;
}) {
  const [open, setOpen] = useState(false);
  const name = item.company.name ?? item.company.id;
  const panel = `detail-${item.company.id}`;
  return (
    <li className="card agenda-item" data-company={item.company.id}>
      <div className="item-head">
        <h3>{name}</h3>
        <span className="chips">
          {item.reasons.map((r) => (
            <span key={r} className={`reason reason-${r}`}>
              {AGENDA_REASON_LABELS[r] ?? r}
            </span>
          ))}
        </span>
        <span className="score">スコア {item.score}点</span>
      </div>
      <p className="muted">
        {item.company.municipality?.name ?? '所在地不明'}・{item.company.industry?.name ?? '業種不明'}
      </p>
      {item.company.growth?.nominations.map((n) => (
        <p key={n.id} className="nomination">
          <strong>{n.agency?.name ?? 'コーディネーター'}の推薦</strong>：{n.rationale}
        </p>
      ))}
      {decided && (
        <p className="decided" data-decision={decided.decision}>
          判定：<strong>{COMMITTEE_OUTCOME_LABELS[decided.decision]}</strong> {decided.reason}（{decided.decidedBy}、
          {dateTimeLabel(decided.decidedAt)}）
        </p>
      )}
      <button
        type="button"
        className="secondary no-print"
        aria-expanded={open}
        aria-controls={panel}
        onClick={() => setOpen(!open)}
      >
        {open ? '閉じる' : decided ? '記録を見る' : '記録を見て判定する'}
        <span className="visually-hidden">（{name}）</span>
      </button>
      <div id={panel} hidden={!open}>
        {open && <FirmDetail item={item} month={month} token={token} decided={decided} onDecided={onDecided} />}
      </div>
    </li>
  );
}

async function downloadPack(month: string, token: string, onError: (e: RequestError) => void): Promise<void> {
  const res = await fetch(`/exports/committee/${month}.csv`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    onError(
      new RequestError(`委員会資料を取得できませんでした（HTTP ${res.status}）`, `HTTP_${res.status}`, res.status),
    );
    return;
  }
  download(`committee-${month}.csv`, await res.blob());
}

export function Agenda({ month, token }: { month: string; token: string }) {
  const [retry, setRetry] = useState(0);
  const [packError, setPackError] = useState<RequestError | null>(null);
  const { data, error, loading } = useOperation(CommitteeAgendaDocument, { month }, { token, retry });
  const meeting = data?.committeeMeeting;
  const decidedBy = new Map(meeting?.decisions.map((d) => [d.company.id, d]) ?? []);
  return (
    <section aria-labelledby="agenda-heading">
      <div className="panel-head">
        <h2 id="agenda-heading">{monthLabel(month)}の委員会 議題</h2>
        <span className="no-print actions">
          <button type="button" className="secondary" onClick={() => downloadPack(month, token, setPackError)}>
            委員会資料（CSV）をダウンロード
          </button>
          <button type="button" className="secondary" onClick={() => window.print()}>
            議題を印刷（A4）
          </button>
        </span>
      </div>
      {packError && <ErrorNote error={packError} />}
      {meeting?.heldOn && <p>開催日：{dateTimeLabel(meeting.heldOn)}</p>}
      {loading && !meeting && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          議題を読み込んでいます…
        </p>
      )}
      {error && <ErrorNote error={error} onRetry={() => setRetry((n) => n + 1)} />}
      {meeting && (
        <>
          <p>
            推薦 {meeting.agenda.filter((i) => i.reasons.includes('NOMINATED')).length}社、スコア上位{' '}
            {meeting.agenda.filter((i) => i.reasons.includes('TOP_SCORE')).length}社、判定済み{' '}
            {meeting.decisions.length}社。
          </p>
          {meeting.agenda.length === 0 ? (
            <p>この月の議題はありません。</p>
          ) : (
            <ol className="agenda">
              {meeting.agenda.map((item) => (
                <AgendaItem
                  key={item.company.id}
                  item={item}
                  month={month}
                  token={token}
                  decided={decidedBy.get(item.company.id)}
                  onDecided={() => setRetry((n) => n + 1)}
                />
              ))}
            </ol>
          )}
          <h2 id="decisions-heading">判定の記録</h2>
          {meeting.decisions.length === 0 ? (
            <p>この月の判定はまだありません。</p>
          ) : (
            <div className="table-wrap">
              <table className="decisions-table" aria-labelledby="decisions-heading">
                <thead>
                  <tr>
                    <th scope="col">企業</th>
                    <th scope="col">判定</th>
                    <th scope="col">理由</th>
                    <th scope="col">判定者</th>
                    <th scope="col">日時</th>
                  </tr>
                </thead>
                <tbody>
                  {meeting.decisions.map((d) => (
                    <tr key={d.id} data-company={d.company.id}>
                      <td>{d.company.name ?? d.company.id}</td>
                      <td>{COMMITTEE_OUTCOME_LABELS[d.decision]}</td>
                      <td>{d.reason}</td>
                      <td>{d.decidedBy}</td>
                      <td>{dateTimeLabel(d.decidedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
