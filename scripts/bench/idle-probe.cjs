// Preloaded into the compiled service by bench:idle (node --expose-gc --require …): on the parent's 'measure'
// message it reports the RSS as it stands, then after two full GCs, with the packages loaded so far. Nothing else.
process.on('message', (msg) => {
  if (msg !== 'measure') return;
  const asIs = process.memoryUsage().rss;
  global.gc?.();
  global.gc?.();
  const packages = {};
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m) packages[m[1]] = (packages[m[1]] ?? 0) + 1;
  }
  process.send?.({ asIs, memory: process.memoryUsage(), packages });
});
