/** Open a report in headless Debian chromium and collect what the page did. */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

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
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Visit {
  page: Page;
  consoleErrors: string[];
  /** Every request the page made, the document itself included. */
  requests: string[];
  /** ms from navigation start to every chart rendered. */
  renderMs: number;
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
  const started = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as unknown as { __lifeline?: { renderMs: number | null } }).__lifeline?.renderMs != null, null, { timeout: 60_000 });
  const renderMs = Date.now() - started;
  const { marks, chartErrors } = await page.evaluate(() => {
    interface Item {
      items?: Item[];
      marktype?: string;
    }
    const state = (window as unknown as { __lifeline: { views: Record<string, { scenegraph(): { root: Item } }>; errors: string[] } }).__lifeline;
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
  return { page, consoleErrors, requests, renderMs, marks, chartErrors };
}
