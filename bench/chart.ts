/**
 * Line charts of a benchmark's series saved as a PNG. The lines are drawn as SVG with visx, the
 * library the analysts' dashboard already uses (React elements rendered to markup here, no JSX in
 * the benches' build), and Debian's chromium, driven by playwright-core as the browser tests do,
 * turns the SVG into pixels: no chart package and no native canvas build are added for this.
 */
import { existsSync } from 'node:fs';
import { createElement as h, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scalePoint } from '@visx/scale';
import { LinePath } from '@visx/shape';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../test/support/browser';

const WIDTH = 1000;
const HEIGHT = 380;
const MARGIN = { top: 40, right: 30, bottom: 90, left: 70 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];
const INK = '#1b1f24';

export interface Panel {
  title: string;
  yLabel: string;
  series: Array<{ label: string; values: Array<number | null> }>;
}

function panelSvg(panel: Panel, xLabel: string, xs: string[]): ReactElement {
  const inner = { w: WIDTH - MARGIN.left - MARGIN.right, h: HEIGHT - MARGIN.top - MARGIN.bottom };
  const x = scalePoint<string>({ domain: xs, range: [0, inner.w], padding: 0.5 });
  const values = panel.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const y = scaleLinear<number>({ domain: [0, Math.max(1, ...values) * 1.1], range: [inner.h, 0], nice: true });
  const everyNth = Math.max(1, Math.ceil(xs.length / 30));
  return h(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: WIDTH,
      height: HEIGHT,
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      style: { display: 'block', background: '#fff', fontFamily: 'sans-serif' },
    },
    h('text', { x: WIDTH / 2, y: 24, textAnchor: 'middle', fontSize: 16, fontWeight: 'bold', fill: INK }, panel.title),
    h(
      Group,
      { left: MARGIN.left, top: MARGIN.top },
      ...y
        .ticks(6)
        .map((t) => h('line', { key: `grid${t}`, x1: 0, x2: inner.w, y1: y(t), y2: y(t), stroke: '#e4e7eb' })),
      ...panel.series.map((s, i) =>
        h(LinePath<number | null>, {
          key: s.label,
          data: s.values,
          defined: (v) => v !== null && Number.isFinite(v),
          x: (_, j) => x(xs[j]) ?? 0,
          y: (v) => y(v ?? 0),
          stroke: COLOURS[i % COLOURS.length],
          strokeWidth: 2,
        }),
      ),
      ...panel.series.flatMap((s, i) =>
        s.values.map((v, j) =>
          v === null || !Number.isFinite(v)
            ? null
            : h('circle', { key: `${s.label}${j}`, cx: x(xs[j]), cy: y(v), r: 2.5, fill: COLOURS[i % COLOURS.length] }),
        ),
      ),
      h(AxisLeft, {
        scale: y,
        numTicks: 6,
        label: panel.yLabel,
        stroke: INK,
        tickStroke: INK,
        labelProps: { fontSize: 12, fill: INK, textAnchor: 'middle' },
      }),
      h(AxisBottom, {
        top: inner.h,
        scale: x,
        label: xLabel,
        tickValues: xs.filter((_, j) => j % everyNth === 0),
        stroke: INK,
        tickStroke: INK,
        labelProps: { fontSize: 12, fill: INK, textAnchor: 'middle' },
      }),
      ...panel.series.map((s, i) =>
        h(
          'g',
          { key: `legend${i}`, transform: `translate(${(i * inner.w) / panel.series.length}, ${inner.h + 62})` },
          h('line', { x1: 0, x2: 24, y1: 0, y2: 0, stroke: COLOURS[i % COLOURS.length], strokeWidth: 3 }),
          h('text', { x: 30, y: 0, dy: '0.33em', fontSize: 12, fill: INK }, s.label),
        ),
      ),
    ),
  );
}

/** Draws one panel per entry, stacked, over shared x labels, and writes them as one PNG. */
export async function writeLineChartsPng(path: string, xLabel: string, xs: string[], panels: Panel[]): Promise<void> {
  if (!existsSync(CHROMIUM))
    throw new Error(`chart needs chromium at ${CHROMIUM} (apt-get install chromium), or CHROMIUM_PATH`);
  const markup = panels.map((p) => renderToStaticMarkup(panelSvg(p, xLabel, xs))).join('');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--disable-dev-shm-usage', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT * panels.length } });
    await page.setContent(`<!doctype html><html><body style="margin:0">${markup}</body></html>`);
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
