import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { cubeOnlyQueries } from '../helpers/queries.js';

// The log as cron and a terminal see it, from real processes: JSON lines when stderr is a pipe, text
// and a progress line when it is a pseudo-terminal (util-linux `script` gives the child one).
const run = promisify(execFile);
const BIN = 'bin/telemetry-publisher.js';
const ESC = '\u001b';

async function publishArgs(tmp: string): Promise<string[]> {
  const archive = await writeArchive(tmp, { '2026-07-01': machines(12, 'log-') });
  const target = await folderIn(tmp, 'tp-log-');
  // The cube alone, so the counted objects and datasets are the cube's.
  return cliUsagePublishArgs(archive, target, '--queries-dir', await cubeOnlyQueries(tmp));
}

/** The environment of a cron job: no CI marker, no colour settings inherited from the test runner. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { CI: _ci, NO_COLOR: _noColor, TP_LOG_FORMAT: _format, FORCE_COLOR: _force, ...rest } = process.env;
  return { ...rest, TERM: 'xterm-256color', ...extra };
}

describe('log lines', () => {
  it('are one JSON object per event with stable keys when stderr is not a terminal', async ({ tmp }) => {
    const { stderr, stdout } = await run(process.execPath, [BIN, ...(await publishArgs(tmp))], { env: plainEnv() });
    expect(stdout).toMatch(/cli-usage: published/);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const event = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(event)).toEqual(['time', 'level', 'message', 'fields']);
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(['info', 'warn', 'error']).toContain(event.level);
    }
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toContain('run started');
    // Nothing drawn for a terminal: no carriage return, no escape sequence.
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toContain(ESC);
  });

  it('are text with --log-format text (or TP_LOG_FORMAT=text), and a bad format is refused', async ({ tmp }) => {
    const args = await publishArgs(tmp);
    const flag = await run(process.execPath, [BIN, ...args, '--log-format', 'text'], { env: plainEnv() });
    expect(flag.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z info run started quarter=2026-Q3/m);
    const env = await run(process.execPath, [BIN, ...args], { env: plainEnv({ TP_LOG_FORMAT: 'text' }) });
    expect(env.stderr).toMatch(/ info run started /);
    const bad = await run(process.execPath, [BIN, ...args], { env: plainEnv({ TP_LOG_FORMAT: 'xml' }) }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((bad as { code: number }).code).toBe(3);
    expect((bad as { stderr: string }).stderr).toContain('TP_LOG_FORMAT must be one of text, json');
  });

  it('escape a control character inside a JSON line too', async ({ tmp }) => {
    const args = await publishArgs(tmp);
    // A DEL and a line separator in a setting value: JSON.stringify alone would leave them raw.
    const failure = await run(process.execPath, [BIN, ...args, '--opt-out', `${tmp}/no\u007fsuch\u2028file`], {
      env: plainEnv(),
    }).catch((error: { stderr: string }) => error);
    const { stderr } = failure as { stderr: string };
    expect(stderr).toContain('\\u007f');
    expect(stderr).not.toMatch(/[\u007f\u2028]/);
    for (const line of stderr.trimEnd().split('\n')) JSON.parse(line);
  });
});

describe('on a terminal', () => {
  async function onTerminal(args: string[], extra: Record<string, string> = {}): Promise<string> {
    // `script` runs the command on a new pseudo-terminal and copies what it draws to stdout.
    const command = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
    const { stdout } = await run('script', ['-qfec', command, '/dev/null'], { env: plainEnv(extra) });
    return stdout;
  }

  it('logs text and draws one updating progress line that is cleared before the summary', async ({ tmp }) => {
    const screen = await onTerminal(await publishArgs(tmp));
    expect(screen).toMatch(/ info run started /);
    expect(screen).not.toMatch(/^\{"time"/m);
    // Fifteen objects (data, copies, reports, catalog, pages) and the publication log are counted; the lock is not.
    expect(screen).toMatch(/info published written=15 /);
    expect(screen).toContain(`\r${ESC}[2Kread 1 files, 1 days (`);
    expect(screen).toMatch(/read 1 files, 1 days \([\d.]+ MB\/s\) \| protected 1 datasets \| wrote 16 objects/);
    // The summary starts on a cleared line, not after the progress text.
    expect(screen).toContain(`\r${ESC}[2KPublished 2026-Q3`);
  });

  it('draws no progress line with CI or TERM=dumb', async ({ tmp }) => {
    const args = await publishArgs(tmp);
    for (const extra of [{ CI: 'true' }, { TERM: 'dumb' }] as Record<string, string>[]) {
      const screen = await onTerminal(args, extra);
      expect(screen).toMatch(/ info run started /);
      expect(screen).not.toContain('read 1 files');
      expect(screen).not.toContain(`${ESC}[`);
    }
  });
});
