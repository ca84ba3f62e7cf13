/**
 * Follow-up of the supported firms (支援中企業のフォローアップ): every firm in the chosen plan
 * status, with its lead agency, last contact and next review; sortable and filterable by lead
 * agency; overdue reviews stand out and can be recorded here (a note, and the next day if not in
 * three months).
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { FollowUpQuery, GrowthStatus } from '../gql/graphql';
import { execute, RequestError } from '../shared/graphql';
import { RecordReviewDocument, FollowUpDocument } from './operations';
import { dateTimeLabel, monthLabel, PLAN_STATUS_LABELS } from './labels';
import { ErrorNote } from './ErrorNote';

type Firm = FollowUpQuery['growthFirms']['edges'][number]['node'];
type Sort = 'review' | 'contact' | 'name';

/** Every page of firms in these statuses (the list is a few hundred at most). */
async function allFirms(statuses: GrowthStatus[], token: string, signal: AbortSignal): Promise<Firm[]> {
  const firms: Firm[] = [];
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const data: FollowUpQuery = await execute(FollowUpDocument, { statuses, after }, { token, signal });
    firms.push(...data.growthFirms.edges.map((e) => e.node));
    if (!data.growthFirms.pageInfo.hasNextPage) break;
    after = data.growthFirms.pageInfo.endCursor;
  }
  return firms;
}

/** The latest of the firm's last consultation anywhere and its plan's latest event. */
export function lastContactOf(firm: Firm): string | null {
  const plan = firm.growth?.plan;
  const candidates = [firm.growth?.signals?.lastConsultedAt, plan?.history[plan.history.length - 1]?.at].filter(
    (v): v is string => !!v,
  );
  return candidates.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
}

function ReviewForm({ planId, token, onDone }: { planId: string; token: string; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<RequestError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await execute(
        RecordReviewDocument,
        { input: { planId, note: note || undefined, nextReviewOn: next || undefined } },
        { token },
      );
      onDone();
    } catch (err) {
      setError(err instanceof RequestError ? err : new RequestError(String(err), 'UNKNOWN', 0));
    }
  };
  const id = planId.replace(/[^A-Za-z0-9-]/g, '_');
  return (
    <form className="review-form" onSubmit={submit}>
      <div className="field">
        <label htmlFor={`note-${id}`}>経過メモ</label>
        <textarea id={`note-${id}`} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </div>
      <div className="field">
        <label htmlFor={`next-${id}`}>次回フォローアップ日（空欄なら3か月後）</label>
        <input id={`next-${id}`} type="date" value={next} onChange={(e) => setNext(e.target.value)} />
      </div>
      {error && <ErrorNote error={error} />}
      <button type="submit" disabled={!note && !next}>
        フォローアップを記録する
      </button>
    </form>
  );
}

export function FollowUp({ token }: { token: string }) {
  const [status, setStatus] = useState<GrowthStatus>('ACTIVE');
  const [agency, setAgency] = useState('');
  const [sort, setSort] = useState<Sort>('review');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [firms, setFirms] = useState<Firm[] | null>(null);
  const [error, setError] = useState<RequestError | null>(null);
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    allFirms([status], token, controller.signal).then(setFirms, (e: unknown) => {
      if (!controller.signal.aborted)
        setError(e instanceof RequestError ? e : new RequestError(String(e), 'UNKNOWN', 0));
    });
    return () => controller.abort();
  }, [status, token, reload]);
  const agencies = useMemo(
    () =>
      [
        ...new Map(
          (firms ?? []).flatMap((f) =>
            f.growth?.plan ? [[f.growth.plan.leadAgency.id, f.growth.plan.leadAgency.name]] : [],
          ),
        ).entries(),
      ]
        .map(([id, name]) => ({ id, name }))
        .sort((a, b) => a.name.localeCompare(b.name, 'ja')),
    [firms],
  );
  const rows = (firms ?? [])
    .filter((f) => f.growth?.plan)
    .filter((f) => !agency || f.growth!.plan!.leadAgency.id === agency)
    .filter((f) => !overdueOnly || f.growth!.plan!.reviewOverdue)
    .sort((a, b) => {
      if (sort === 'name') return (a.name ?? a.id).localeCompare(b.name ?? b.id, 'ja');
      if (sort === 'contact') return (lastContactOf(a) ?? '').localeCompare(lastContactOf(b) ?? '');
      return a.growth!.plan!.nextReviewOn.localeCompare(b.growth!.plan!.nextReviewOn);
    });
  const overdue = rows.filter((f) => f.growth!.plan!.reviewOverdue).length;
  return (
    <section aria-labelledby="followup-heading">
      <h2 id="followup-heading">支援企業のフォローアップ</h2>
      <form className="card period" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="fu-status">支援状況</label>
          <select id="fu-status" value={status} onChange={(e) => setStatus(e.target.value as GrowthStatus)}>
            {(['ACTIVE', 'GRADUATED', 'WITHDRAWN'] as const).map((s) => (
              <option key={s} value={s}>
                {PLAN_STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="fu-agency">主担当機関</label>
          <select id="fu-agency" value={agency} onChange={(e) => setAgency(e.target.value)}>
            <option value="">すべて</option>
            {agencies.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="fu-sort">並べ替え</label>
          <select id="fu-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="review">次回フォローアップが早い順</option>
            <option value="contact">最終接触が古い順</option>
            <option value="name">企業名順</option>
          </select>
        </div>
        <label className="choice">
          <input type="checkbox" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)} />
          期限超過のみ
        </label>
      </form>
      {error && <ErrorNote error={error} onRetry={() => setReload((n) => n + 1)} />}
      {!firms && !error && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          読み込んでいます…
        </p>
      )}
      {firms && (
        <>
          <p role="status">
            {rows.length}社{status === 'ACTIVE' && `（うちフォローアップ期限超過 ${overdue}社）`}
          </p>
          <div className="table-wrap">
            <table className="followup">
              <caption className="visually-hidden">支援企業の一覧</caption>
              <thead>
                <tr>
                  <th scope="col">企業</th>
                  <th scope="col">支援状況</th>
                  <th scope="col">選定月</th>
                  <th scope="col">主担当機関</th>
                  <th scope="col">最終接触</th>
                  <th scope="col">次回フォローアップ</th>
                  <th scope="col" className="no-print">
                    記録
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((f) => {
                  const plan = f.growth!.plan!;
                  return (
                    <tr key={f.id} data-company={f.id} className={plan.reviewOverdue ? 'overdue' : undefined}>
                      <th scope="row">{f.name ?? f.id}</th>
                      <td>{PLAN_STATUS_LABELS[plan.status]}</td>
                      <td>{monthLabel(plan.selectedIn)}</td>
                      <td>{plan.leadAgency.name}</td>
                      <td>{dateTimeLabel(lastContactOf(f))}</td>
                      <td>
                        {dateTimeLabel(plan.nextReviewOn)}
                        {plan.reviewOverdue && <strong className="badge-overdue">期限超過</strong>}
                      </td>
                      <td className="no-print">
                        {plan.status === 'ACTIVE' && (
                          <button
                            type="button"
                            className="secondary"
                            aria-expanded={open === plan.id}
                            onClick={() => setOpen(open === plan.id ? null : plan.id)}
                          >
                            記録する<span className="visually-hidden">（{f.name ?? f.id}）</span>
                          </button>
                        )}
                        {open === plan.id && (
                          <ReviewForm
                            planId={plan.id}
                            token={token}
                            onDone={() => {
                              setOpen(null);
                              setReload((n) => n + 1);
                            }}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
