import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machines } from '../helpers/archive.js';
import { addToArchive, folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

/** A target in `parent` holding Q2 and Q3 as the publisher wrote them, and the audit command for it. */
async function published(parent: string) {
  const archive = await writeArchive(parent, {
    '2026-07-01': [
      ...machines(8, 'a'),
      ...machines(6, 'b', { command: 'run' }),
      ...machines(2, 'c', { command: 'test' }),
    ],
    '2026-07-02': machines(7, 'd', { timestamp: '2026-07-02T08:00:00+05:00' }),
  });
  // The previous quarter is published too: the audit checks it as well.
  await addToArchive(archive, { '2026-06-30': machines(9, 'q2-', { timestamp: '2026-06-30T12:00:00Z' }) });
  const target = await folderIn(parent, 'target-');
  for (const quarter of ['2026-Q2', '2026-Q3']) {
    const run = await cli([
      'publish',
      '--archive',
      archive,
      '--target',
      target,
      '--quarter',
      quarter,
      '--dataset',
      'cli-usage',
      '--k',
      '5',
    ]);
    expect(run.code, run.log.join('\n')).toBe(0);
  }
  const audit = ['audit', '--archive', archive, '--target', target, '--quarter', '2026-Q3', '--dataset', 'cli-usage'];
  return { archive, target, audit };
}

describe('audit', () => {
  it('finds nothing wrong with what the publisher wrote, in this quarter and the previous one', async ({ tmp }) => {
    const { audit } = await published(tmp);
    const run = await cli(audit);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/Audited 2026-Q2, 2026-Q3/);
    expect(run.stdout).toMatch(/no violations/);
  });

  it('reports a small row slipped into a file, a changed value, and a file that no longer matches the catalog', async ({
    tmp,
  }) => {
    const { target, audit } = await published(tmp);
    const path = join(target, 'cli-usage-2026-q3.tsv');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const doubled = lines[1]!.replace(/\t(\d+)\t/, (_, n: string) => `\t${Number(n) * 2}\t`);
    const small = '2026-07-01\t2\ttest\tUnited Kingdom\tLinux\tlinux-x64\t22.04\t8.0.100';
    await writeFile(path, `${[lines[0], doubled, ...lines.slice(2), small].join('\n')}\n`);
    const run = await cli(audit);
    expect(run.code).toBe(9);
    expect(run.stdout).toMatch(/VIOLATION value_mismatch cli-usage 2026-Q3/);
    expect(run.stdout).toMatch(/VIOLATION unknown_row cli-usage 2026-Q3 \[2026-07-01 \| 2 \| test/);
    expect(run.stdout).toMatch(
      /VIOLATION integrity cli-usage 2026-Q3: cli-usage-2026-q3\.tsv does not match the sha256/,
    );
  });

  it('reports a row published under k in the previous quarter', async ({ tmp }) => {
    const { target, audit } = await published(tmp);
    const path = join(target, 'cli-usage-2026-q2.tsv');
    await writeFile(path, (await readFile(path, 'utf8')).replace(/\t9\t/, '\t3\t'));
    const run = await cli(audit);
    expect(run.code).toBe(9);
    expect(run.stdout).toMatch(/VIOLATION value_mismatch cli-usage 2026-Q2/);
  });
});
