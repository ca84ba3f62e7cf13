/**
 * Line charts of a benchmark's series saved as a PNG: Chart.js draws them in Debian's chromium
 * (driven by playwright-core, as the browser tests do), which is already what renders anything a
 * person looks at here; no native canvas build is needed and the fonts are the system's.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Panel {
  title: string;
  yLabel: string;
  series: Array<{ label: string; values: Array<number | null> }>;
}

/** Draws one panel per entry, stacked, over shared x labels, and writes them as one PNG. */
export async function writeLineChartsPng(path: string, xLabel: string, xs: string[], panels: Panel[]): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`chart needs chromium at ${CHROMIUM} (apt-get install chromium), or CHROMIUM_PATH`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 380 * panels.length }, deviceScaleFactor: 1 });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:#fff;font-family:sans-serif">` +
        panels.map((_, i) => `<div style="width:1000px;height:380px"><canvas id="c${i}"></canvas></div>`).join('') +
        `</body></html>`,
    );
    // The package exports only its module entries; the browser build sits beside them.
    await page.addScriptTag({ path: join(dirname(require.resolve('chart.js')), 'chart.umd.min.js') });
    await page.evaluate(
      ({ xLabel, xs, panels }) => {
        const colours = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];
        // Runs in the page: Chart.js's UMD build defined a global there (this project's types have no DOM).
        const page = globalThis as unknown as { Chart: new (el: unknown, config: unknown) => unknown; document: { getElementById(id: string): unknown } };
        panels.forEach((panel, i) => {
          new page.Chart(page.document.getElementById(`c${i}`), {
            type: 'line',
            data: {
              labels: xs,
              datasets: panel.series.map((s, j) => ({ label: s.label, data: s.values, borderColor: colours[j % colours.length], backgroundColor: colours[j % colours.length], pointRadius: 2, tension: 0 })),
            },
            options: {
              animation: false,
              responsive: true,
              maintainAspectRatio: false,
              plugins: { title: { display: true, text: panel.title, font: { size: 16 } }, legend: { position: 'bottom' } },
              scales: { x: { title: { display: true, text: xLabel } }, y: { beginAtZero: true, title: { display: true, text: panel.yLabel } } },
            },
          });
        });
      },
      { xLabel, xs, panels },
    );
    await page.screenshot({ path, fullPage: true });
  } finally {
    await browser.close();
  }
}
