import { expect } from 'chai';
import { digestFrom, renderMarkdown } from '../../src/content/markdown';

/** No executable HTML may survive: no script element, no on* attribute, no dangerous URL in href/src. */
function expectHarmless(html: string): void {
  expect(html).to.not.match(/<script/i);
  expect(html).to.not.match(/<[a-z][^>]*\son[a-z]+\s*=/i);
  expect(html).to.not.match(/(href|src)\s*=\s*"\s*(javascript|vbscript|data:text)/i);
  expect(html).to.not.match(/<(iframe|object|embed|svg|style|form)/i);
}

describe('content: Markdown rendering', () => {
  const attacks = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](jav&#x09;ascript:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](&#x6A;avascript&#58;alert(1))',
    '[x]( javascript:alert(1))',
    '[x](<javascript:alert(1)>)',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '![x](javascript:alert(1))',
    '![x](data:image/svg+xml;base64,PHN2Zy8+)',
    '<javascript:alert(1)>',
    '[x][ref]\n\n[ref]: javascript:alert(1)',
    '<svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '[a](//evil.example/x)',
    '[a](/\\evil.example)',
    '"><img src=x onerror=alert(1)>',
    '`<script>` and ```\n<script>alert(1)</script>\n```',
  ];
  for (const src of attacks) {
    it(`renders harmlessly: ${JSON.stringify(src).slice(0, 60)}`, () => {
      expectHarmless(renderMarkdown(src));
    });
  }

  it('keeps ordinary formatting, safe links with rel=noopener, and lazy images', () => {
    const html = renderMarkdown('## 标题\n\n**加粗** [新闻](/news/tuo-pin) [官网](https://www.npc.gov.cn) <https://example.org>\n\n![农场](/media/abc.jpg)\n\n[电话](tel:12345) [邮件](mailto:a@b.cn)');
    expect(html).to.contain('<h2>标题</h2>');
    expect(html).to.contain('<a href="/news/tuo-pin" rel="noopener">新闻</a>');
    expect(html).to.contain('<a href="https://www.npc.gov.cn" rel="noopener" target="_blank">官网</a>');
    expect(html).to.contain('href="https://example.org"');
    expect(html).to.contain('<img src="/media/abc.jpg" alt="农场" loading="lazy">');
    expect(html).to.contain('href="tel:12345"');
    expect(html).to.contain('href="mailto:a@b.cn"');
    // Third-party images would let another site see who reads what: they become plain links, never <img>.
    for (const src of ['https://tracker.example/pixel.gif?u=1', 'http://tracker.example/p.png', '//tracker.example/p.png']) {
      const ext = renderMarkdown(`![照片](${src})`);
      expect(ext, src).not.to.contain('<img');
      if (!src.startsWith('//')) expect(ext, src).to.contain('图片：照片'); // protocol-relative stays literal text
    }
    expect(renderMarkdown('![照片](https://tracker.example/p.png)')).to.contain('href="https://tracker.example/p.png" rel="noopener nofollow noreferrer"');
    expect(renderMarkdown('![p](data:image/png;base64,iVBORw0KGgo=)')).to.contain('src="data:image/png;base64');
  });

  it('shows a photo alone in its paragraph as a figure with its caption and credit; inline images stay inline', () => {
    expect(renderMarkdown('![代表走访农户](/media/a.jpg "摄影：王明")')).to.equal(
      '<figure><img src="/media/a.jpg" alt="代表走访农户" title="摄影：王明" loading="lazy"><figcaption>代表走访农户<span class="credit">摄影：王明</span></figcaption></figure>\n',
    );
    expect(renderMarkdown('![<b>说明</b>](/media/a.jpg)')).to.contain('<figcaption>&lt;b&gt;说明&lt;/b&gt;</figcaption>');
    expect(renderMarkdown('![](/media/a.jpg)')).to.equal('<figure><img src="/media/a.jpg" alt="" loading="lazy"></figure>\n');
    const inline = renderMarkdown('走访时拍下 ![农场](/media/a.jpg) 这张照片');
    expect(inline).to.match(/^<p>走访时拍下 <img [^>]+> 这张照片<\/p>/);
    expect(inline).not.to.contain('figcaption');
    expect(renderMarkdown('![照片](https://tracker.example/p.png)')).not.to.contain('<figure');
  });

  it('shows raw HTML as text rather than dropping what the editor typed', () => {
    expect(renderMarkdown('<b>粗</b>')).to.contain('&lt;b&gt;粗&lt;/b&gt;');
  });

  it('makes plain-text digests of at most the given length', () => {
    expect(digestFrom('# 标题\n\n正文 **加粗** [链接](http://x)')).to.equal('标题 正文 加粗 链接');
    const long = digestFrom('字'.repeat(300));
    expect(Array.from(long)).to.have.length(120);
    expect(long.endsWith('…')).to.equal(true);
  });
});
