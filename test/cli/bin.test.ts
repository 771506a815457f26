import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const run = promisify(execFile);

// The command the README's crontab line runs, as a separate process: exit codes reach the shell.
describe('bin/telemetry-publisher.js', () => {
  it('prints the usage and exits 0', async () => {
    const { stdout } = await run(process.execPath, ['bin/telemetry-publisher.js', '--help']);
    expect(stdout).toMatch(/^Usage: telemetry-publisher <command>/);
  });

  it('publishes from cron-style environment variables and exits 0; a bad setting exits 3', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': machines(12, 'm') });
    const target = await folderIn(tmp, 'tp-bin-');
    const env = {
      ...process.env,
      TP_ARCHIVE: archive,
      TP_TARGET: target,
      TP_QUARTER: '2026-Q3',
      TP_DATASETS: 'cli-usage',
      TP_K: '5',
    };
    const { stdout } = await run(process.execPath, ['bin/telemetry-publisher.js', 'publish'], { env });
    expect(stdout).toMatch(/cli-usage: published, 1 rows/);
    const failure = await run(process.execPath, ['bin/telemetry-publisher.js', 'publish'], {
      env: { ...env, TP_K: '1' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(3);
    expect((failure as { stderr: string }).stderr).toMatch(
      /setting `k` \(TP_K\) must be an integer from 2 up to 9007199254740991/,
    );
  });
});
