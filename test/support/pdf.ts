/** Reads a PDF's text per page with Mozilla's pdf.js (a parser independent of the pdfkit that wrote it). */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfText {
  pages: string[];
  info: Record<string, unknown>;
}

export async function pdfText(data: Buffer): Promise<PdfText> {
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
  }
  const { info } = await pdf.getMetadata();
  await pdf.destroy();
  return { pages, info: info as Record<string, unknown> };
}

export interface PdfItem {
  str: string;
  /** Left edge and baseline, in points from the page's bottom-left corner. */
  x: number;
  y: number;
}

/** The text items of each page with their positions (pdf.js splits text into runs as the PDF draws them). */
export async function pdfItems(data: Buffer): Promise<PdfItem[][]> {
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: PdfItem[][] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.flatMap((it) => ('str' in it && it.str ? [{ str: it.str, x: it.transform[4] as number, y: it.transform[5] as number }] : [])));
  }
  await pdf.destroy();
  return pages;
}
