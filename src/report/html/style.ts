/** The page's stylesheet: system fonts only, nothing fetched. */
export const STYLE = `
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f6f7f9; --card: #ffffff; --bad: #b42318; --warn-bg: #fff4e5; --warn-line: #f79009; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.top { background: #111827; color: #f9fafb; padding: 14px 28px; }
header.top h1 { margin: 0; font-size: 19px; font-weight: 600; }
header.top p { margin: 2px 0 0; color: #cbd5e1; font-size: 13px; }
nav.toc { background: #1f2937; padding: 6px 28px; font-size: 13px; }
nav.toc a { color: #e5e7eb; margin-right: 16px; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 18px 28px 60px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-bottom: 18px; }
h2 { font-size: 16px; margin: 0 0 4px; }
p.lead { margin: 0 0 12px; color: var(--muted); max-width: 980px; }
.muted { color: var(--muted); }
.bad { color: var(--bad); }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px 24px; margin: 10px 0 0; }
dl.facts div { min-width: 0; }
dl.facts div.wide { grid-column: span 2; }
dl.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
dl.facts dd { margin: 1px 0 0; overflow-wrap: anywhere; }
dl.facts time { border-bottom: 1px dotted var(--muted); cursor: help; }
.warning { background: var(--warn-bg); border: 1px solid var(--warn-line); border-left: 5px solid var(--warn-line); border-radius: 6px; padding: 10px 14px; margin: 8px 0 12px; }
.reduced { background: #eef4ff; border: 1px solid #c7d7fe; border-radius: 6px; padding: 8px 14px; margin: 0 0 18px; font-size: 13px; }
.reduced ul { margin: 4px 0 0; padding-left: 20px; }
.chart { overflow-x: auto; min-height: 40px; }
.chart-error { color: var(--bad); padding: 8px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 18px 24px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 0 0 10px; font-size: 12.5px; }
.legend span.sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.table-wrap { overflow: auto; max-height: 640px; border: 1px solid var(--line); border-radius: 6px; }
table.metrics { border-collapse: collapse; font-size: 12.5px; width: 100%; }
table.metrics th, table.metrics td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
table.metrics th:first-child, table.metrics td:first-child, table.metrics td:last-child, table.metrics th:last-child { text-align: left; }
table.metrics td:first-child { max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
table.metrics thead th { position: sticky; top: 0; background: #f9fafb; cursor: pointer; user-select: none; font-weight: 600; }
table.metrics thead th:hover { background: #eef2f7; }
table.metrics th[aria-sort=descending]::after { content: " ▼"; font-size: 10px; }
table.metrics th[aria-sort=ascending]::after { content: " ▲"; font-size: 10px; }
table.metrics tbody tr:hover { background: #f9fafb; }
.waker { display: inline-block; margin-right: 8px; }
.waker.k-hardirq { color: #d9480f; }
.waker.k-softirq { color: #7b2cbf; }
.waker.k-nmi { color: #c2255c; }
.uncertain { font-size: 11px; color: var(--bad); border: 1px solid var(--bad); border-radius: 3px; padding: 0 3px; }
.offcpu { display: grid; grid-template-columns: minmax(0, 580px) minmax(320px, 1fr); gap: 14px 20px; align-items: start; margin-bottom: 16px; }
.offcpu .table-wrap { max-height: 420px; }
table.metrics td.t, table.metrics th.t { text-align: left; }
h3 { font-size: 14px; margin: 14px 0 6px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 24px; }
#vg-tooltip-element { font-size: 12px; max-width: 520px; }
`;
