// Progress of a run on a terminal: one line, rewritten in place, with the archive files and days read
// (and the read rate in MB/s), the datasets protected and the objects written. Stages report through the small Progress interface
// they are handed (no globals); when stderr is not a terminal (cron, CI, a pipe) nothing is drawn, so
// the line never reaches cron mail. The terminal also decides the default log format and colour
// (NO_COLOR, TERM=dumb and CI turn colour off; TERM=dumb and CI turn the progress line off).

import { createLogger, type LogFormat, type Logger } from './log.js';

export type ProgressCounter = 'files' | 'bytes' | 'days' | 'datasets' | 'objects';

export interface Progress {
  add(counter: ProgressCounter, amount?: number): void;
  /** Clears the line, for good: the summary follows on stdout. */
  stop(): void;
}

export const NO_PROGRESS: Progress = { add: () => {}, stop: () => {} };

interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Terminal {
  defaultFormat: LogFormat;
  noProgress: Progress;
  /** The logger (and progress line, on a terminal) of one command run in this format. */
  session(format: LogFormat): { logger: Logger; progress: Progress };
}

export function terminalOf(stream: TerminalStream, env: NodeJS.ProcessEnv, clock: () => number = Date.now): Terminal {
  const tty = stream.isTTY === true;
  const dumb = env.TERM === 'dumb';
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
  const color = tty && !dumb && !ci && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  const drawProgress = tty && !dumb && !ci;
  return {
    defaultFormat: tty ? 'text' : 'json',
    noProgress: NO_PROGRESS,
    session(format) {
      if (!drawProgress) return { logger: createLogger(stream, { format, color }), progress: NO_PROGRESS };
      const line = createProgressLine(stream, clock);
      // A log line first clears the progress line, then the line is drawn again below it.
      const sink = {
        write: (text: string) => {
          line.clear();
          stream.write(text);
          line.redraw();
        },
      };
      return { logger: createLogger(sink, { format, color }), progress: line };
    },
  };
}

const REDRAW_MS = 100;

/** The updating line itself: redrawn at most every 100 ms, so counting stays cheap. */
export function createProgressLine(
  stream: TerminalStream,
  clock: () => number = Date.now,
): Progress & { clear(): void; redraw(): void } {
  const counts: Record<ProgressCounter, number> = { files: 0, bytes: 0, days: 0, datasets: 0, objects: 0 };
  const started = clock();
  let drawn = false;
  let lastDraw = 0;
  let stopped = false;
  const text = (): string => {
    const seconds = Math.max((clock() - started) / 1000, 0.001);
    const parts = [
      `read ${counts.files} files, ${counts.days} days (${megabytes(counts.bytes / seconds)} MB/s)`,
      `protected ${counts.datasets} datasets`,
      `wrote ${counts.objects} objects`,
    ];
    return parts.join(' | ').slice(0, Math.max((stream.columns || 80) - 1, 20));
  };
  const draw = (): void => {
    if (stopped) return;
    stream.write(`\r\u001b[2K${text()}`);
    drawn = true;
    lastDraw = clock();
  };
  const clear = (): void => {
    if (drawn) stream.write('\r\u001b[2K');
    drawn = false;
  };
  return {
    add(counter, amount = 1) {
      counts[counter] += amount;
      if (clock() - lastDraw >= REDRAW_MS) draw();
    },
    clear,
    redraw: () => {
      if (lastDraw > 0) draw();
    },
    stop() {
      clear();
      stopped = true;
    },
  };
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
