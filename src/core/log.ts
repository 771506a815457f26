// Logs go to stderr, one line per event, with a UTC timestamp: cron mail stays readable and stdout keeps
// only the run summary. Fields are appended as key=value so a line can be grepped.

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface LogSink {
  write(line: string): unknown;
}

export function createLogger(sink: LogSink = process.stderr, clock: () => Date = () => new Date()): Logger {
  const line = (level: string, message: string, fields?: Record<string, unknown>): void => {
    const rendered = fields
      ? Object.entries(fields)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => ` ${key}=${formatValue(value)}`)
          .join('')
      : '';
    sink.write(`${clock().toISOString()} ${level} ${escapeControls(message)}${rendered}\n`);
  };
  return {
    info: (message, fields) => line('info', message, fields),
    warn: (message, fields) => line('warn', message, fields),
    error: (message, fields) => line('error', message, fields),
  };
}

/** A logger that keeps its lines, for tests that assert on what was logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ write: (text: string) => lines.push(text.trimEnd()) });
  return Object.assign(logger, { lines });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS_GLOBAL = new RegExp(CONTROLS.source, 'g');

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
