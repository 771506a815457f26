// The remainder order chosen from the data (cli-usage's `"remainder": {"oneAtATime": [...]}`): on a small
// quarter where rolling SDKVersion alone publishes the most, then Command, then nothing else, the steps
// are SDKVersion, then Command, then the rest by name; the rows show it, the privacy report lists it,
// and the audit's independent recomputation agrees.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { event, machines } from '../helpers/archive.js';
import { folderIn, parseTsv, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const day = (date: string) => ({ timestamp: `${date}T12:00:00Z` });

describe('remainder steps one dimension at a time, in an order from the data', () => {
  it('rolls first the dimension that keeps the most, records the order, and the audit agrees', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      // 07-01: c* make a full-detail row of k = 3. x1, x2 (9.0.100, 2 events each) and x3 (7.0.100,
      // 2 events) differ from it only in the SDK: rolling SDKVersion alone gathers them into one row of
      // 3 machines (6 events); rolling anything else alone leaves them under k.
      '2026-07-01': [
        ...machines(3, 'c', day('2026-07-01')),
        ...['x1', 'x2'].flatMap((id) => [1, 2].map(() => event({ machine_id: id, sdk_version: '9.0.100' }))),
        ...[1, 2].map(() => event({ machine_id: 'x3', sdk_version: '7.0.100' })),
      ],
      // 07-02: every value above used by k machines over the quarter, so all keep their labels.
      '2026-07-02': [
        ...machines(3, 'z', { ...day('2026-07-02'), sdk_version: '9.0.100' }),
        ...machines(3, 'w', { ...day('2026-07-02'), sdk_version: '7.0.100' }),
        ...machines(3, 'r', { ...day('2026-07-02'), command: 'run' }),
        ...machines(3, 't', { ...day('2026-07-02'), command: 'test' }),
        ...machines(3, 'p', { ...day('2026-07-02'), command: 'pack' }),
      ],
      // 07-03: three single-machine cells that differ only in Command (3 events together).
      '2026-07-03': ['run', 'test', 'pack'].map((command, index) =>
        event({ ...day('2026-07-03'), machine_id: `y${index}`, command }),
      ),
    });
    const target = await folderIn(tmp, 'target-');
    const where = ['--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage'];
    const run = await cli(['publish', ...where, '--k', '3']);
    expect(run.code, run.log.join('\n')).toBe(0);

    const rows = parseTsv(await readFile(join(target, 'cli-usage-2026-q3.tsv'), 'utf8'));
    const keyOf = (row: Record<string, string>) =>
      [row.Timestamp, row.Command, row.RuntimeID, row.OSVersion, row.SDKVersion, row.Occurrences].join(' ');
    // Step 1 rolls SDKVersion only: x1-x3 keep their command, runtime and OS version.
    expect(rows.map(keyOf)).toContain('2026-07-01 build linux-x64 22.04 Other 6');
    // Step 2 adds Command to SDKVersion: y0-y2 keep their runtime and OS version.
    expect(rows.map(keyOf)).toContain('2026-07-03 Other linux-x64 22.04 Other 3');

    const report = JSON.parse(await readFile(join(target, 'cli-usage-2026-q3.privacy.json'), 'utf8'));
    const order = ['SDKVersion', 'Command', 'Geography', 'OSFamily', 'OSVersion', 'RuntimeID'];
    expect(report.remainder).toEqual({
      rule: 'one-at-a-time-by-data',
      steps: order.map((_, step) => order.slice(0, step + 1)),
    });

    const audit = await cli(['audit', ...where]);
    expect(audit.code, audit.log.join('\n')).toBe(0);
  });
});
