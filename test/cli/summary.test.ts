import { event, machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli, cliUsagePublishArgs } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// The run summary goes to stdout, which ends in cron mail and CI logs: it may say no more than the
// published privacy report. One machine over the cap and a suppressed row resting on one machine are
// figures the report withholds, so the summary (text and --json) must withhold them too.
const SECOND_DAY = '2026-07-02T10:00:00Z';

describe('the run summary', () => {
  it('says no more than the privacy report: withheld figures stay withheld', async ({ tmp }) => {
    const heavy = Array.from({ length: 300 }, () => event({ machine_id: 'heavy' }));
    const archive = await writeArchive(tmp, {
      '2026-07-01': [...machines(10, 'm'), ...heavy],
      '2026-07-02': [
        ...machines(10, 'n', { timestamp: SECOND_DAY }),
        event({ machine_id: 'alone', timestamp: SECOND_DAY, command: 'rare-tool', os_family: 'FreeBSD' }),
      ],
    });
    const text = await cli(cliUsagePublishArgs(archive, await folderIn(tmp, 'text-'), '--contribution-cap', '100'));
    expect(text.code, text.log.join('\n')).toBe(0);
    const line = text.stdout.split('\n').find((candidate) => candidate.startsWith('cli-usage:'));
    expect(line).toMatch(/^cli-usage: published, \d+ rows, 1\d\d published \(/);
    expect(line).toContain('suppressed total withheld');
    expect(line).toContain('events over the cap: withheld');
    // The heavy machine's 200 removed events, and the suppressed share, are nowhere.
    expect(text.stdout).not.toMatch(/\b200\b/);
    expect(text.stdout).not.toMatch(/% suppressed/);

    const json = await cli(
      cliUsagePublishArgs(archive, await folderIn(tmp, 'json-'), '--contribution-cap', '100', '--json'),
    );
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout) as { datasets: Array<Record<string, unknown>> };
    const dataset = summary.datasets.find((entry) => entry.dataset === 'cli-usage')!;
    expect(Object.keys(dataset).sort()).toEqual(['dataset', 'key', 'report', 'rows', 'status', 'url']);
    const report = dataset.report as { eventsRemovedByCap: number | null; suppressed: { withheld: boolean } };
    expect(report.eventsRemovedByCap).toBeNull();
    expect(report.suppressed.withheld).toBe(true);
  });
});
