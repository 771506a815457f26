// The CLI run in-process, as cron would run it, with its exit code, stdout and log lines captured.

import { main } from '../../src/cli.js';
import { createMemoryLogger } from '../../src/core/log.js';

/** Runs the CLI in-process, as cron would run it; returns its exit code, stdout and log lines. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; log: string[] }> {
  const logger = createMemoryLogger();
  let stdout = '';
  const code = await main(args, logger, {
    write: (text: string) => {
      stdout += text;
      return true;
    },
  } as unknown as NodeJS.WritableStream);
  return { code, stdout, log: logger.lines };
}

/** The flags that place a run: from `archive` to `target`, for 2026-Q3, then `more` flags. */
export function quarterArgs(archive: string, target: string, ...more: string[]): string[] {
  return ['--archive', archive, '--target', target, '--quarter', '2026-Q3', ...more];
}

/** `publish` of cli-usage for 2026-Q3 at k=5 from `archive` to `target`, then `more` flags. */
export function cliUsagePublishArgs(archive: string, target: string, ...more: string[]): string[] {
  return ['publish', ...quarterArgs(archive, target, '--dataset', 'cli-usage', '--k', '5', ...more)];
}
