/** What /admin says when the console has not been built on this machine. */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function missingBuildPage(consoleDir: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>管理后台尚未构建 - 连心</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.7">
<h1>管理后台尚未构建</h1>
<p>服务已经启动，但没有找到管理后台的构建文件（<code>${escapeHtml(consoleDir)}</code>）。</p>
<p>请在项目目录中运行 <code>npm install</code>（会自动构建管理后台），然后刷新本页。
如果构建文件在其他位置，请用环境变量 <code>CONSOLE_DIR</code> 指定。</p>
<p>在此期间，管理接口仍可通过 <a href="/api/docs">/api/docs</a> 查看和调用。</p>
</body>
</html>
`;
}
