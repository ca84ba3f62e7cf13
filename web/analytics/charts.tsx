/**
 * Charts of consultation counts with visx (SVG shapes and d3 scales as React components: the
 * charts are elements a screen reader and a test can read, and the bundle holds only the parts
 * used). A suppressed cell has no count, so it is never drawn as a bar of some height: it is a
 * hatched column across the whole value range marked 秘匿, in bars and in the heatmap alike.
 */
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { PatternLines } from '@visx/pattern';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';

export interface Datum {
  key: string;
  label: string;
  count: number | null;
  suppressed: boolean;
}

const WIDTH = 760;
const HATCH = 'suppressed-hatch';
const INK = '#1b1f24';
const BAR = '#0b5cad';

/** Axis labels are cut to fit; the full name is in each bar's title and in the table. */
function shorten(label: string, max = 24): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function Hatch() {
  return (
    <PatternLines
      id={HATCH}
      height={8}
      width={8}
      stroke="#8a5a00"
      strokeWidth={1.5}
      orientation={['diagonal']}
      background="#fff5e0"
    />
  );
}

export function SuppressedLegend() {
  return (
    <p className="legend">
      <svg width="24" height="14" aria-hidden="true">
        <Hatch />
        <rect width="24" height="14" fill={`url(#${HATCH})`} stroke="#8a5a00" />
      </svg>{' '}
      斜線：秘匿（件数を伏せたセル。0件ではありません）
    </p>
  );
}

/** Bars along a category axis: vertical for months, horizontal for long names (agencies). */
export function BarChart({ title, data, horizontal = false }: { title: string; data: Datum[]; horizontal?: boolean }) {
  const max = Math.max(1, ...data.map((d) => d.count ?? 0));
  const margin = horizontal
    ? { top: 10, right: 30, bottom: 30, left: 300 }
    : { top: 10, right: 10, bottom: 60, left: 60 };
  const height = horizontal ? margin.top + margin.bottom + data.length * 26 : 320;
  const inner = { w: WIDTH - margin.left - margin.right, h: height - margin.top - margin.bottom };
  const band = scaleBand<string>({
    domain: data.map((d) => d.key),
    range: horizontal ? [0, inner.h] : [0, inner.w],
    padding: 0.2,
  });
  const value = scaleLinear<number>({ domain: [0, max], range: horizontal ? [0, inner.w] : [inner.h, 0], nice: true });
  const labelOf = new Map(data.map((d) => [d.key, shorten(d.label)]));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={title} className="chart">
      <Hatch />
      <Group left={margin.left} top={margin.top}>
        {data.map((d) => {
          const pos = band(d.key) ?? 0;
          const thickness = band.bandwidth();
          const text = d.suppressed ? `${d.label}：秘匿` : `${d.label}：${d.count}件`;
          if (d.suppressed) {
            const rect = horizontal
              ? { x: 0, y: pos, width: inner.w, height: thickness }
              : { x: pos, y: 0, width: thickness, height: inner.h };
            return (
              <g key={d.key} data-suppressed="true" data-key={d.key}>
                <title>{text}</title>
                <Bar {...rect} fill={`url(#${HATCH})`} opacity={0.8} />
                <text
                  x={rect.x + rect.width / 2}
                  y={rect.y + rect.height / 2}
                  dy="0.35em"
                  textAnchor="middle"
                  fontSize={11}
                  fill="#6b3a00"
                >
                  秘匿
                </text>
              </g>
            );
          }
          const length = horizontal ? value(d.count ?? 0) : inner.h - value(d.count ?? 0);
          const rect = horizontal
            ? { x: 0, y: pos, width: length, height: thickness }
            : { x: pos, y: inner.h - length, width: thickness, height: length };
          return (
            <g key={d.key} data-suppressed="false" data-key={d.key} data-count={d.count ?? 0}>
              <title>{text}</title>
              <Bar {...rect} fill={BAR} />
            </g>
          );
        })}
        {horizontal ? (
          <>
            <AxisLeft
              scale={band}
              numTicks={data.length}
              tickFormat={(k) => labelOf.get(k) ?? k}
              tickLabelProps={{ fontSize: 11, fill: INK, textAnchor: 'end', dy: '0.33em' }}
              stroke={INK}
              tickStroke={INK}
            />
            <AxisBottom
              top={inner.h}
              scale={value}
              numTicks={6}
              tickLabelProps={{ fontSize: 11, fill: INK, textAnchor: 'middle' }}
              stroke={INK}
              tickStroke={INK}
            />
          </>
        ) : (
          <>
            <AxisLeft
              scale={value}
              numTicks={6}
              tickLabelProps={{ fontSize: 11, fill: INK, textAnchor: 'end', dy: '0.33em', dx: -4 }}
              stroke={INK}
              tickStroke={INK}
            />
            <AxisBottom
              top={inner.h}
              scale={band}
              numTicks={data.length}
              tickFormat={(k) => labelOf.get(k) ?? k}
              tickLabelProps={{ fontSize: 10, fill: INK, textAnchor: 'end', angle: -40, dy: '0.25em' }}
              stroke={INK}
              tickStroke={INK}
            />
          </>
        )}
      </Group>
    </svg>
  );
}

