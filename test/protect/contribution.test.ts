import { readFile } from 'node:fs/promises';
import type { PrivacyReport } from '../../src/write/privacy-report.js';
import { type ArchiveEvent, event } from '../helpers/archive.js';
import { build, folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';
import { patchedDataset } from '../helpers/queries.js';

const DAY = '2026-07-01';
const COMMANDS = Array.from({ length: 10 }, (_, index) => `command-${index}`);

/** Each of `count` machines runs every command `times` times on DAY. */
function users(prefix: string, count: number, times: number): ArchiveEvent[] {
  return Array.from({ length: count }, (_, machine) =>
    COMMANDS.flatMap((command) =>
      Array.from({ length: times }, () => event({ machine_id: `${prefix}${machine}`, command })),
    ),
  ).flat();
}

async function buildBounded(tmp: string, events: ArchiveEvent[], dailyContributionCap?: number) {
  const archive = await writeArchive(tmp, { [DAY]: events });
  // No bound given: the key is left out of dataset.json (JSON drops undefined), so the dataset is unbounded.
  const queriesDir = await patchedDataset(tmp, 'cli-usage', { dailyContributionCap });
  const built = await build(archive, { k: '5', queriesDir });
  const report = JSON.parse(await readFile(built.datasets[0]!.file.privacyReport.localPath, 'utf8')) as PrivacyReport;
  return { rows: built.rows, report };
}

describe('the daily contribution bound', () => {
  it('limits what one machine adds to the dataset on a day, however many rows it spreads over', async ({ tmp }) => {
    // 10 machines run each command once; one machine runs each 50 times (500 events, under the row cap of 100).
    const events = [...users('light', 10, 1), ...users('heavy', 1, 50)];
    const unbounded = await buildBounded(tmp, events);
    expect(unbounded.rows.map((row) => row.Occurrences)).toEqual(COMMANDS.map(() => '60'));
    // Bound 100: the heavy machine's 500 events scale to floor(50 * 100 / 500) = 10 a command.
    const bounded = await buildBounded(tmp, events, 100);
    expect(bounded.rows.map((row) => row.Occurrences)).toEqual(COMMANDS.map(() => '20'));
    expect(bounded.report.dailyContributionCap).toBe(100);
    // One machine hit the bound: the figure would describe it, so it is withheld.
    expect(bounded.report.eventsRemovedByDailyCap).toBeNull();
    expect(unbounded.report.dailyContributionCap).toBeNull();
  });

  it('publishes the events it removed when at least k machines hit it and none dominates', async ({ tmp }) => {
    const { rows, report } = await buildBounded(tmp, [...users('light', 10, 1), ...users('heavy', 5, 50)], 100);
    expect(rows.map((row) => row.Occurrences)).toEqual(COMMANDS.map(() => String(10 + 5 * 10)));
    expect(report.eventsRemovedByDailyCap).toBe(5 * 400);
  });

  it('leaves machines under the bound untouched', async ({ tmp }) => {
    const events = [...users('light', 10, 1), ...users('heavy', 1, 10)];
    const bounded = await buildBounded(tmp, events, 100);
    expect(bounded.rows.map((row) => row.Occurrences)).toEqual(COMMANDS.map(() => '20'));
    expect(bounded.report.eventsRemovedByDailyCap).toBe(0);
  });

  it('is recomputed by the audit, which finds the published figures right', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { [DAY]: [...users('light', 10, 1), ...users('heavy', 5, 50)] });
    const queriesDir = await patchedDataset(tmp, 'cli-usage', { dailyContributionCap: 100 });
    const target = await folderIn(tmp, 'tp-daily-');
    const common = ['--archive', archive, '--target', target, '--quarter', '2026-Q3', '--queries-dir', queriesDir];
    expect((await cli(['publish', ...common, '--k', '5'])).code).toBe(0);
    const audit = await cli(['audit', ...common]);
    expect(audit.log.filter((line) => line.includes('audit violation'))).toEqual([]);
    expect(audit.code).toBe(0);
  });
});
