/**
 * The firm's municipality (所在地), picked by name and sent as its 全国地方公共団体コード. The
 * choices are the municipalities the graph knows of: the offices of the directory's agencies and
 * the prefectures programmes are offered in; a name is matched as typed (神戸 → 神戸市).
 */
import { useId, useMemo, useState, useEffect } from 'react';
import { PickerPlacesDocument } from './operations';
import { useOperation } from '../shared/useOperation';

export interface Place {
  code: string;
  name: string;
  prefecture: string | null;
}

const display = (p: Place) => (p.prefecture && p.prefecture !== p.name ? `${p.name}（${p.prefecture}）` : p.name);

export function MunicipalityPicker({ code, name, onPick }: { code: string; name: string; onPick: (place: Place | null) => void }) {
  const id = useId();
  // The choices are fetched when the picker is first used, not with the page: a visitor's first
  // search does not wait behind them.
  const [wanted, setWanted] = useState(false);
  const { data } = useOperation(PickerPlacesDocument, wanted ? {} : null);
  const places = useMemo(() => {
    const byCode = new Map<string, Place>();
    for (const o of data?.organizations ?? []) if (o.municipality) byCode.set(o.municipality.code, o.municipality);
    for (const f of data?.search.facets.prefectures ?? []) if (f.municipality && f.value !== '000000') byCode.set(f.value, f.municipality);
    return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  }, [data]);
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name, code]);
  // A name entered before the choices arrived is matched once they have.
  const [pending, setPending] = useState<string | null>(null);
  const choose = (value: string) => {
    setText(value);
    const typed = value.trim();
    if (!typed) return onPick(null);
    if (!data) return setPending(value);
    const exact = places.find((p) => display(p) === typed || p.name === typed);
    const partial = places.filter((p) => p.name.startsWith(typed));
    const pick = exact ?? (partial.length === 1 ? partial[0] : undefined);
    if (pick) onPick(pick);
  };
  useEffect(() => {
    if (data && pending !== null) {
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
        onFocus={() => setWanted(true)}
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
        {code ? `選択中：${name || code}（コード ${code}）` : '名前を入力して候補から選びます'}
      </span>
      {code && (
        <button type="button" className="secondary" onClick={() => (setText(''), onPick(null))}>
          所在地の指定を外す
        </button>
      )}
    </div>
  );
}
