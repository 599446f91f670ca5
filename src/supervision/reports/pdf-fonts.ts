/**
 * The PDF's fonts, by role. GB/T 9704 asks for 方正小标宋 (title), 仿宋_GB2312 (body), 黑体 and 楷体_GB2312; those are
 * licensed fonts no server can assume, so each role is a configured file (REPORT_FONT_*), by default free substitutes
 * from Debian packages (see the README). The default Song and Kai cover GB 2312 only: a character they lack is set
 * in the fallback font (a full-coverage CJK font, opened only when needed). A missing file is a clear 503 naming the
 * setting, never a PDF with blank boxes.
 *
 * A face's bytes are read once and kept while PDFs are being made, then dropped after a minute without one (some 30 MB
 * for the default title, body, heading and kai faces, and the parsed faces' tables and glyph caches on top). Kept for
 * the life of the process, they rode along under every later request, ahead of the next bulletin's own peak; read
 * per document, PDFs made back to back (or at once) each held their own set until V8 collected them: four in a row
 * reached +240 MB over the process before any work. Dropping them does not fragment the heap as long as glibc's
 * mmap threshold is fixed (npm start sets MALLOC_MMAP_THRESHOLD_; see the README): each buffer is its own mapping,
 * given back whole, and a full collection is asked for at once (src/heavy-work.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { Config, FontSource } from '../../config';
import { AppError } from '../../errors';
import { collectAfterHeavyWork } from '../../heavy-work';

export type FontRole = 'title' | 'body' | 'heading' | 'kai';
export type FontName = FontRole | 'fallback';

const VARIABLE: Record<FontName, string> = { title: 'REPORT_FONT_TITLE', body: 'REPORT_FONT_BODY', heading: 'REPORT_FONT_HEADING', kai: 'REPORT_FONT_KAI', fallback: 'REPORT_FONT_FALLBACK' };
const ROLES: FontRole[] = ['title', 'body', 'heading', 'kai'];

export class FontsMissingError extends AppError {
  constructor(missing: Array<{ variable: string; file: string }>, detail = '') {
    super(503, 'pdf_fonts_missing', `生成 PDF 所需的字体文件不存在：${missing.map((m) => `${m.variable}=${m.file}`).join('；')}${detail}。请安装字体（见 README）或修改配置`, { missing });
  }
}

function open(data: Buffer, source: FontSource, name: FontName): fontkit.Font {
  const f = fontkit.create(data, source.postscriptName);
  if (!('hasGlyphForCodePoint' in f)) throw new AppError(503, 'pdf_fonts_missing', `${VARIABLE[name]}=${source.file} 是字体集合，请用 #PostScriptName 指明其中一款`);
  return f;
}

export interface ReportFonts {
  sources: Record<FontName, FontSource>;
  /** The parsed face, once per process: pdfkit sets text in it and the coverage check asks it for glyphs. */
  face(name: FontName): fontkit.Font;
  /** The text cut into runs: the role's font where it has the glyphs, the fallback where it does not. */
  runs(role: FontRole, text: string): Array<{ font: FontName; text: string }>;
  /** One font for a short text set as a whole (a cell, a caption): the role's, or the fallback if it lacks any glyph. */
  fontFor(role: FontRole, text: string): FontName;
}

// Each file read and each face parsed once while in use, however many roles and documents use it (by default the
// title and the body share one face). pdfkit takes the parsed face as it is (each document makes its own subset).
const bytes = new Map<string, Buffer>();
const opened = new Map<string, fontkit.Font>();
const KEEP_IDLE_MS = 60_000;
let dropTimer: NodeJS.Timeout | undefined;

/** Keeps the faces for another KEEP_IDLE_MS, then drops them (the timer never keeps the process alive). */
function keepAWhile(): void {
  clearTimeout(dropTimer);
  dropTimer = setTimeout(() => {
    bytes.clear();
    opened.clear();
    collectAfterHeavyWork();
  }, KEEP_IDLE_MS).unref();
}

/** The configured fonts, every file checked to exist; the fallback is checked when a character needs it. */
export function reportFonts(config: Config): ReportFonts {
  const sources = config.reports.fonts;
  keepAWhile();
  const missing = ROLES.filter((role) => !existsSync(sources[role].file)).map((role) => ({ variable: VARIABLE[role], file: sources[role].file }));
  if (missing.length) throw new FontsMissingError(missing);
  const data = (name: FontName) => bytes.get(sources[name].file) ?? bytes.set(sources[name].file, readFileSync(sources[name].file)).get(sources[name].file)!;
  const faceKey = (name: FontName) => `${sources[name].file}#${sources[name].postscriptName ?? ''}`;
  const fontOf = (name: FontName) => opened.get(faceKey(name)) ?? opened.set(faceKey(name), open(data(name), sources[name], name)).get(faceKey(name))!;
  const has = (role: FontRole, ch: string) => /\s/.test(ch) || fontOf(role).hasGlyphForCodePoint(ch.codePointAt(0)!);
  const needFallback = (chars: string[]) => {
    if (!existsSync(sources.fallback.file)) throw new FontsMissingError([{ variable: VARIABLE.fallback, file: sources.fallback.file }], `（“${chars.join('')}”不在所配字体中）`);
  };
  return {
    sources,
    face: fontOf,
    runs(role, text) {
      const out: Array<{ font: FontName; text: string }> = [];
      for (const ch of text) {
        const font: FontName = has(role, ch) ? role : 'fallback';
        if (font === 'fallback') needFallback([ch]);
        const last = out[out.length - 1];
        if (last?.font === font) last.text += ch;
        else out.push({ font, text: ch });
      }
      return out;
    },
    fontFor(role, text) {
      const lacking = [...text].filter((ch) => !has(role, ch));
      if (!lacking.length) return role;
      needFallback(lacking);
      return 'fallback';
    },
  };
}
