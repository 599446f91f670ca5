/** The report as one HTML page (the same blocks as the Word document, charts as inline SVG), for reading and printing. */
import type { ReportData } from './data';
import type { ChartImage } from './charts';
import { reportBlocks, reportDate } from './text';
import type { DocumentMeta } from './layout';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function reportHtml(d: ReportData, charts: ChartImage[], meta: DocumentMeta): string {
  const byKey = new Map(charts.map((c) => [c.key, c]));
  const parts: string[] = [];
  for (const b of reportBlocks(d)) {
    if (b.type === 'heading1') parts.push(`<h2>${esc(b.text)}</h2>`);
    else if (b.type === 'heading2') parts.push(`<h3>${esc(b.text)}</h3>`);
    else if (b.type === 'paragraph') parts.push(`<p>${esc(b.text)}</p>`);
    else if (b.type === 'table') {
      parts.push(
        `<table><caption>${esc(b.caption)}</caption><thead><tr>${b.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
          .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`,
      );
    } else if (b.type === 'chart') {
      const c = byKey.get(b.key);
      if (c) parts.push(`<figure data-chart="${c.key}"><figcaption>${esc(c.title)}</figcaption>${c.svg}<p class="source">数据来源：${esc(d.city)}“人大代表在行动”工作平台</p></figure>`);
    }
  }
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>
body{font-family:'仿宋_GB2312','FangSong',serif;font-size:16pt;line-height:28.95pt;max-width:156mm;margin:37mm auto 35mm;color:#000}
h1{font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S','SimSun',serif;font-size:22pt;font-weight:normal;text-align:center;line-height:1.4}
h2{font-family:'黑体','SimHei',sans-serif;font-size:16pt;font-weight:normal;text-indent:2em;margin:0}
h3{font-family:'楷体_GB2312','KaiTi',serif;font-size:16pt;font-weight:normal;text-indent:2em;margin:0}
p{text-indent:2em;margin:0;text-align:justify}
table{border-collapse:collapse;width:100%;font-size:14pt;line-height:1.5;margin:8pt 0}
caption{font-family:'黑体','SimHei',sans-serif;font-size:14pt}
th,td{border:1px solid #000;padding:2pt 4pt;text-align:center;font-weight:normal}
th{font-family:'黑体','SimHei',sans-serif}
figure{margin:8pt 0;text-align:center}figure svg{max-width:100%;height:auto}
figcaption{font-family:'黑体','SimHei',sans-serif;font-size:14pt}
.source{font-size:12pt;text-indent:0;text-align:center}
.number,.draft{text-align:center;text-indent:0}.draft{text-align:right;font-family:'黑体','SimHei',sans-serif}
.sign{text-align:right;text-indent:0}
</style></head><body>
${meta.draft ? '<p class="draft">（征求意见稿）</p>' : ''}${meta.docNumber ? `<p class="number">${esc(meta.docNumber)}</p>` : ''}
<h1>${esc(d.title)}</h1>
${parts.join('\n')}
<p class="sign">${esc(meta.issuer)}</p>
<p class="sign">${esc(reportDate(meta.date))}</p>
</body></html>`;
}
