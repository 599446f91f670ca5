/** The callback reads its own body (the app's parser handles JSON only), with a hard byte limit. */
import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { BadRequestError, PayloadTooLargeError } from '../../errors';

const BOM = '\uFEFF';

export async function readXmlBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] || NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLargeError(`请求体超过 ${limitBytes} 字节`);
  let bytes: Buffer;
  try {
    bytes = await getRawBody(req, { limit: limitBytes, length: Number.isFinite(declared) ? declared : undefined });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw new PayloadTooLargeError(`请求体超过 ${limitBytes} 字节`);
    throw new BadRequestError('请求体读取失败', 'body_unreadable');
  }
  // Decoded once, whole, rather than through raw-body's streaming iconv decoder: the body is a few KB, UTF-8 by
  // WeChat's contract. A byte-order mark is dropped, as that decoder did.
  const xml = bytes.toString('utf8');
  return xml.startsWith(BOM) ? xml.slice(1) : xml;
}
