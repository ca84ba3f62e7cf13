/**
 * The firm's municipality (所在地), picked by name and sent as its 全国地方公共団体コード. As the
 * name is typed the graph's municipality table is asked for matches (神戸 → 神戸市, 神戸市中央区 …,
 * こうべ too); Enter or leaving the field picks the exact or the only match.
 */
import { useEffect, useId, useState } from 'react';
import { MunicipalityChoicesDocument } from './operations';
import { useOperation } from '../shared/useOperation';

export interface Place {
  code: string;
  name: string;
  prefecture: string | null;
}

const display = (p: Place) => (p.prefecture && p.prefecture !== p.name ? `${p.name}（${p.prefecture}）` : p.name);

export function MunicipalityPicker({
  code,
  name,
  onPick,
}: {
  code: string;
  name: string;
  onPick: (place: Place | null) => void;
}) {
  const id = useId();
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name, code]);
  // Asked a moment after typing stops, for the name without its display suffix.
  const [asked, setAsked] = useState('');
  useEffect(() => {
    const typed = text.replace(/（.*）$/, '').trim();
    const timer = setTimeout(() => setAsked(typed), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const { data, loading } = useOperation(MunicipalityChoicesDocument, asked && asked !== name ? { name: asked } : null);
  const places = data?.municipalities ?? [];
  // A name entered before its matches arrived is matched once they have.
  const [pending, setPending] = useState<string | null>(null);
  const choose = (value: string) => {
    setText(value);
    const typed = value.trim();
    if (!typed) return onPick(null);
    const bare = typed.replace(/（.*）$/, '');
    if (bare === name && code) return;
    if (asked !== bare || loading || !data) return setPending(value);
    const exact = places.find((p) => display(p) === typed || p.name === bare);
    const pick = exact ?? (places.length === 1 ? places[0] : undefined);
    if (pick) onPick(pick);
  };
  useEffect(() => {
    if (pending !== null && data && !loading && asked === pending.trim().replace(/（.*）$/, '')) {
      setPending(null);
      choose(pending);
    }
  });
  return (
    <div className="field">
      <label htmlFor={`${id}-input`}>所在地（市区町村）</label>
      <input
        id={`${id}-input`}
        type="text"
        list={`${id}-list`}
        value={text}
        placeholder="例：神戸市"
        autoComplete="off"
        aria-describedby={`${id}-hint`}
        onChange={(e) => setText(e.target.value)}
        onBlur={(e) => choose(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            choose((e.target as HTMLInputElement).value);
          }
        }}
      />
      <datalist id={`${id}-list`}>
        {places.map((p) => (
          <option key={p.code} value={display(p)} />
        ))}
      </datalist>
      <span id={`${id}-hint`} className="loading">
        {code ? `選択中：${name || code}（コード ${code}）` : '名前を入力して候補から選びます（ひらがなでも探せます）'}
      </span>
      {code && (
        <button type="button" className="secondary" onClick={() => (setText(''), onPick(null))}>
          所在地の指定を外す
        </button>
      )}
    </div>
  );
}
