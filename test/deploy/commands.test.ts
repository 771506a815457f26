// Every command line in deploy/ is one this repo's CLI takes: its command exists and its flags parse
// strictly against that command's option table (src/cli-options.ts, what the parser reads), so a
// renamed command or flag fails here instead of in a cluster at 3 a.m.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type OptionSpec } from '../../src/cli-options.js';
import { BATCH_SUBMISSIONS, batchFile, kubernetesObjects } from './_manifests.js';

/** The global flags `main` answers without a command. */
const GLOBAL_ONLY = [['--help'], ['--version']];

function optionsOf(command: string): Record<string, OptionSpec> | undefined {
  if (command in COMMANDS) return COMMANDS[command as keyof typeof COMMANDS].options;
  return undefined;
}

const lines: Array<[string, string[]]> = [
  ...kubernetesObjects()
    .filter((object) => object.kind === 'Job')
    .flatMap((object) => {
      const containers = (
        object as unknown as {
          spec: { template: { spec: { containers: Array<{ args?: string[]; command?: string[] }> } } };
        }
      ).spec.template.spec.containers;
      // `command` would replace the image's ENTRYPOINT (the CLI): the manifests give args only.
      return containers.map((container): [string, string[]] => [
        `kubernetes/${object.file}`,
        container.command ? ['<command replaces the CLI entrypoint>'] : (container.args ?? []),
      ]);
    }),
  [
    'aws-batch/job-definition.json',
    (batchFile('job-definition.json').containerProperties as { command: string[] }).command,
  ],
  ...BATCH_SUBMISSIONS.map((name): [string, string[]] => [
    `aws-batch/${name}`,
    (batchFile(name).containerOverrides as { command: string[] }).command,
  ]),
];

describe('the command lines in deploy/ are real CLI commands and flags', () => {
  it.each(lines)('%s: %j', (_file, argv) => {
    if (argv[0]?.startsWith('-')) {
      expect(GLOBAL_ONLY).toContainEqual(argv);
      return;
    }
    const [command = '', ...rest] = argv;
    const options = optionsOf(command);
    expect(options, `"${command}" is not a command of the CLI`).toBeDefined();
    expect(() => parseArgs({ args: rest, options: options!, allowPositionals: false, strict: true })).not.toThrow();
  });

  it('plan, shard, labels, shard --cells and merge of each engine name one run id (all but the plan need it)', () => {
    for (const engine of ['kubernetes/', 'aws-batch/']) {
      const steps = lines.filter(
        ([file, argv]) => file.startsWith(engine) && ['plan', 'shard', 'labels', 'merge'].includes(argv[0]!),
      );
      expect(steps.map(([, argv]) => argv.slice(0, argv[1] === '--cells' ? 2 : 1).join(' ')).sort()).toEqual([
        'labels',
        'merge',
        'plan',
        'shard',
        'shard --cells',
      ]);
      const ids = steps.map(([, argv]) => argv[argv.indexOf('--run-id') + 1]);
      expect(
        ids.every((runId) => runId !== undefined && runId === ids[0]),
        engine,
      ).toBe(true);
      expect(steps.every(([, argv]) => argv.includes('--run-id'))).toBe(true);
    }
  });

  it('the check is real: an unknown flag or command fails', () => {
    expect(() =>
      parseArgs({ args: ['--shard', '8'], options: optionsOf('plan')!, allowPositionals: false, strict: true }),
    ).toThrow(/--shard/);
    expect(optionsOf('plans')).toBeUndefined();
  });
});
