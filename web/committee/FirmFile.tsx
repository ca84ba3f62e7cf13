/**
 * One firm's file as the committee weighs it: its score as a chart of what each signal gave (a
 * bar per signal, its points and reason written beside it, so every bar reads on its own), its
 * consultations across agencies month by month (as far as the caller may see them), its support
 * plan and the committee's past decisions.
 */
import type { CommitteeFirmQuery, PlanFactsFragment } from '../gql/graphql';
import { CHANNEL_LABELS, COMMITTEE_OUTCOME_LABELS, SUPPORT_FIELD_LABELS } from '../shared/labels';
import { dateTimeLabel, GROWTH_STATUS_LABELS, monthLabel, PLAN_STATUS_LABELS, SIGNAL_LABELS } from './labels';

type Firm = NonNullable<CommitteeFirmQuery['company']>;
type Score = NonNullable<NonNullable<Firm['growth']>['score']>;

export function ScoreChart({ score, label }: { score: Score; label: string }) {
  const max = Math.max(1, ...score.contributions.map((c) => c.points));
  return (
    <figure className="score-chart">
      <figcaption>
        {label}の成長期待スコア <strong>{score.total}点</strong>（内訳の合計）
        {score.asOf && <span className="muted">　{dateTimeLabel(score.asOf)} 時点</span>}
      </figcaption>
      <ul>
        {score.contributions.map((c) => (
          <li key={c.signal} data-signal={c.signal}>
            <span className="signal">{SIGNAL_LABELS[c.signal] ?? c.signal}</span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${(100 * c.points) / max}%` }} />
            </span>
            <span className="points">{c.points}点</span>
            <span className="reason">{c.reason}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Consultations counted by agency and month: the firm's path through the network. */
export function ConsultationTimeline({ firm }: { firm: Firm }) {
  const nodes = firm.consultations.edges.map((e) => e.node);
  if (nodes.length === 0) return <p>閲覧できる相談記録はありません。</p>;
  const months = [...new Set(nodes.map((n) => n.receivedAt.slice(0, 7)))].sort();
  const agencies = new Map<string, { name: string; byMonth: Map<string, number> }>();
  for (const n of nodes) {
    const a = agencies.get(n.organization.id) ?? { name: n.organization.name, byMonth: new Map() };
    const month = n.receivedAt.slice(0, 7);
    a.byMonth.set(month, (a.byMonth.get(month) ?? 0) + 1);
    agencies.set(n.organization.id, a);
  }
  const shown = firm.consultations.totalCount > nodes.length ? `（新しい${nodes.length}件）` : '';
  return (
    <div className="table-wrap">
      <table className="timeline">
        <caption>
          機関別・月別の相談件数 {firm.consultations.totalCount}件{shown}
        </caption>
        <thead>
          <tr>
            <th scope="col">相談先機関</th>
            {months.map((m) => (
              <th key={m} scope="col" className="num">
                {Number(m.slice(5))}月<span className="visually-hidden">（{monthLabel(m)}）</span>
                {(m.endsWith('-01') || m === months[0]) && <span className="year">{m.slice(0, 4)}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...agencies].map(([id, a]) => (
            <tr key={id}>
              <th scope="row">{a.name}</th>
              {months.map((m) => (
                <td key={m} className="num">
                  {a.byMonth.get(m) ?? ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>相談の一覧</summary>
        <ul className="consultations">
          {nodes.map((n) => (
            <li key={n.id}>
              {dateTimeLabel(n.receivedAt)} {n.organization.name}（{CHANNEL_LABELS[n.channel] ?? n.channel}）
              {n.topics.map((t) => SUPPORT_FIELD_LABELS[t] ?? t).join('・')}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

export function PlanFacts({ plan }: { plan: PlanFactsFragment }) {
  return (
    <dl className="facts">
      <dt>支援計画</dt>
      <dd>
        {PLAN_STATUS_LABELS[plan.status]}（{monthLabel(plan.selectedIn)}選定）
      </dd>
      <dt>主担当機関</dt>
      <dd>{plan.leadAgency.name}</dd>
      <dt>参加機関</dt>
      <dd>{plan.participatingAgencies.map((a) => a.name).join('、') || '—'}</dd>
      <dt>支援目標</dt>
      <dd>{plan.goals.join('／') || '—'}</dd>
      <dt>次回フォローアップ</dt>
      <dd className={plan.reviewOverdue ? 'overdue' : undefined}>
        {dateTimeLabel(plan.nextReviewOn)}
        {plan.reviewOverdue && '（期限超過）'}
      </dd>
      <dt>経過</dt>
      <dd>
        <ol className="history">
          {plan.history.map((h) => (
            <li key={`${h.at}${h.status}`}>
              {dateTimeLabel(h.at)} {PLAN_STATUS_LABELS[h.status]}
              {h.note && `：${h.note}`}（{h.recordedBy}）
            </li>
          ))}
        </ol>
      </dd>
    </dl>
  );
}

export function FirmFile({ firm }: { firm: Firm }) {
  const growth = firm.growth;
  const label = firm.name ?? firm.id;
  return (
    <div className="firm-file">
      <p className="muted">
        {firm.corporateNumber ? `法人番号 ${firm.corporateNumber}` : `企業ID ${firm.id}`}
        {firm.municipality && `　${firm.municipality.name}`}
        {firm.industry && `　${firm.industry.name}`}
        {firm.employees !== null && `　従業員${firm.employees}名`}
        {growth && `　状況：${GROWTH_STATUS_LABELS[growth.status] ?? growth.status}`}
      </p>
      {growth?.score && <ScoreChart score={growth.score} label={label} />}
      <h4>相談の経過</h4>
      <ConsultationTimeline firm={firm} />
      {growth?.plan && (
        <>
          <h4>支援計画</h4>
          <PlanFacts plan={growth.plan} />
        </>
      )}
      <h4>これまでの判定</h4>
      {growth?.decisions?.length ? (
        <ul className="decisions">
          {growth.decisions.map((d) => (
            <li key={d.id}>
              {monthLabel(d.meeting)}：<strong>{COMMITTEE_OUTCOME_LABELS[d.decision]}</strong> {d.reason}（{d.decidedBy}
              、{dateTimeLabel(d.decidedAt)}）
            </li>
          ))}
        </ul>
      ) : (
        <p>判定の記録はありません。</p>
      )}
    </div>
  );
}
