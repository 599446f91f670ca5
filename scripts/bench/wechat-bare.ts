/**
 * bench:wechat's second baseline: the WeChat callback protocol's own work and nothing else, on bare node:http in a
 * process of its own (bundled against dist/ and run with node, as the service runs). Per POST it does what any
 * server answering WeChat in safe mode must: read the body, check msg_signature over the ciphertext, decrypt, parse
 * the envelope and the message, then seal and sign a text reply addressed back to the sender (`success` for an
 * unsubscribe, as the service answers it); in plain mode (no BARE_AES_KEY) it checks the signature, parses and
 * answers. No database, no retry dedupe, no keyword rules, no access log or metrics: what the service adds to this
 * is the app's share of a callback.
 *
 * Started by bench:wechat with the account's settings in its environment (BARE_TOKEN; BARE_APP_ID and BARE_AES_KEY
 * in safe mode); it reports its port over IPC and stops when the channel closes.
 */
import http from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { WechatCrypto } from '../../src/wechat/crypto';
import { HINT } from '../../src/wechat/inbound/content-replies';
import { toInbound } from '../../src/wechat/inbound/message';
import { renderReplyXml, sealedReplyXml } from '../../src/wechat/inbound/reply';
import { verifyMsgSignature, verifyPlainSignature } from '../../src/wechat/signature';
import { parseWechatXml, text } from '../../src/wechat/xml';

const token = process.env.BARE_TOKEN!;
const crypto = process.env.BARE_AES_KEY ? new WechatCrypto(process.env.BARE_APP_ID!, process.env.BARE_AES_KEY) : undefined;

function answer(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const q = req.url!.indexOf('?');
  const query = parseQuery(q === -1 ? '' : req.url!.slice(q + 1)) as Record<string, string | undefined>;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      const { timestamp = '', nonce = '' } = query;
      const body = parseWechatXml(Buffer.concat(chunks).toString('utf8'));
      let message = body;
      let key: string | undefined;
      if (crypto) {
        const encrypted = text(body, 'Encrypt');
        if (!verifyMsgSignature(token, timestamp, nonce, encrypted, query.msg_signature)) return answer(res, 403, 'text/plain', 'invalid signature');
        const opened = crypto.open(encrypted);
        key = opened.key;
        message = parseWechatXml(opened.message);
      } else if (!verifyPlainSignature(token, timestamp, nonce, query.signature)) {
        return answer(res, 403, 'text/plain', 'invalid signature');
      }
      const msg = toInbound(message);
      if (msg.msgType === 'event' && msg.event?.toUpperCase() === 'UNSUBSCRIBE') return answer(res, 200, 'text/plain', 'success');
      const now = Math.floor(Date.now() / 1000);
      const reply = renderReplyXml({ type: 'text', content: HINT }, { toUser: msg.fromUser, fromUser: msg.toUser, createTime: now });
      if (!crypto) return answer(res, 200, 'text/xml; charset=utf-8', reply);
      const replyNonce = Math.random().toString(36).slice(2, 10);
      answer(res, 200, 'text/xml; charset=utf-8', sealedReplyXml(token, crypto.seal(reply, key), String(now), replyNonce));
    } catch {
      answer(res, 400, 'text/plain', 'bad request');
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
