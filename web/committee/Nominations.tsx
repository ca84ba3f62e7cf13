/**
 * The agencies' side of the committee (推薦): an agency's nominations for a meeting, what is left
 * of its allowance, and a small form to nominate a client with a rationale. The cap and the rule
 * that a repeated nomination keeps the first are said here, not discovered by a refusal.
 */
import { useState, type FormEvent } from 'react';
import type { FirmLookupQuery } from '../gql/graphql';
import { execute, RequestError } from '../shared/graphql';
import { useOperation } from '../shared/useOperation';
import { AgencyNominationsDocument, FirmLookupDocument, NominateDocument } from './operations';
import { dateTimeLabel, GROWTH_STATUS_LABELS, monthLabel } from './labels';
import { ErrorNote } from './ErrorNote';

function NominateForm({
  month,
  token,
  remaining,
  nominated,
  onNominated,
}: {
  month: string;
  token: string;
  remaining: number;
  /** Firms already nominated for this meeting by this agency: nominating one again keeps the first. */
  nominated: ReadonlySet<string>;
  onNominated: (message: string) => void;
}) {
  const [id, setId] = useState('');
  const [firm, setFirm] = useState<FirmLookupQuery['company'] | undefined>(undefined);
  const [rationale, setRationale] = useState('');
  const [error, setError] = useState<RequestError | null>(null);
  const asError = (e: unknown) => (e instanceof RequestError ? e : new RequestError(String(e), 'UNKNOWN', 0));
  const lookup = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setFirm((await execute(FirmLookupDocument, { id: id.trim().normalize('NFKC') }, { token })).company);
    } catch (err) {
      setError(asError(err));
    }
  };
  const nominate = async (e: FormEvent) => {
    e.preventDefault();
    if (!firm) return;
    setError(null);
    try {
      const earlier = nominated.has(firm.id);
      const { nominateCompany: n } = await execute(
        NominateDocument,
        { companyId: firm.id, rationale, meeting: month },
        { token },
      );
      onNominated(
        earlier
          ? `${n.company.name ?? n.company.id}はすでに${dateTimeLabel(n.nominatedAt)}に推薦済みです（最初の推薦をそのまま残しました）。`
          : `${n.company.name ?? n.company.id}を${monthLabel(n.meeting)}の委員会に推薦しました。`,
      );
      setFirm(undefined);
      setId('');
      setRationale('');
    } catch (err) {
      setError(asError(err));
    }
  };
  return (
    <div className="card">
      <h3>顧客企業を推薦する</h3>
      <form className="period" onSubmit={lookup}>
        <div className="field">
          <label htmlFor="firm-id">法人番号または企業ID</label>
          <input
            id="firm-id"
            value={id}
            onChange={(e) => {
              setId(e.target.value);
              setFirm(undefined);
            }}
            inputMode="text"
            autoComplete="off"
            required
          />
        </div>
        <button type="submit" className="secondary">
          企業を確認
        </button>
      </form>
      {firm === null && <p role="status">この企業は見つからないか、あなたの機関の顧客ではありません。</p>}
      {firm && (
        <form onSubmit={nominate}>
          <p role="status" className="firm-found">
            <strong>{firm.name ?? firm.id}</strong>（{firm.municipality?.name ?? '所在地不明'}・
            {firm.industry?.name ?? '業種不明'}、現在の状況：{GROWTH_STATUS_LABELS[firm.growth?.status ?? 'NONE']}）
          </p>
          <div className="field">
            <label htmlFor="rationale">推薦理由（必須）</label>
            <textarea
              id="rationale"
              value={rationale}
              onChange={(e) => setRationale(e.target.value)}
              maxLength={2000}
              required
            />
          </div>
          <button type="submit" disabled={remaining <= 0}>
            {monthLabel(month)}の委員会に推薦する
          </button>
        </form>
      )}
      {error && <ErrorNote error={error} />}
    </div>
  );
}

export function Nominations({ month, token }: { month: string; token: string }) {
  const [retry, setRetry] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const { data, error, loading } = useOperation(AgencyNominationsDocument, { meeting: month }, { token, retry });
  const allowance = data?.nominationAllowance;
  return (
    <section aria-labelledby="nominations-heading">
      <h2 id="nominations-heading">{monthLabel(month)}の委員会への推薦</h2>
      {loading && !data && (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          読み込んでいます…
        </p>
      )}
      {error && <ErrorNote error={error} onRetry={() => setRetry((n) => n + 1)} />}
      {allowance && (
        <p className="allowance" data-remaining={allowance.remaining}>
          推薦枠：{allowance.agency?.name ?? 'コーディネーター'}は1回の委員会に{allowance.cap}社まで推薦できます。
          この月は{allowance.used}社を推薦済み、残り<strong>{allowance.remaining}社</strong>。
          同じ企業を同じ委員会に重ねて推薦しても、最初の推薦がそのまま残ります。
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {data &&
        (data.nominations.length === 0 ? (
          <p>この月の推薦はまだありません。</p>
        ) : (
          <div className="table-wrap">
            <table className="nominations">
              <caption className="visually-hidden">推薦した企業</caption>
              <thead>
                <tr>
                  <th scope="col">企業</th>
                  <th scope="col">推薦機関</th>
                  <th scope="col">推薦理由</th>
                  <th scope="col">推薦者</th>
                  <th scope="col">日時</th>
                </tr>
              </thead>
              <tbody>
                {data.nominations.map((n) => (
                  <tr key={n.id} data-company={n.company.id}>
                    <th scope="row">{n.company.name ?? n.company.id}</th>
                    <td>{n.agency?.name ?? 'コーディネーター'}</td>
                    <td>{n.rationale}</td>
                    <td>{n.nominatedBy}</td>
                    <td>{dateTimeLabel(n.nominatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {allowance && (
        <NominateForm
          month={month}
          token={token}
          remaining={allowance.remaining}
          nominated={new Set(data?.nominations.map((n) => n.company.id))}
          onNominated={(message) => {
            setNotice(message);
            setRetry((n) => n + 1);
          }}
        />
      )}
    </section>
  );
}
