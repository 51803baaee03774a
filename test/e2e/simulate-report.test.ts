// `fleetward simulate` writes an HTML report; headless Chromium opens it, the chart draws every series and zooms, and the pointer reads out values and reasons.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../bin/fleetward.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The page's globals, typed here because the project compiles without the DOM library. */
interface PageGlobals {
  readonly fleetwardChart?: ChartState;
  readonly document: { getElementById(id: string): CanvasLike | null };
}

interface CanvasLike {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { readonly data: ArrayLike<number> } } | null;
}

interface ChartState {
  readonly drawn: boolean;
  readonly draws: number;
  readonly series: number;
  readonly points: number;
  readonly view: { readonly from: number; readonly to: number };
}

/** Two days of a daily wave with a spike, at 60-second steps. */
function writeTrace(dir: string): string {
  const rows = ['t_s,value'];
  for (let i = 0; i < 2 * 1440; i++) {
    const wave = 50 + 40 * Math.sin((2 * Math.PI * i) / 1440);
    rows.push(`${i * 60},${(i % 500 === 0 ? 2 * wave : wave).toFixed(2)}`);
  }
  const path = join(dir, 'wave.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('the simulation report in a browser', () => {
  let context: BrowserContext;
  let report: string;
  let stdout = '';

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the report test needs Debian's chromium (as root: apt-get update && apt-get install -y chromium, or run scripts/ensure-setup.sh as root)`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'fleetward-e2e-'));
    const code = await run(['simulate', '--trace', writeTrace(dir), '--out', join(dir, 'out')], {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    report = join(dir, 'out', 'wave.html');
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'fleetward-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1200, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
  });

  it('prints the table and writes a self-contained report and a JSON file', () => {
    for (const policy of ['fleetward', 'target-tracking', 'hpa', 'predictive', 'static', 'oracle']) expect(stdout).toMatch(new RegExp(`^${policy} `, 'm'));
    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    const json = JSON.parse(readFileSync(report.replace(/\.html$/, '.json'), 'utf8')) as { policies: Array<{ policy: string }> };
    expect(json.policies.map((p) => p.policy)).toEqual(['fleetward', 'target-tracking', 'hpa', 'predictive', 'static', 'oracle']);
  });

  it('draws demand and every policy on the canvas, and zooms with the wheel', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(report).href);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).fleetwardChart?.drawn === true);
    const chart = () => page.evaluate(() => (globalThis as unknown as PageGlobals).fleetwardChart as ChartState);
    const before = await chart();
    expect(before.series).toBe(7);
    expect(before.points).toBe(2 * 1440);
    expect(before.view).toEqual({ from: 0, to: 2 * 1440 });

    // Pixels of at least five of the series' colours are on the canvas.
    const colours = await page.evaluate(() => {
      const canvas = (globalThis as unknown as PageGlobals).document.getElementById('chart');
      if (canvas === null) return [];
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      const wanted: Record<string, number[]> = { demand: [17, 17, 17], fleetward: [214, 39, 40], tracking: [31, 119, 180], hpa: [44, 160, 44], predictive: [148, 103, 189], static: [140, 86, 75] };
      const seen = new Set<string>();
      for (let i = 0; i < pixels.length; i += 4) {
        for (const [name, rgb] of Object.entries(wanted)) {
          if (Math.abs((pixels[i] ?? 0) - (rgb[0] ?? 0)) < 6 && Math.abs((pixels[i + 1] ?? 0) - (rgb[1] ?? 0)) < 6 && Math.abs((pixels[i + 2] ?? 0) - (rgb[2] ?? 0)) < 6) seen.add(name);
        }
      }
      return [...seen];
    });
    expect(colours.length).toBeGreaterThanOrEqual(5);

    const box = await page.locator('#chart').boundingBox();
    if (box === null) throw new Error('the chart canvas has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((draws) => ((globalThis as unknown as PageGlobals).fleetwardChart?.draws ?? 0) > draws, before.draws);
    const zoomed = await chart();
    expect(zoomed.view.to - zoomed.view.from).toBeLessThan(2 * 1440);
    await page.locator('#chart').dblclick();
    expect((await chart()).view).toEqual({ from: 0, to: 2 * 1440 });
    expect(errors).toEqual([]);
  });

  it('reads out every series and fleetward\'s last decision with its reason under the pointer', async () => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(report).href);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).fleetwardChart?.drawn === true);
    const box = await page.locator('#chart').boundingBox();
    if (box === null) throw new Error('the chart canvas has no box');
    // The plot spans the canvas less 56 px on the left and 12 on the right: this is about step 2160 (d1 12:00).
    await page.mouse.move(box.x + 56 + 0.75 * (box.width - 68), box.y + box.height / 2);
    const text = (await page.locator('#readout').textContent()) ?? '';
    const [values, decision] = text.split('\n');
    expect(values).toMatch(/^d1 (11:5\d|12:0\d): demand [\d.]+, fleetward \d+, target-tracking \d+, hpa \d+, predictive \d+, static \d+, oracle \d+$/);
    expect(decision).toMatch(/^fleetward's last change, d1 \d\d:\d\d \(step \d+\): scale (out|in) \d+ -> \d+: /);
    // The last change at or before the step pointed at (one step per point on this short trace).
    const [, hours, minutes] = /^d1 (\d\d):(\d\d)/.exec(values ?? '') ?? [];
    const step = Number(/\(step (\d+)\)/.exec(decision ?? '')?.[1]);
    expect(step).toBeLessThanOrEqual(1440 + 60 * Number(hours) + Number(minutes));
    expect(step).toBeGreaterThan(1440);
  });
});
