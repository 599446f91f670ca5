/**
 * Runs the embedded engine in a child process for the service and keeps it running: a child that dies is
 * started again (with backoff) on the same data directory and socket, so the driver reconnects by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../logger';
import type { EngineProcessMessage } from './engine-protocol';

/** The directory is owned by another process; `role`/`socket` say who, when it published them. */
export class EngineLockedError extends Error {
  constructor(
    message: string,
    readonly role?: string,
    readonly socket?: string,
  ) {
    super(message);
    this.name = 'EngineLockedError';
  }
}

// engine-process.ts under tsx, engine-process.js in the compiled build (npm start): the same extension as this file.
const ENTRY = path.join(__dirname, `engine-process${path.extname(__filename)}`);
const STOP_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 5_000;

/** Node flags for the child: a TypeScript entry inherits the parent's tsx loader, or adds it (e.g. under mocha's require hook). */
function childExecArgv(): string[] {
  if (!ENTRY.endsWith('.ts') || process.execArgv.some((a) => a.includes('tsx'))) return process.execArgv;
  return [...process.execArgv, '--import', 'tsx'];
}

export class EngineSupervisor {
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;

  constructor(
    private readonly dbPath: string,
    private readonly cacheMb: number,
    private readonly logger: Logger,
  ) {}

  /** Starts the engine process; resolves with its socket URI once it serves. */
  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = fork(ENTRY, [this.dbPath, String(this.cacheMb)], { execArgv: childExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.child = child;
      let ready = false;
      child.on('message', (m: EngineProcessMessage) => {
        if (m.type === 'log') this.logger[m.level]({ ...m.fields, component: 'embedded-mongo', enginePid: child.pid }, m.msg);
        else if (m.type === 'locked') reject(new EngineLockedError(m.message, m.role, m.socket));
        else if (m.type === 'ready') {
          ready = true;
          this.restarts = 0;
          resolve(m.uri);
        }
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!ready) return reject(new Error(`embedded engine process exited before serving (${signal ?? `code ${code}`})`));
        if (this.stopping) return;
        this.logger.error({ code, signal, enginePid: child.pid }, 'embedded engine process died; restarting it');
        this.scheduleRestart();
      });
    });
  }

  private scheduleRestart(): void {
    const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** this.restarts++);
    this.restartTimer = setTimeout(() => {
      this.start().then(
        () => this.logger.info({ dbPath: this.dbPath }, 'embedded engine process serving again'),
        (err: Error) => {
          if (this.stopping) return;
          this.logger.error({ err: err.message }, 'embedded engine process could not restart; trying again');
          if (!this.child) this.scheduleRestart();
        },
      );
    }, delay);
    this.restartTimer.unref();
  }

  /** Asks the engine to flush and stop; kills it if it has not within STOP_TIMEOUT_MS. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** The engine process's pid (for operators and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }
}
