/**
 * The frame of the project's HTML pages (`results/report.html`, `check-history --html`): one
 * self-contained document, its style and script inline, no request to any server, so that it works
 * opened from disk and from a static host. Narrow screens (a phone) get the same content: wide
 * tables and drawings scroll sideways inside their box, the headline table's strategy column
 * staying in view at the left edge so a row scrolled sideways still says whose it is.
 */
import { escapeXml } from './history-timeline.ts';

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:12px 16px 40px;max-width:1400px;color:#222}
h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;margin:1.4em 0 .4em}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 7px;border-bottom:1px solid #e3e3e3;text-align:left;white-space:nowrap;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}th button{all:unset;cursor:pointer;font-weight:600}th button::after{content:" ↕";color:#aaa}
th[aria-sort=ascending] button::after{content:" ↑";color:#000}th[aria-sort=descending] button::after{content:" ↓";color:#000}
td.n{text-align:right;font-variant-numeric:tabular-nums}.spread{color:#777;font-size:11px}
tr.row{cursor:pointer}tr.row:hover{background:#f7fbff}tr.row.open{background:#eef5fc}
#headline td:nth-child(4),#headline th:nth-child(4){position:sticky;left:0;z-index:1;background:#fff;box-shadow:1px 0 0 #e3e3e3}
#headline th:nth-child(4){z-index:2;background:#f4f4f4}#headline tr.row:hover td:nth-child(4){background:#f7fbff}#headline tr.row.open td:nth-child(4){background:#eef5fc}
tr.detail>td{white-space:normal;background:#fafafa;padding:8px 12px}.detail-body{position:sticky;left:12px;max-width:calc(100vw - 56px)}
.v-incorrect,.v-failed,.lin-no{color:#b00000;font-weight:600}.v-correct{color:#1a7f37}.v-na{color:#888}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;margin:8px 0}.filters label{display:flex;gap:4px;align-items:center}
pre{white-space:pre-wrap;font-size:12px;background:#f6f6f6;padding:6px 8px}
svg{max-width:none}figure{margin:8px 0}figure svg,figure img{max-width:100%;height:auto}
.charts{display:flex;flex-wrap:wrap;gap:12px}.charts figure{flex:1 1 560px;min-width:0}
.muted{color:#666}
`;

/** A whole HTML document: `title` (text), `body` (HTML), and an optional inline `script` (JavaScript). */
export function htmlPage(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${script === '' ? '' : `<script>${script}</script>`}
</body>
</html>
`;
}
