/**
 * Imported first by a measured bench process: its resident memory before any other module is loaded (the bare
 * runtime, plus tsx when run under it), to print beside what loading the app and doing the work add.
 */
import { readFileSync } from 'node:fs';

export const rssAtStartMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;
