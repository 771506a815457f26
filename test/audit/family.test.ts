// The audit of a family of event tables: a row withheld against differencing across the family is no
// missing row, and what is published still passes every other check (k, values, partition). The
// audit re-derives the family's cross-classification on its own: tables published without their
// joint protection (each in its own population) leak the 2 machines of SDK X inside the cube's
// remainder row, and the audit, told they are one family, finds that figure derivable.
import { type ArchiveEvent, machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli, quarterArgs } from '../helpers/cli.js';
import { familyQueries } from '../helpers/family-queries.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const events: ArchiveEvent[] = [
  ...machines(3, 'x-build-', { command: 'build', sdk_version: '8.0.100' }),
  ...machines(2, 'x-run-', { command: 'run', sdk_version: '8.0.100' }),
  ...machines(1, 'w-run-', { command: 'run', sdk_version: '9.0.100' }),
  ...machines(3, 'w-test-', { command: 'test', sdk_version: '9.0.100' }),
];

const datasets = ['--dataset', 'cli-usage', '--dataset', 'cli-usage-sdk'];
const place = (archive: string, target: string, queriesDir: string) =>
  quarterArgs(archive, target, '--queries-dir', queriesDir);

describe('audit of a family', () => {
  it('finds a published family right, its withheld rows included', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': events });
    const queriesDir = await familyQueries(tmp, { cube: 'cli-usage', sdk: 'cli-usage' });
    const target = await folderIn(tmp, 'target-');
    const common = place(archive, target, queriesDir);
    const published = await cli(['publish', ...common, ...datasets, '--k', '3']);
    expect(published.log.some((line) => line.includes('protected a family of event tables'))).toBe(true);
    expect(published.code).toBe(0);
    const audit = await cli(['audit', ...common, ...datasets, '--k', '3']);
    expect(audit.log.filter((line) => line.includes('audit violation'))).toEqual([]);
    expect(audit.code).toBe(0);
  });

  it('finds the figure a difference reveals when the tables were protected apart', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': events });
    const target = await folderIn(tmp, 'target-');
    const apart = await familyQueries(tmp, {});
    const published = await cli(['publish', ...place(archive, target, apart), ...datasets, '--k', '3']);
    expect(published.code).toBe(0);
    const together = await familyQueries(tmp, { cube: 'cli-usage', sdk: 'cli-usage' });
    const audit = await cli(['audit', ...place(archive, target, together), ...datasets, '--k', '3']);
    const violations = audit.log.filter((line) => line.includes('audit violation'));
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((line) => line.includes('rule=derivable'))).toBe(true);
    // The figure: SDK X's events inside the cube's remainder row of `run`.
    expect(violations.some((line) => line.includes('8.0.100') && line.includes('run'))).toBe(true);
    expect(audit.code).not.toBe(0);
  });
});
