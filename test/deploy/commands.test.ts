// Every command line in deploy/ is one this repo's CLI takes: its command exists and its flags parse
// strictly against that command's option table (src/cli-options.ts, what the parser reads), so a
// renamed command or flag fails here instead of in a cluster at 3 a.m.
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type OptionSpec, PUBLISH_OPTIONS } from '../../src/cli-options.js';
import { BATCH_SUBMISSIONS, batchFile, kubernetesObjects } from './_manifests.js';

/**
 * The shard steps (plan, shard, merge) are being built on another branch, with these names and flags
 * agreed: until their option tables are in cli-options.ts, their lines are parsed against the
 * publish settings plus that one flag. Once COMMANDS has them, their own tables are used; then delete
 * this table.
 */
const AGREED_STEP_FLAGS: Record<string, Record<string, OptionSpec>> = {
  plan: { shards: { type: 'string', help: 'shards to cut' } },
  shard: { index: { type: 'string', help: "this shard's index" } },
  merge: {},
};

/** The global flags `main` answers without a command. */
const GLOBAL_ONLY = [['--help'], ['--version']];

function optionsOf(command: string): Record<string, OptionSpec> | undefined {
  if (command in COMMANDS) return COMMANDS[command as keyof typeof COMMANDS].options;
  const agreed = AGREED_STEP_FLAGS[command];
  return agreed && { ...PUBLISH_OPTIONS, ...agreed };
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

  it('the check is real: an unknown flag or command fails', () => {
    expect(() =>
      parseArgs({ args: ['--shard', '8'], options: optionsOf('plan')!, allowPositionals: false, strict: true }),
    ).toThrow(/--shard/);
    expect(optionsOf('plans')).toBeUndefined();
  });
});
