// dataset.json is validated when the dataset loads: a ladder calling an unknown function or a key the
// loader does not know is a configuration error (exit 3) naming the dataset, where, and what is known.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset } from '../../src/query/dataset.js';
import { machines } from '../helpers/archive.js';
import { folderIn, writeArchive } from '../helpers/build.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

/** A copy of queries/cli-usage with its dataset.json changed by `edit`. */
async function editedCliUsage(tmp: string, edit: (metadata: Record<string, unknown>) => void): Promise<string> {
  const queriesDir = await folderIn(tmp, 'tp-queries-');
  await cp(join(process.cwd(), 'queries', 'cli-usage'), join(queriesDir, 'cli-usage'), { recursive: true });
  const path = join(queriesDir, 'cli-usage', 'dataset.json');
  const metadata = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(metadata);
  await writeFile(path, JSON.stringify(metadata, null, 2));
  return queriesDir;
}

type Dimensions = Array<{ column: string; ladder: string[] }>;
const setLadder = (column: string, ladder: string[]) => (metadata: Record<string, unknown>) => {
  (metadata.dimensions as Dimensions).find((dimension) => dimension.column === column)!.ladder = ladder;
};

describe('ladders', () => {
  it('refuses a ladder expression calling an unknown function, naming the dataset, dimension and expression', async ({
    tmp,
  }) => {
    const queriesDir = await editedCliUsage(tmp, setLadder('OSVersion', ['no_such_fn("OSVersion", \'^[0-9]+\')']));
    await expect(loadDataset('cli-usage', queriesDir)).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(
        /^dataset "cli-usage" \(.*cli-usage\/dataset\.json\): the ladder of dimension "OSVersion" has the expression "no_such_fn\(\\"OSVersion\\", '\^\[0-9\]\+'\)", which calls the unknown function\(s\) no_such_fn$/,
      ),
    });
  });

  it('finds an unknown function nested in a known one, and refuses SQL that does not parse or is two statements', async ({
    tmp,
  }) => {
    for (const [expression, problem] of [
      ['coalesce(upper(nope("OSVersion")), \'x\')', /calls the unknown function\(s\) nope/],
      ['regexp_extract("OSVersion", ', /is not valid SQL/],
      ['1); SELECT (2', /must be one SQL expression/],
      ['1); DROP TABLE events; SELECT (1', /is not valid SQL: Only SELECT statements/],
    ] as const) {
      const queriesDir = await editedCliUsage(tmp, setLadder('OSVersion', [expression]));
      await expect(loadDataset('cli-usage', queriesDir), expression).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: expect.stringMatching(problem),
      });
    }
  });

  it('accepts the shipped ladders, operators and bucket macros', async ({ tmp }) => {
    const queriesDir = await editedCliUsage(
      tmp,
      setLadder('OSVersion', ['"OSVersion" || \'.x\'', 'lower("OSVersion")']),
    );
    expect(
      (await loadDataset('cli-usage', queriesDir)).dimensions.find((d) => d.column === 'OSVersion')?.ladder,
    ).toEqual(['"OSVersion" || \'.x\'', 'lower("OSVersion")']);
    for (const name of ['cli-usage', 'installations', 'feature-usage']) await loadDataset(name);
  });

  it('makes the run exit 3 (not 1) before anything is written', async ({ tmp }) => {
    const queriesDir = await editedCliUsage(tmp, setLadder('Command', ['frobnicate("Command")']));
    const archive = await writeArchive(tmp, { '2026-07-01': machines(12, 'm') });
    const target = await folderIn(tmp, 'tp-target-');
    const run = await cli([
      'publish',
      ...['--archive', archive, '--target', target, '--quarter', '2026-Q3', '--k', '5'],
      ...['--queries-dir', queriesDir, '--dataset', 'cli-usage'],
    ]);
    expect(run.code).toBe(3);
    expect(run.log.join('\n')).toMatch(/the ladder of dimension "Command" .* unknown function\(s\) frobnicate/);
  });
});

describe('unknown keys', () => {
  const cases: Array<[string, (m: Record<string, unknown>) => void, RegExp]> = [
    [
      'the dataset',
      (m) => {
        m.contributonCap = 5;
      },
      /unknown key\(s\) `contributonCap` in the dataset \(known: title, description, grain, schemaVersion, k, contributionCap,/,
    ],
    [
      'a column',
      (m) => {
        (m.columns as Array<Record<string, unknown>>)[0]!.descripton = 'x';
      },
      /unknown key\(s\) `descripton` in columns\[0\] \(known: name, type, description, derivation\)/,
    ],
    [
      'a dimension',
      (m) => {
        (m.dimensions as Array<Record<string, unknown>>)[1]!.ladders = [];
      },
      /unknown key\(s\) `ladders` in dimensions\[1\] \(known: column, ladder, scope\)/,
    ],
    [
      'the measure',
      (m) => {
        (m.measure as Record<string, unknown>).cap = 3;
      },
      /unknown key\(s\) `cap` in `measure` \(known: column, count\)/,
    ],
  ];
  it.for(cases)('refuses an unknown key in %s, naming it and the known keys', async ([, edit, message], { tmp }) => {
    const queriesDir = await editedCliUsage(tmp, edit);
    await expect(loadDataset('cli-usage', queriesDir)).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(message),
    });
  });

  it('refuses a k beyond the exact integer range', async ({ tmp }) => {
    const queriesDir = await editedCliUsage(tmp, (m) => (m.k = 1e20));
    await expect(loadDataset('cli-usage', queriesDir)).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: expect.stringMatching(/`k` must be an integer from 2 to 9007199254740991, got 100000000000000000000/),
    });
  });
});

describe('remainder', () => {
  it('reads {"oneAtATime": [...]} as dimensions rolled one at a time, and refuses an unknown or repeated one', async ({
    tmp,
  }) => {
    const shipped = await loadDataset('cli-usage');
    expect(shipped.remainderByData).toEqual([
      'SDKVersion',
      'OSVersion',
      'RuntimeID',
      'Command',
      'Geography',
      'OSFamily',
    ]);
    expect(shipped.remainder).toEqual([]);
    for (const oneAtATime of [['SDKVersion', 'Nope'], ['SDKVersion', 'SDKVersion'], []]) {
      const queriesDir = await editedCliUsage(tmp, (m) => (m.remainder = { oneAtATime }));
      await expect(loadDataset('cli-usage', queriesDir)).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: expect.stringMatching(/`remainder` must be an array of steps or \{"oneAtATime"/),
      });
    }
  });
});
