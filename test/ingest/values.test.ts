import { rm } from 'node:fs/promises';
import { afterEach } from 'vitest';
import { openDuck } from '../../src/engine/duck.js';
import { cleanTextSql, dimensionValueSql } from '../../src/ingest/values.js';
import { machines } from '../helpers/archive.js';
import { build, writeArchive } from '../helpers/build.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// Every control character (C0, DEL, C1) in a dimension value becomes a space, a run of them one space,
// before the value is trimmed and grouped: no TSV cell holds a NUL, a tab, a line break or an escape.
const archives: string[] = [];
afterEach(async () => {
  for (const made of archives.splice(0)) await rm(made, { recursive: true, force: true });
});
const controlCodes = (text: string) =>
  [...text].map((char) => char.codePointAt(0)!).filter((code) => code < 0x20 || (code >= 0x7f && code <= 0x9f));

describe('control characters in values', () => {
  it('are cleaned in every dimension, whatever the control character', async ({ tmp }) => {
    const raw = [
      'esc\u001b[31mred',
      'del\u007fx',
      'nel\u0085line',
      'csi\u009bx',
      'tab\t\r\nrun',
      '\u0001\u0002',
      'bs\u0008x',
    ];
    const archive = await writeArchive(tmp, {
      '2026-07-01': raw.flatMap((command, index) => machines(2, `c${index}-`, { command, os_family: 'Linux\u0007' })),
    });
    archives.push(archive);
    const built = await build(archive, { k: '2' });
    // Tabs and line ends of the file itself aside, no control character is left.
    expect(controlCodes(built.tsv.replace(/[\t\n]/g, ''))).toEqual([]);
    expect(built.rows.map((row) => row.Command).sort()).toEqual(
      ['Unknown', 'bs x', 'csi x', 'del x', 'esc [31mred', 'nel line', 'tab run'].sort(),
    );
    expect(new Set(built.rows.map((row) => row.OSFamily))).toEqual(new Set(['Linux']));
  });

  it('a NUL byte becomes a space too (the rule itself, on a bound value)', async () => {
    const duck = await openDuck();
    try {
      const [row] = await duck.all<{ dimension: string; text: string; alone: string }>(
        `SELECT ${dimensionValueSql('$value')} AS dimension, ${cleanTextSql('$value')} AS text, ${dimensionValueSql('$nul')} AS alone`,
        { value: '=a\u0000\u0000b\u0000', nul: '\u0000' },
      );
      expect(row).toEqual({ dimension: "'=a b", text: "'=a b ", alone: 'Unknown' });
    } finally {
      duck.close();
    }
  });

  it('a value without control characters keeps its bytes', async ({ tmp }) => {
    const archive = await writeArchive(tmp, { '2026-07-01': machines(2, 'p-', { command: 'ünïcode ✓ build' }) });
    archives.push(archive);
    expect((await build(archive, { k: '2' })).rows.map((row) => row.Command)).toEqual(['ünïcode ✓ build']);
  });
});

// The TSV is never quoted: a `"` in a value would make a reader that honours quotes (frictionless,
// Python's csv, datapackage-js) swallow the rest of the file, so the one rule is `"` -> `'`.
describe('double quotes in values', () => {
  it('become apostrophes in every published value', async ({ tmp }) => {
    const archive = await writeArchive(tmp, {
      '2026-07-01': [
        ...machines(2, 'q-', { command: 'say "hi"' }),
        ...machines(2, 'r-', { command: '"quoted', os_family: 'Linux"' }),
        ...machines(2, 's-', { command: 'plain' }),
      ],
    });
    archives.push(archive);
    const built = await build(archive, { k: '2' });
    expect(built.tsv).not.toContain('"');
    expect(built.rows.map((row) => row.Command).sort()).toEqual(["'quoted", 'plain', "say 'hi'"]);
    expect(new Set(built.rows.map((row) => row.OSFamily))).toEqual(new Set(['Linux', "Linux'"]));
  });

  it('the rule itself, on a bound value', async () => {
    const duck = await openDuck();
    try {
      const [row] = await duck.all<{ dimension: string; text: string }>(
        `SELECT ${dimensionValueSql('$value')} AS dimension, ${cleanTextSql('$value')} AS text`,
        { value: '="x" \u0000"' },
      );
      expect(row).toEqual({ dimension: "'='x'  '", text: "'='x'  '" });
    } finally {
      duck.close();
    }
  });
});
