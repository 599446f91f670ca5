/**
 * The parts of an official document (GB/T 9704-2012) in their order, filled from a report: one model the Word
 * document and the PDF both lay out. 份号 and 密级 are not used for these reports, so they are left out.
 *   版头: 发文机关标志 (red), 文号 (none on a draft), the red separator line
 *   主体: 标题, 主送机关, 正文 (headings 一、（一）1.), 附件说明, 发文机关署名, 成文日期
 *   版记: 抄送机关 (when there are any), 印发机关 and 印发日期, between the colophon's lines
 */
import type { ReportData } from './data';
import { reportBlocks, reportDate, type Block } from './text';

/** The red of the 版头 (发文机关标志 and the separator line), as the PDF and Word documents both print it. */
export const RED = 'E60012';

/**
 * Where the 版头's parts sit and how big they are (GB/T 9704-2012 7.2), in points and millimetres, for both documents:
 * the mark's top 35 mm under the top of the 版心, the 文号 two lines under the mark, the red line 4 mm under the 文号,
 * the title two lines under the line; the 版记's rules (thick first and last, thin between) and the page numbers.
 */
export const HEAD = {
  markTopMm: 35,
  /** The mark's largest size (points); a long one is made smaller so it stays on one line of the 版心. */
  markMaxPt: 36,
  markSpacing: 0.08, // letter-spacing, as a share of the size
  numberGapLines: 2,
  lineGapMm: 4,
  lineWidthPt: 1.5,
  colophonThickMm: 0.35,
  colophonThinMm: 0.25,
  pageNumberPt: 14,
} as const;

/** The 发文机关标志's size in points: 36 pt, or less so that it (one character's room to spare) fits `widthPt`. */
export const markSizePt = (mark: string, widthPt: number) => Math.min(HEAD.markMaxPt, Math.floor(widthPt / ([...mark].length + 1)));

/** A page number as GB/T 9704 prints it: a dash each side. */
export const pageNumberText = (n: number | string) => `— ${n} —`;

export interface DocumentMeta {
  /** 发文机关署名, e.g. 某市人大常委会. */
  issuer: string;
  docNumber: string | null;
  /** 成文日期: the issue date once issued, else the generation date. */
  date: Date;
  draft: boolean;
}

export interface OfficialDocument {
  /** 发文机关标志, printed in red at the head. */
  issuerMark: string;
  /** 文号, e.g. 督导通报〔2030〕2号; null on a draft. */
  docNumber: string | null;
  /** 征求意见稿: a draft says so above the head. */
  draft: boolean;
  title: string;
  /** 主送机关, ending in a full-width colon. */
  recipients: string;
  blocks: Block[];
  /** 附件说明: the names of attachments, numbered when more than one. None for the generated reports today. */
  attachments: string[];
  signature: string;
  date: string;
  colophon: { copiesTo: string[]; printer: string; printedOn: string };
}

export function officialDocument(d: ReportData, meta: DocumentMeta): OfficialDocument {
  return {
    issuerMark: `${meta.issuer}文件`,
    docNumber: meta.docNumber,
    draft: meta.draft,
    title: d.title,
    recipients: '各县（市、区）人大常委会，市人大常委会各工作委员会：',
    blocks: reportBlocks(d),
    attachments: [],
    signature: meta.issuer,
    date: reportDate(meta.date),
    colophon: { copiesTo: [], printer: `${meta.issuer}办公室`, printedOn: `${reportDate(meta.date)}印发` },
  };
}
