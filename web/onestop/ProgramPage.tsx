/**
 * One programme (施策詳細): details, who may apply, contact, how fresh its source is, and who else
 * offers something similar (alternatives), each a link that keeps the search it came from.
 */
import { useEffect, useRef, useState } from 'react';
import { ProgramPageDocument } from './operations';
import { useOperation } from '../shared/useOperation';
import { amountLabel, japaneseDate, PROGRAM_KIND_LABELS, SUPPORT_FIELD_LABELS } from '../shared/labels';
import { Link } from './Link';
import { StatusBadge } from './SearchPage';
import { programUrl, searchUrl, type SearchState } from './url';

const dateTime = (iso: string | null | undefined) => (iso ? `${japaneseDate(iso)} ${iso.slice(11, 16)}` : null);

export function ProgramPage({
  id,
  from,
  navigate,
}: {
  id: string;
  from: SearchState;
  navigate: (url: string) => void;
}) {
  const [retry, setRetry] = useState(0);
  // Ids are `<agencyId>:<localId>`: the agency's sources tell how fresh this one is.
  const agencyId = id.split(':')[0];
  const { data, error, loading } = useOperation(ProgramPageDocument, { id, agencyId }, { retry });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (data) heading.current?.focus();
  }, [data]);
  const back = (
    <p>
      <Link href={searchUrl(from)} navigate={navigate}>
        ← 検索結果に戻る
      </Link>
    </p>
  );
  if (loading)
    return (
      <>
        {back}
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          読み込んでいます…
        </p>
      </>
    );
  if (error)
    return (
      <>
        {back}
        <div className="error" role="alert">
          <p>施策を読み込めませんでした（{error.message}）。</p>
          <button type="button" onClick={() => setRetry((n) => n + 1)}>
            もう一度試す
          </button>
        </div>
      </>
    );
  const p = data?.program;
  if (!p)
    return (
      <>
        {back}
        <h1>施策が見つかりません</h1>
        <p className="notice">この施策は掲載が終わったか、URLが正しくありません。</p>
      </>
    );
  const source = data?.sources.find((s) => s.name === p.provenance.sourceId);
  const period = [japaneseDate(p.applicationPeriod.opensOn), japaneseDate(p.applicationPeriod.closesOn)];
  return (
    <>
      {back}
      <div className="layout two">
        <article className="card" aria-labelledby="program-title">
          <h1 id="program-title" ref={heading} tabIndex={-1}>
            {p.title}
          </h1>
          <p className="meta">
            <StatusBadge status={p.status} /> {PROGRAM_KIND_LABELS[p.kind] ?? p.kind}
            {p.supportFields.length > 0 && (
              <> ・ {p.supportFields.map((f) => SUPPORT_FIELD_LABELS[f] ?? f).join('、')}</>
            )}
          </p>
          {p.summary && <p>{p.summary}</p>}
          <dl className="facts">
            <dt>実施機関</dt>
            <dd>{p.provider?.name ?? '不明'}</dd>
            {p.maxAmountText && (
              <>
                <dt>上限額</dt>
                <dd>{amountLabel(p.maxAmountText)}</dd>
              </>
            )}
            {p.subsidyRate && (
              <>
                <dt>補助率・利率</dt>
                <dd>{p.subsidyRate.text}</dd>
              </>
            )}
            <dt>申請期間</dt>
            <dd>{period[0] || period[1] ? `${period[0] ?? ''} 〜 ${period[1] ?? ''}` : '随時'}</dd>
            <dt>対象地域</dt>
            <dd>{p.eligibility.areaText ?? (p.eligibility.areas.map((a) => a.name).join('、') || '制限なし')}</dd>
            {p.eligibility.employeeCeiling !== null && (
              <>
                <dt>従業員数</dt>
                <dd>{p.eligibility.employeeCeiling}人以下</dd>
              </>
            )}
            <dt>対象業種</dt>
            <dd>
              {p.eligibility.industries.length
                ? p.eligibility.industries.map((i) => i.name).join('、')
                : 'すべての業種'}
            </dd>
            {p.eligibility.text && (
              <>
                <dt>その他の要件</dt>
                <dd>{p.eligibility.text}</dd>
              </>
            )}
            {p.purposes.length > 0 && (
              <>
                <dt>利用目的</dt>
                <dd>{p.purposes.join('、')}</dd>
              </>
            )}
          </dl>
          {p.detail && (
            <>
              <h2>詳細</h2>
              <p style={{ whiteSpace: 'pre-line' }}>{p.detail}</p>
            </>
          )}
        </article>
        <aside aria-label="問合せ先と情報の鮮度">
          <section className="card" aria-labelledby="contact-heading">
            <h2 id="contact-heading">問合せ先</h2>
            <dl className="facts">
              {p.contact && (
                <>
                  <dt>窓口</dt>
                  <dd>{p.contact}</dd>
                </>
              )}
              {p.provider?.address && (
                <>
                  <dt>所在地</dt>
                  <dd>{p.provider.address}</dd>
                </>
              )}
              {p.provider?.phone && (
                <>
                  <dt>電話</dt>
                  <dd>{p.provider.phone}</dd>
                </>
              )}
              {p.url && (
                <>
                  <dt>掲載ページ</dt>
                  <dd>
                    <a href={p.url} rel="noopener noreferrer">
                      実施機関のページ
                    </a>
                  </dd>
                </>
              )}
            </dl>
          </section>
          <section className="card" aria-labelledby="fresh-heading" style={{ marginTop: '1rem' }}>
            <h2 id="fresh-heading">情報の鮮度</h2>
            <dl className="facts">
              <dt>取得日時</dt>
              <dd>{dateTime(p.provenance.fetchedAt)}</dd>
              {p.updatedAt && (
                <>
                  <dt>機関の更新日</dt>
                  <dd>{japaneseDate(p.updatedAt)}</dd>
                </>
              )}
              {source && (
                <>
                  <dt>最終確認</dt>
                  <dd>{dateTime(source.lastSuccessAt) ?? '未取得'}</dd>
                </>
              )}
            </dl>
            {source?.stale && (
              <p className="error">この情報源は直近の取得に失敗しています。内容が古い可能性があります。</p>
            )}
          </section>
        </aside>
      </div>
      <section aria-labelledby="alternatives-heading">
        <h2 id="alternatives-heading">ほかに同様の支援を行っている機関</h2>
        {p.alternatives.length === 0 ? (
          <p>似た施策は見つかりませんでした。</p>
        ) : (
          <ul className="results">
            {p.alternatives.map((a) => (
              <li key={a.id} className="card result">
                <h3>
                  <Link href={programUrl(a.id, from)} navigate={navigate}>
                    {a.title}
                  </Link>
                </h3>
                <div className="meta">
                  <StatusBadge status={a.status} />
                  <span>
                    {a.provider?.name}
                    {a.provider?.municipality ? `（${a.provider.municipality.name}）` : ''}
                  </span>
                  {a.maxAmountText && <span>上限額：{amountLabel(a.maxAmountText)}</span>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
