/**
 * WeChat XML in and out. Parsing uses fast-xml-parser with entity processing off; documents that declare a DOCTYPE or
 * entities are refused before the parser sees them (no entity expansion, no external entities). Values stay strings
 * (MsgId is a 64-bit integer that a JavaScript number would round).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export class XmlRefused extends Error {
  constructor(
    readonly reason: 'doctype' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'XmlRefused';
  }
}

/** A parsed WeChat document: field name → text, or a nested record (PublishEventInfo, ScanCodeInfo…). */
export interface XmlRecord {
  [field: string]: string | XmlRecord | XmlRecord[] | string[];
}

const CDATA = '__cdata';
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  cdataPropName: CDATA,
});

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric references in non-CDATA text; nothing else is expanded. */
function decodeText(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (name[0] !== '#') return PREDEFINED[name];
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function normalize(node: unknown): string | XmlRecord | XmlRecord[] | string[] {
  if (node === null || node === undefined) return '';
  if (typeof node !== 'object') return decodeText(String(node)).trim();
  if (Array.isArray(node)) return node.map(normalize) as XmlRecord[] | string[];
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  // A text node made of CDATA (and possibly whitespace around it).
  if (keys.includes(CDATA) && keys.every((k) => k === CDATA || k === '#text')) {
    const cdata = obj[CDATA];
    return (Array.isArray(cdata) ? cdata.join('') : String(cdata)).trim();
  }
  const out: XmlRecord = {};
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key) || key === CDATA || key === '#text') continue;
    out[key] = normalize(obj[key]) as XmlRecord[string];
  }
  return out;
}

/** The document without its CDATA sections (linear scan): citizens may type "<!DOCTYPE" in a message, which is data. */
function outsideCdata(body: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = body.indexOf('<![CDATA[', from);
    if (start < 0) break;
    const end = body.indexOf(']]>', start + 9);
    if (end < 0) break; // unterminated: left in, and the validator refuses it
    out += body.slice(from, start);
    from = end + 3;
  }
  return out + body.slice(from);
}

/** One flat field: `<Name>` + a single CDATA section or plain text (no markup, no entity) + `</Name>`. */
const FLAT_FIELD = /\s*<([A-Za-z_][\w.-]{0,63})>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<&]*))<\/\1>/y;
const FLAT_START = /^\s*<xml>/;
const FLAT_END = /\s*<\/xml>\s*$/y;

/**
 * What WeChat sends almost always: one <xml> root holding flat fields, each a single CDATA section or plain text.
 * Read by one linear scan; anything else (nesting, entities, attributes, a declaration, a repeated or reserved field,
 * CDATA split in parts) returns undefined and goes through the full parser, which gives the same record for these.
 */
function parseFlat(body: string): XmlRecord | undefined {
  const start = FLAT_START.exec(body);
  if (!start) return undefined;
  const out: XmlRecord = {};
  let at = start[0].length;
  for (;;) {
    FLAT_FIELD.lastIndex = at;
    const m = FLAT_FIELD.exec(body);
    if (!m) break;
    const [whole, name, cdataText, plain] = m;
    if (Object.hasOwn(out, name) || FORBIDDEN_KEYS.has(name) || name === CDATA || name === '#text') return undefined;
    if (cdataText !== undefined && cdataText.includes(']]>')) return undefined;
    out[name] = (cdataText ?? plain).trim();
    at += whole.length;
  }
  FLAT_END.lastIndex = at;
  return FLAT_END.test(body) ? out : undefined;
}

/** Parses a WeChat `<xml>…</xml>` document; throws XmlRefused for DOCTYPE/ENTITY or anything not well-formed. */
export function parseWechatXml(body: string): XmlRecord {
  return parseFlat(body) ?? parseWechatXmlFully(body);
}

/** The general path (fast-xml-parser after its validator): nested records, entities, repeated fields. */
export function parseWechatXmlFully(body: string): XmlRecord {
  if (/<!DOCTYPE|<!ENTITY/i.test(outsideCdata(body))) throw new XmlRefused('doctype', 'XML with DOCTYPE or ENTITY declarations is not accepted');
  const trimmed = body.trim();
  if (!trimmed) throw new XmlRefused('malformed', 'empty body');
  const valid = XMLValidator.validate(trimmed);
  if (valid !== true) throw new XmlRefused('malformed', `malformed XML: ${valid.err.msg}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(trimmed) as Record<string, unknown>;
  } catch (err) {
    throw new XmlRefused('malformed', `malformed XML: ${(err as Error).message}`);
  }
  const roots = Object.keys(parsed);
  const root = parsed.xml;
  if (roots.length !== 1 || !root || typeof root !== 'object' || Array.isArray(root)) {
    throw new XmlRefused('malformed', 'the document must have a single <xml> root element');
  }
  return normalize(root) as XmlRecord;
}

/** A field's text, or '' when absent or not text. */
export function text(record: XmlRecord, field: string): string {
  const v = record[field];
  return typeof v === 'string' ? v : '';
}

/** CDATA section that survives any content (a literal "]]>" is split across two sections). */
export function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
