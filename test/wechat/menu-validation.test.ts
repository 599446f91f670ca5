/** Menu validation against WeChat's limits, naming the offending button by its path. */
import { expect } from 'chai';
import { ValidationError } from '../../src/errors';
import { defaultMenu } from '../../src/wechat/menu/service';
import { validateMenu } from '../../src/wechat/menu/validate';

function problems(menu: unknown): string[] {
  try {
    validateMenu(menu);
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    return ((err as ValidationError).details as { field: string; message: string }[]).map((p) => `${p.field}: ${p.message}`);
  }
  return [];
}

describe('menu validation', () => {
  it('accepts the default menu and WeChat-shaped menus (sub_button: [] on action buttons)', () => {
    expect(validateMenu(defaultMenu('https://lianxin.example.cn')).button).to.have.length(3);
    expect(problems({ button: [{ type: 'click', name: '新闻', key: 'LATEST_NEWS', sub_button: [] }] })).to.deep.equal([]);
  });

  it('counts buttons and sub-buttons', () => {
    expect(problems({ button: [] })[0]).to.match(/^body\.button: 一级菜单应为 1～3 个/);
    const four = Array.from({ length: 4 }, (_, i) => ({ type: 'click', name: `b${i}`, key: `K${i}` }));
    expect(problems({ button: four })[0]).to.match(/^body\.button:/);
    const six = Array.from({ length: 6 }, (_, i) => ({ type: 'click', name: `s${i}`, key: `K${i}` }));
    expect(problems({ button: [{ name: '更多', sub_button: six }] })[0]).to.match(/^body\.button\[0\]\.sub_button: 子菜单应为 1～5 个/);
  });

  it('measures names in bytes: 16 for buttons, 60 for sub-buttons', () => {
    expect(problems({ button: [{ type: 'click', name: '一二三四五', key: 'LATEST_NEWS' }] })).to.deep.equal([]); // 15 bytes
    expect(problems({ button: [{ type: 'click', name: '一二三四五六', key: 'LATEST_NEWS' }] })[0]).to.match(/^body\.button\[0\]\.name: name 超过 16 字节（当前 18 字节）/);
    const sub = (name: string) => ({ button: [{ type: 'click', name: 'a', key: 'LATEST_NEWS' }, { name: '更多', sub_button: [{ type: 'click', name: 'ok', key: 'LATEST_NEWS' }, { type: 'click', name, key: 'MODEL_CASES' }] }] });
    expect(problems(sub('字'.repeat(20)))).to.deep.equal([]); // 60 bytes
    expect(problems(sub('字'.repeat(21)))[0]).to.match(/^body\.button\[1\]\.sub_button\[1\]\.name: name 超过 60 字节/);
  });

  it('lets view buttons open only the microsite or https pages on the allowed hosts', () => {
    const rule = { publicBaseUrl: 'http://lianxin.test', hosts: ['lianxin.test', 'www.example.gov.cn'] };
    const urlProblems = (url: string) => {
      try {
        validateMenu({ button: [{ type: 'view', name: 'a', url }] }, rule);
        return [];
      } catch (err) {
        return ((err as ValidationError).details as { field: string }[]).map((p) => p.field);
      }
    };
    expect(urlProblems('http://lianxin.test/meetings')).to.deep.equal([]); // the microsite itself, as configured
    expect(urlProblems('https://www.example.gov.cn/notice')).to.deep.equal([]);
    for (const url of ['https://evil.example/phish', 'http://www.example.gov.cn/', 'https://lianxin.test.evil.example/', 'http://lianxin.test@evil.example/']) {
      expect(urlProblems(url), url).to.deep.equal(['body.button[0].url']);
    }
  });

  it('checks each type’s required fields and their limits', () => {
    expect(problems({ button: [{ type: 'click', name: 'a' }] })[0]).to.equal('body.button[0].key: key 必填');
    expect(problems({ button: [{ type: 'click', name: 'a', key: 'K'.repeat(129) }] })[0]).to.match(/^body\.button\[0\]\.key: key 超过 128 字节/);
    expect(problems({ button: [{ type: 'view', name: 'a', url: `https://x.cn/${'p'.repeat(1020)}` }] })[0]).to.match(/^body\.button\[0\]\.url: url 超过 1024 字节/);
    expect(problems({ button: [{ type: 'view', name: 'a', url: 'ftp://x.cn' }] })[0]).to.match(/url 必须是 https/);
    expect(problems({ button: [{ type: 'view', name: 'a', url: 'http://x.cn' }] })[0]).to.match(/url 必须是 https/);
    expect(problems({ button: [{ type: 'teleport', name: 'a' }] })[0]).to.match(/^body\.button\[0\]\.type: type 必须是/);
    expect(problems({ button: [{ type: 'miniprogram', name: 'a', url: 'https://x.cn' }] })).to.include('body.button[0].appid: appid 必填');
    expect(problems({ button: [{ type: 'click', name: 'a', key: 'LATEST_NEWS', colour: 'red' }] })).to.include('body.button[0].colour: unknown field');
  });

  it('refuses nested sub-menus and typed parents', () => {
    const nested = { button: [{ name: 'a', sub_button: [{ name: 'b', sub_button: [{ type: 'click', name: 'c', key: 'LATEST_NEWS' }] }] }] };
    expect(problems(nested)[0]).to.equal('body.button[0].sub_button[0].sub_button: 二级菜单不能再包含子菜单');
    const typed = { button: [{ type: 'click', key: 'LATEST_NEWS', name: 'a', sub_button: [{ type: 'click', name: 'c', key: 'LATEST_NEWS' }] }] };
    expect(problems(typed)).to.include('body.button[0].type: 包含子菜单的按钮不能设置 type');
  });
});
