/** Messages between the service and its engine process (src/db/engine-process.ts), over the fork IPC channel. */
export type EngineProcessMessage =
  | { type: 'ready'; uri: string }
  | { type: 'locked'; message: string; role?: string; socket?: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> };

/** Exit code of an engine process that found the data directory owned by another process. */
export const EXIT_LOCKED = 3;
