// Bench-only probe, preloaded into the service by bench:wechat (`node --expose-gc --require …`): over the IPC channel
// it answers with the process's CPU time and, after a full GC, its memory; with `--cpu-prof` it also profiles the
// measured phases alone (start/stop around each phase, through the inspector). The service's own code is untouched.
'use strict';
if (process.send) {
  let session;
  process.on('message', (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() });
    if (m === 'mem') {
      if (global.gc) global.gc();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      // What V8 keeps committed per space (new space grows under allocation pressure and is not given back at once).
      const spaces = Object.fromEntries(process.getBuiltinModule('node:v8').getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
      process.send({ rss, heapUsed, heapTotal, external, arrayBuffers, spaces });
    }
    if (m === 'mem-now') {
      // As it stands, without a GC: what the RSS is made of at a peak (V8 spaces committed, buffers outside the heap).
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      const spaces = Object.fromEntries(process.getBuiltinModule('node:v8').getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
      process.send({ now: true, rss, heapUsed, heapTotal, external, arrayBuffers, spaces });
    }
    if (m === 'profile-start') {
      const inspector = process.getBuiltinModule('node:inspector');
      if (!session) {
        session = new inspector.Session();
        session.connect();
      }
      session.post('Profiler.enable', () => session.post('Profiler.start', () => process.send({ profiling: true })));
    }
    if (m === 'heap-sample-start') {
      // Every allocation sampled (every 32 KB), those already collected too: where the young and old spaces' churn comes from.
      const inspector = process.getBuiltinModule('node:inspector');
      if (!session) {
        session = new inspector.Session();
        session.connect();
      }
      const options = { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
      session.post('HeapProfiler.startSampling', options, () => process.send({ heapSampling: true }));
    }
    if (typeof m === 'object' && m && m.heapSnapshotTo) {
      // What the heap holds, object by object (DevTools' Memory tab; compare two to see what a load left behind).
      if (global.gc) global.gc();
      process.send({ heapSnapshot: process.getBuiltinModule('node:v8').writeHeapSnapshot(m.heapSnapshotTo) });
    }
    if (typeof m === 'object' && m && m.heapSampleStopTo) stopAndSave(session, 'HeapProfiler.stopSampling', m.heapSampleStopTo, 'heapSampled');
    if (typeof m === 'object' && m && m.profileStopTo) stopAndSave(session, 'Profiler.stop', m.profileStopTo, 'profiled');
  });
  // The channel must not keep the service alive once it is asked to stop.
  process.channel?.unref();
}

/** Stops an inspector profile, writes it to `file` and answers `{ [reply]: file }` (or `false` and the error). */
function stopAndSave(session, method, file, reply) {
  session.post(method, (err, result) => {
    try {
      if (err) throw err;
      process.getBuiltinModule('node:fs').writeFileSync(file, JSON.stringify(result.profile));
      process.send({ [reply]: file });
    } catch (error) {
      process.send({ [reply]: false, error: String(error) });
    }
  });
}
