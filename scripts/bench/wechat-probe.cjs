// Bench-only probe, preloaded into the service by bench:wechat (`node --expose-gc --require …`): over the IPC channel
// it answers with the process's CPU time and, after a full GC, its memory. The service's own code is untouched.
'use strict';
if (process.send) {
  process.on('message', (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m === 'mem') {
      if (global.gc) global.gc();
      const { rss, heapUsed } = process.memoryUsage();
      process.send({ rss, heapUsed });
    }
  });
  // The channel must not keep the service alive once it is asked to stop.
  process.channel?.unref();
}
