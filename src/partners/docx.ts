/**
 * An item's Markdown as a Word document (.docx) an editor can open and cut: title, byline, headings,
 * paragraphs with bold/italic, lists, quotes, and the image captions in place of the images (the files travel
 * beside it in the press kit). Built with the `docx` library; fonts are the ones Chinese newsrooms expect.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import MarkdownIt from 'markdown-it';
import type { PartnerItem } from './feed-items';

const md = new MarkdownIt({ html: false, linkify: false });
type Token = ReturnType<typeof md.parse>[number];

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

function runsOf(inline: Token | undefined): TextRun[] {
  const runs: TextRun[] = [];
  let bold = false;
  let italics = false;
  for (const t of inline?.children ?? []) {
    if (t.type === 'strong_open') bold = true;
    else if (t.type === 'strong_close') bold = false;
    else if (t.type === 'em_open') italics = true;
    else if (t.type === 'em_close') italics = false;
    else if (t.type === 'text' || t.type === 'code_inline') runs.push(new TextRun({ text: t.content, bold, italics }));
    else if (t.type === 'softbreak') runs.push(new TextRun({ text: ' ' }));
    else if (t.type === 'hardbreak') runs.push(new TextRun({ break: 1 }));
    else if (t.type === 'image') runs.push(new TextRun({ text: `【图片：${t.content || '（无说明）'}${t.attrGet('title') ? `，${t.attrGet('title')}` : ''}】`, italics: true, color: '666666' }));
  }
  return runs;
}

export function markdownParagraphs(markdown: string): Paragraph[] {
  const tokens = md.parse(markdown ?? '', {});
  const out: Paragraph[] = [];
  const lists: Array<{ ordered: boolean; n: number }> = [];
  let quote = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'heading_open') {
      out.push(new Paragraph({ heading: HEADINGS[Number(t.tag.slice(1)) - 1] ?? HeadingLevel.HEADING_6, children: runsOf(tokens[i + 1]) }));
      i += 2;
    } else if (t.type === 'bullet_list_open' || t.type === 'ordered_list_open') lists.push({ ordered: t.type === 'ordered_list_open', n: 0 });
    else if (t.type === 'bullet_list_close' || t.type === 'ordered_list_close') lists.pop();
    else if (t.type === 'blockquote_open') quote++;
    else if (t.type === 'blockquote_close') quote--;
    else if (t.type === 'paragraph_open') {
      const list = lists[lists.length - 1];
      const marker = list ? (list.ordered ? `${++list.n}. ` : '• ') : '';
      const runs = runsOf(tokens[i + 1]);
      out.push(
        new Paragraph({
          children: marker ? [new TextRun(marker), ...runs] : runs,
          indent: list || quote ? { left: 420 * (lists.length + quote) } : { firstLine: 480 },
          spacing: { after: 120, line: 360 },
        }),
      );
      i += 2;
    } else if (t.type === 'fence' || t.type === 'code_block') {
      for (const line of t.content.replace(/\n$/, '').split('\n')) out.push(new Paragraph({ children: [new TextRun({ text: line, font: 'Consolas' })] }));
    }
  }
  return out;
}

export async function itemDocx(item: PartnerItem, sourceLine: string): Promise<Buffer> {
  const doc = new Document({
    creator: '连心',
    title: item.title,
    description: item.summary,
    styles: { default: { document: { run: { font: { eastAsia: '宋体', ascii: 'Times New Roman' }, size: 24 } } } },
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: item.title, bold: true })] }),
          ...(item.byline ? [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: item.byline, color: '444444' })] })] : []),
          ...(item.summary ? [new Paragraph({ spacing: { after: 240 }, children: [new TextRun({ text: `【摘要】${item.summary}`, italics: true })] })] : []),
          ...markdownParagraphs(item.markdown),
          new Paragraph({ spacing: { before: 360 }, children: [new TextRun({ text: sourceLine, color: '666666', size: 20 })] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
