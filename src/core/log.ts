// Logs go to stderr, one line per event, with a UTC timestamp: cron mail stays readable and stdout keeps
// only the run summary. Two formats: text (`time level message key=value ...`, greppable, for a person
// at a terminal) and JSON lines (one object per event with the stable keys time, level, message,
// fields; the default when stderr is not a terminal, so a log collector can parse it).

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LogSink {
  write(line: string): unknown;
}

export type LogFormat = 'text' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface LoggerOptions {
  format?: LogFormat;
  /** Colour the level (text only): decided by the caller from the terminal and NO_COLOR / TERM / CI. */
  color?: boolean;
  clock?: () => Date;
}

export function createLogger(sink: LogSink = process.stderr, options: LoggerOptions = {}): Logger {
  const { format = 'text', color = false, clock = () => new Date() } = options;
  const line = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const kept = Object.entries(fields ?? {}).filter(([, value]) => value !== undefined);
    if (format === 'json') {
      sink.write(`${jsonLine(clock(), level, message, Object.fromEntries(kept))}\n`);
      return;
    }
    const rendered = kept.map(([key, value]) => ` ${key}=${formatValue(value)}`).join('');
    const shownLevel = color && LEVEL_COLOR[level] ? `${LEVEL_COLOR[level]}${level}\u001b[0m` : level;
    sink.write(`${clock().toISOString()} ${shownLevel} ${escapeControls(message)}${rendered}\n`);
  };
  return {
    info: (message, fields) => line('info', message, fields),
    warn: (message, fields) => line('warn', message, fields),
    error: (message, fields) => line('error', message, fields),
  };
}

/** A logger that keeps its lines, for tests that assert on what was logged. */
export function createMemoryLogger(format: LogFormat = 'text'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ write: (text: string) => lines.push(text.trimEnd()) }, { format });
  return Object.assign(logger, { lines });
}

const LEVEL_COLOR: Record<string, string> = { warn: '\u001b[33m', error: '\u001b[31m' };

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS_GLOBAL = new RegExp(CONTROLS.source, 'g');

function jsonLine(time: Date, level: string, message: string, fields: Record<string, unknown>): string {
  const text = JSON.stringify({ time: time.toISOString(), level, message, fields }, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  // JSON.stringify escapes U+0000-U+001F but leaves DEL, the C1 controls and the line separators raw.
  return text.replace(CONTROLS_GLOBAL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[\s"]/.test(text) || CONTROLS.test(text) ? escapeControls(JSON.stringify(text)) : text;
}

/**
 * One event, one line: a control or line-separator character in a message or a value (a file name
 * holding a newline) is written as an escape, so it cannot end the line or forge the next one.
 */
function escapeControls(text: string): string {
  return text.replace(CONTROLS_GLOBAL, (char) =>
    char === '\n'
      ? '\\n'
      : char === '\t'
        ? '\\t'
        : char === '\r'
          ? '\\r'
          : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
