import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { createMemoryLogger } from '../../src/core/log.js';
import { loadDataset } from '../../src/query/dataset.js';
import type { PrivacyReport } from '../../src/write/privacy-report.js';
import { type ArchiveEvent, event } from '../helpers/archive.js';
import { folderIn, ingestedDuck, queryAndProtect, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

const days = ['2026-07-01', '2026-07-02'];
const machine = fc.integer({ min: 0, max: 24 });

// Small domains so that cells near k, rare values, remainders and suppressions all happen.
const commandEvent = fc.record({
  machine,
  day: fc.constantFrom(...days),
  command: fc.constantFrom('build', 'run', 'test', 'pack'),
  os_version: fc.constantFrom('22.04', '22.10', '10.12.6', '10.12.5', '10'),
  ip_prefix: fc.constantFrom('81.2.69', '8.8.8', '1.0.0', '2a02:c7c:1b00'),
  repeat: fc.integer({ min: 1, max: 4 }),
});

const snapshotEvent = fc.record({
  machine,
  product: fc.constantFrom('eventstoredb', 'octopus-server'),
  version: fc.constantFrom('23.10.0', '23.10.1', '24.2.0'),
  projects: fc.integer({ min: 0, max: 150 }),
  users: fc.integer({ min: 0, max: 8 }),
  is_container: fc.boolean(),
});

type CommandEvent = typeof commandEvent extends fc.Arbitrary<infer T> ? T : never;
type SnapshotEvent = typeof snapshotEvent extends fc.Arbitrary<infer T> ? T : never;

function toArchive(commands: Array<CommandEvent>, snapshots: Array<SnapshotEvent>): Record<string, ArchiveEvent[]> {
  const byDay: Record<string, ArchiveEvent[]> = Object.fromEntries(days.map((day) => [day, []]));
  for (const c of commands) {
    for (let i = 0; i < c.repeat; i++) {
      byDay[c.day]!.push(
        event({
          machine_id: `m${c.machine}`,
          timestamp: `${c.day}T10:00:00Z`,
          command: c.command,
          os_version: c.os_version,
          ip_prefix: c.ip_prefix,
        }),
      );
    }
  }
  for (const s of snapshots) {
    byDay[days[0]!]!.push(
      event({
        machine_id: `i${s.machine}`,
        event: 'snapshot',
        timestamp: `${days[0]}T06:00:00Z`,
        product: s.product,
        product_version: s.version,
        metrics: {
          core_count: 4,
          total_memory: 8 * 2 ** 30,
          is_container: s.is_container,
          projects: s.projects,
          users: s.users,
        },
      }),
    );
  }
  return byDay;
}

/** The run stopped because a dataset would publish no row (exit 3): a valid outcome, nothing published. */
function refusedAsEmpty(run: { code: number; log: string[] }): boolean {
  return run.code === 3 && run.log.some((line) => line.includes('would publish no row'));
}

/** The datasets a refusal names (`dataset "x" (k=...` ...). */
function emptyDatasets(run: { log: string[] }): string[] {
  const line = run.log.find((entry) => entry.includes('would publish no row')) ?? '';
  return [...line.matchAll(/dataset "([a-z0-9-]+)" \(k=/g)].map((match) => match[1]!);
}

async function visibleEntries(target: string): Promise<string[]> {
  return (await readdir(target)).filter((name) => !name.startsWith('.'));
}

describe('privacy properties over random archives', () => {
  it('every release passes the independent audit (threshold, cap, labels, no derivable suppressed row) and is deterministic', async ({
    tmp,
  }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandEvent, { minLength: 1, maxLength: 120 }),
        fc.array(snapshotEvent, { maxLength: 60 }),
        fc.integer({ min: 2, max: 6 }),
        async (commands, snapshots, k) => {
          const archive = await writeArchive(tmp, toArchive(commands, snapshots));
          const publish = (target: string, datasets: readonly string[]) =>
            cli([
              'publish',
              '--archive',
              archive,
              '--target',
              target,
              '--quarter',
              '2026-Q3',
              '--k',
              String(k),
              '--max-bad-share',
              '1',
              ...datasets.flatMap((name) => ['--dataset', name]),
            ]);
          const target = await folderIn(tmp, 'tp-prop-');
          let datasets = ['cli-usage', 'installations', 'feature-usage'];
          let run = await publish(target, datasets);
          // A dataset with no row stops the run before anything is written (an empty file would be
          // frozen); the others are then published without it.
          if (refusedAsEmpty(run)) {
            expect(await visibleEntries(target)).toEqual([]);
            const empty = emptyDatasets(run);
            datasets = datasets.filter((name) => !empty.includes(name));
            if (datasets.length === 0) return;
            run = await publish(target, datasets);
          }
          expect(run.code, run.log.join('\n')).toBe(0);
          const audit = await cli([
            'audit',
            '--archive',
            archive,
            '--target',
            target,
            '--quarter',
            '2026-Q3',
            '--k',
            String(k),
            ...datasets.flatMap((name) => ['--dataset', name]),
          ]);
          expect(audit.code, audit.stdout).toBe(0);
          for (const name of datasets) {
            const tsv = await readFile(join(target, `${name}-2026-q3.tsv`), 'utf8');
            for (const line of tsv.trimEnd().split('\n').slice(1))
              expect(Number(line.split('\t')[1])).toBeGreaterThanOrEqual(k);
          }
          const again = await folderIn(tmp, 'tp-prop-');
          await publish(again, datasets);
          for (const name of datasets) {
            expect(await readFile(join(again, `${name}-2026-q3.tsv`))).toEqual(
              await readFile(join(target, `${name}-2026-q3.tsv`)),
            );
          }
        },
      ),
      { numRuns: 6, seed: 20261125 },
    );
  }, 600_000);

  it('raising k never publishes more at full detail', async ({ tmp }) => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandEvent, { minLength: 1, maxLength: 150 }), async (commands) => {
        const archive = await writeArchive(tmp, toArchive(commands, []));
        let previous = Number.POSITIVE_INFINITY;
        for (const k of [2, 3, 5, 8]) {
          const target = await folderIn(tmp, 'tp-prop-k-');
          const run = await cli([
            'publish',
            '--archive',
            archive,
            '--target',
            target,
            '--quarter',
            '2026-Q3',
            '--dataset',
            'cli-usage',
            '--k',
            String(k),
          ]);
          if (refusedAsEmpty(run)) {
            // Nothing at full detail: published nothing, and a higher k cannot publish more.
            expect(await visibleEntries(target)).toEqual([]);
            previous = 0;
            continue;
          }
          expect(run.code, run.log.join('\n')).toBe(0);
          const report = JSON.parse(
            await readFile(join(target, 'cli-usage-2026-q3.privacy.json'), 'utf8'),
          ) as PrivacyReport;
          expect(report.published.detail).toBeLessThanOrEqual(previous);
          previous = report.published.detail;
        }
      }),
      { numRuns: 3, seed: 7 },
    );
  }, 600_000);

  it('gives the same rows whether row keys travel as 64-bit or 128-bit integers', async ({ tmp }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandEvent, { minLength: 1, maxLength: 120 }),
        fc.array(snapshotEvent, { maxLength: 40 }),
        async (commands, snapshots) => {
          const archive = await writeArchive(tmp, toArchive(commands, snapshots));
          const rows = async (narrowKeyBits: number) => {
            const logger = createMemoryLogger();
            const duck = await ingestedDuck(archive, days);
            try {
              const all: unknown[] = [];
              for (const name of ['cli-usage', 'installations', 'feature-usage']) {
                const result = await queryAndProtect(
                  duck,
                  await loadDataset(name),
                  { k: 3, cap: 2, narrowKeyBits },
                  logger,
                );
                const [key] = await duck.all<{ type: string }>(
                  `SELECT typeof(_key) AS type FROM ${result.tables.packed} LIMIT 1`,
                );
                if (key) expect(key.type).toBe(narrowKeyBits === 0 ? 'HUGEINT' : 'BIGINT');
                all.push(await duck.all(`SELECT * EXCLUDE (_key) FROM ${result.tables.rows} ORDER BY ALL`));
              }
              return all;
            } finally {
              duck.close();
            }
          };
          expect(await rows(0)).toEqual(await rows(63));
        },
      ),
      { numRuns: 12 },
    );
  });
});
