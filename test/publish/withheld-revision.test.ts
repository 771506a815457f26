// A withheld revision publishes only that it was withheld: no public text (CHANGELOG.md, index.json,
// the publication log) and no log line states a figure about fewer than k machines, and no object of
// the frozen quarter is rewritten, the input manifests of the other datasets included.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArchiveEvent, event, machines, writeDayFile } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const DAY = '2026-07-01';

function snapshot(machine: string): ArchiveEvent {
  return event({
    machine_id: machine,
    event: 'snapshot',
    timestamp: `${DAY}T06:00:00Z`,
    command: undefined,
    sdk_version: undefined,
    runtime_id: undefined,
    os_version: undefined,
    product: 'eventstoredb',
    product_version: '23.10.0',
    metrics: { core_count: 8, total_memory: 16 * 2 ** 30, is_container: false, is_kubernetes: false },
  });
}

/** Every visible object of the target with its bytes (the local store's bookkeeping is hidden). */
async function objects(target: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(target, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const key = path.slice(target.length + 1);
    if (entry.isFile() && !key.split('/').some((part) => part.startsWith('.')))
      found.set(key, await readFile(path, 'utf8'));
  }
  return found;
}

/** A figure about machines stated in a text: "1 machine(s)", "3 machines", "1 of 1 changed rows". */
const MACHINE_COUNT = /\d+\s+machines?\b|machine\(s\)|\d+ of \d+ changed rows/;

describe('a withheld revision', () => {
  it('publishes only that it was withheld, and rewrites no object of the frozen quarter', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      [DAY]: [
        ...machines(10, 'a'),
        ...machines(10, 'b', { command: 'run' }),
        ...machines(6, 'inst-').map((m) => snapshot(m.machine_id as string)),
      ],
    });
    const target = await folderIn(tmp, 'tp-withheld-');
    const args = [
      'publish',
      ...['--archive', archive, '--target', target, '--quarter', '2026-Q3'],
      ...['--dataset', 'cli-usage', '--dataset', 'installations', '--k', '5'],
    ];
    const first = await cli(args);
    expect(first.code).toBe(0);
    const published = await objects(target);
    expect([...published.keys()]).toEqual(
      expect.arrayContaining(['inputs/cli-usage-2026-q3.json', 'inputs/installations-2026-q3.json']),
    );

    // One late machine changes a cli-usage row and nothing of installations.
    await writeDayFile(archive, DAY, 'late', 'ndjson', machines(1, 'late-', { command: 'run' }));
    const frozen = await cli(args);
    expect(frozen.code).toBe(0);
    expect(frozen.stdout).toMatch(/cli-usage: frozen/);
    const withheld = await cli([...args, '--revise']);
    expect(withheld.code).toBe(0);
    expect(withheld.stdout).toMatch(/cli-usage: frozen/);
    expect(withheld.stdout).toMatch(/installations: unchanged/);
    expect(withheld.stdout).toMatch(
      /changelog: cli-usage 2026-Q3: revision withheld: the change rests on fewer than k machines\n/,
    );

    const after = await objects(target);
    // Only the catalog texts that carry the note (or its time) and the publication log changed.
    const changed = [...after.keys()].filter((key) => after.get(key) !== published.get(key)).sort();
    const catalogTexts = [
      'CHANGELOG.md',
      'README.md',
      'datapackage.json',
      'index.json',
      'publication-log.ndjson',
      'catalog.jsonld',
      'index.html',
      'datasets/cli-usage.html',
      'datasets/installations.html',
    ];
    expect(changed.filter((key) => !catalogTexts.includes(key))).toEqual([]);
    expect([...after.keys()].sort()).toEqual([...published.keys()].sort());

    const changelog = after.get('CHANGELOG.md')!;
    expect(changelog).toContain('revision withheld: the change rests on fewer than k machines');
    expect(changelog).not.toMatch(MACHINE_COUNT);
    const index = JSON.parse(after.get('index.json')!) as { changelog: Array<{ message: string }> };
    const messages = index.changelog.map((entry) => entry.message);
    expect(messages).toContain('revision withheld: the change rests on fewer than k machines');
    for (const message of messages) expect(message).not.toMatch(MACHINE_COUNT);
    // No run wrote an input manifest after the first publication.
    const logged = after
      .get('publication-log.ndjson')!
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; runId: string });
    const firstRun = logged[0]!.runId;
    expect(logged.filter((record) => record.runId !== firstRun && record.key.startsWith('inputs/'))).toEqual([]);

    // The run's log (cron mail) says which figures blocked it, but no count.
    const warning = withheld.log.find((line) => line.includes('revision withheld'));
    expect(warning).toMatch(/k=5 blocked="changed rows, the late events as a whole"/);
    for (const line of withheld.log) expect(line.slice(30)).not.toMatch(MACHINE_COUNT);
  });
});