export interface HeatCell {
  row: string;
  column: string;
  count: number | null;
  suppressed: boolean;
}

/** Rows × columns (topics × months) shaded by count; suppressed cells hatched. */
export function Heatmap({
  title,
  rows,
  columns,
  cells,
}: {
  title: string;
  rows: Array<{ key: string; label: string }>;
  columns: Array<{ key: string; label: string }>;
  cells: HeatCell[];
}) {
  const margin = { top: 10, right: 10, bottom: 60, left: 150 };
  const height = margin.top + margin.bottom + rows.length * 26;
  const inner = { w: WIDTH - margin.left - margin.right, h: height - margin.top - margin.bottom };
  const x = scaleBand<string>({ domain: columns.map((c) => c.key), range: [0, inner.w], padding: 0.05 });
  const y = scaleBand<string>({ domain: rows.map((r) => r.key), range: [0, inner.h], padding: 0.05 });
  const max = Math.max(1, ...cells.map((c) => c.count ?? 0));
  // Light to dark blue; the darkest shades carry white text.
  const shade = scaleLinear<string>({ domain: [0, max], range: ['#e8f0fa', '#0b3d73'] });
  const rowLabel = new Map(rows.map((r) => [r.key, r.label]));
  const columnLabel = new Map(columns.map((c) => [c.key, c.label]));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={title} className="chart">
      <Hatch />
      <Group left={margin.left} top={margin.top}>
        {/* Combinations without a cell had no consultation: the lightest shade, not a hatch. */}
        <rect width={inner.w} height={inner.h} fill={shade(0)} />
        {cells.map((c) => {
          const px = x(c.column);
          const py = y(c.row);
          if (px === undefined || py === undefined) return null;
          const text = `${rowLabel.get(c.row)} ${columnLabel.get(c.column)}：${c.suppressed ? '秘匿' : `${c.count}件`}`;
          return (
            <g
              key={`${c.row}|${c.column}`}
              data-suppressed={c.suppressed ? 'true' : 'false'}
              data-key={`${c.row}|${c.column}`}
            >
              <title>{text}</title>
              <rect
                x={px}
                y={py}
                width={x.bandwidth()}
                height={y.bandwidth()}
                fill={c.suppressed ? `url(#${HATCH})` : shade(c.count ?? 0)}
              />
            </g>
          );
        })}
        <AxisLeft
          scale={y}
          numTicks={rows.length}
          tickFormat={(k) => rowLabel.get(k) ?? k}
          hideTicks
          tickLabelProps={{ fontSize: 11, fill: INK, textAnchor: 'end', dy: '0.33em' }}
          stroke={INK}
        />
        <AxisBottom
          top={inner.h}
          scale={x}
          numTicks={columns.length}
          tickFormat={(k) => columnLabel.get(k) ?? k}
          hideTicks
          tickLabelProps={{ fontSize: 10, fill: INK, textAnchor: 'end', angle: -40, dy: '0.25em' }}
          stroke={INK}
        />
      </Group>
    </svg>
  );
}
