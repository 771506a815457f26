import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machines } from '../helpers/archive.js';
import { tempDir, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';

async function published() {
  const archive = await writeArchive({
    '2026-07-01': [
      ...machines(8, 'a'),
      ...machines(6, 'b', { command: 'run' }),
      ...machines(2, 'c', { command: 'test' }),
    ],
    '2026-07-02': machines(7, 'd', { timestamp: '2026-07-02T08:00:00+05:00' }),
  });
  // The previous quarter is published too: the audit checks it as well.
  await writeArchive({ '2026-06-30': machines(9, 'q2-', { timestamp: '2026-06-30T12:00:00Z' }) }, 'ndjson', archive);
  const target = await tempDir('tp-audit-');
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
  it('finds nothing wrong with what the publisher wrote, in this quarter and the previous one', async () => {
    const { audit } = await published();
    const run = await cli(audit);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/Audited 2026-Q2, 2026-Q3/);
    expect(run.stdout).toMatch(/no violations/);
  });

  it('reports a small row slipped into a file, a changed value, and a file that no longer matches the catalog', async () => {
    const { target, audit } = await published();
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

  it('reports a row published under k in the previous quarter', async () => {
    const { target, audit } = await published();
    const path = join(target, 'cli-usage-2026-q2.tsv');
    await writeFile(path, (await readFile(path, 'utf8')).replace(/\t9\t/, '\t3\t'));
    const run = await cli(audit);
    expect(run.code).toBe(9);
    expect(run.stdout).toMatch(/VIOLATION value_mismatch cli-usage 2026-Q2/);
  });
});
