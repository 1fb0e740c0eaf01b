/** Open a report in headless Debian chromium and collect what the page did. */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can. On CI a missing browser is a failure, not a skip. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing on CI: install the Debian chromium package`);
  return `${CHROMIUM} is not installed`;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Visit {
  page: Page;
  consoleErrors: string[];
  /** Every request the page made, the document itself included. */
  requests: string[];
  /** Scene-graph mark items per chart container id. */
  marks: Record<string, number>;
  chartErrors: string[];
}

export async function visit(browser: Browser, file: string, viewport = { width: 1360, height: 900 }): Promise<Visit> {
  const page = await browser.newPage({ viewport });
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  // Every chart has rendered or failed (the page sets renderMs then; how long it took is for bench/report.js).
  await page.waitForFunction(
    () => (window as unknown as { __lifeline?: { renderMs: number | null } }).__lifeline?.renderMs != null,
    null,
    { timeout: 60_000 },
  );
  const { marks, chartErrors } = await page.evaluate(() => {
    interface Item {
      items?: Item[];
      marktype?: string;
    }
    const state = (
      window as unknown as { __lifeline: { views: Record<string, { scenegraph(): { root: Item } }>; errors: string[] } }
    ).__lifeline;
    const count = (node: Item): number => {
      let n = 0;
      for (const child of node.items ?? []) {
        if (child.marktype && child.marktype !== 'group') n += (child.items ?? []).length;
        n += count(child);
      }
      return n;
    };
    const out: Record<string, number> = {};
    for (const [id, view] of Object.entries(state.views)) out[id] = count(view.scenegraph().root);
    return { marks: out, chartErrors: state.errors };
  });
  return { page, consoleErrors, requests, marks, chartErrors };
}

/** Page coordinates of a named group (a view of a concat) of a rendered chart. */
export async function groupBox(
  page: Page,
  chartId: string,
  group: string,
): Promise<{ x: number; y: number; width: number; height: number }> {
  await page.locator(`#${chartId}`).scrollIntoViewIfNeeded();
  return page.evaluate(
    ([id, name]) => {
      interface Item {
        items?: Item[];
        marktype?: string;
        name?: string;
        x?: number;
        y?: number;
        width?: number;
        height?: number;
      }
      const view = (
        window as unknown as {
          __lifeline: {
            views: Record<
              string,
              { scenegraph(): { root: Item }; origin(): [number, number]; container(): HTMLElement }
            >;
          };
        }
      ).__lifeline.views[id!]!;
      let found: Item | null = null;
      const walk = (node: Item): void => {
        for (const child of node.items ?? []) {
          if (child.marktype === 'group' && child.name === name) found = child.items?.[0] ?? null;
          if (!found) walk(child);
        }
      };
      walk(view.scenegraph().root);
      if (!found) throw new Error(`no group ${name}`);
      const g = found as Item;
      const rect = view.container().querySelector('svg, canvas')!.getBoundingClientRect();
      const [ox, oy] = view.origin();
      return { x: rect.x + ox + (g.x ?? 0), y: rect.y + oy + (g.y ?? 0), width: g.width ?? 0, height: g.height ?? 0 };
    },
    [chartId, group],
  );
}

/** Moves the mouse onto a thread's lane of the state timeline (its detail view) and returns the tooltip, once shown. */
export async function hoverLane(page: Page, lane: string): Promise<Locator> {
  const detail = await groupBox(page, 'chart-state-timeline', 'concat_1_group');
  const at = await page.evaluate((label) => {
    const view = (
      window as unknown as {
        __lifeline: {
          views: Record<string, { scale(n: string): ((v: unknown) => number) & { bandwidth(): number } }>;
        };
      }
    ).__lifeline.views['chart-state-timeline']!;
    const y = view.scale('concat_1_y');
    return { x: view.scale('concat_1_x')(200), y: y(label) + y.bandwidth() / 2 };
  }, lane);
  await page.mouse.move(detail.x + at.x, detail.y + at.y);
  const tooltip = page.locator('#vg-tooltip-element');
  await tooltip.waitFor({ state: 'visible' });
  return tooltip;
}
