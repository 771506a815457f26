import { readFile } from 'node:fs/promises';
import { COMMANDS, type CommandName } from '../../src/cli-options.js';
import { cli } from '../helpers/cli.js';
import { describe, expect, it } from '../helpers/fixtures.js';

// The help is generated from the tables the parser reads: each command's help lists exactly the flags
// that command takes, and each listed flag is accepted (an unknown one is exit 2).
const FLAG = /(?:^|\s)--([a-z0-9-]+)/g;

function flagsIn(help: string): string[] {
  return [...help.matchAll(FLAG)].map((match) => match[1]!);
}

describe('telemetry-publisher --version', () => {
  it.each([['--version'], ['-V'], ['version']])('%s prints the package version and exits 0', async (flag) => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    const run = await cli([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`telemetry-publisher ${version}\n`);
  });
});

describe('per-command --help', () => {
  it.each(Object.keys(COMMANDS) as CommandName[])('%s --help lists its own options, all of them', async (name) => {
    const run = await cli([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: telemetry-publisher ${name}`));
    const options = Object.keys(COMMANDS[name].options);
    const listed = flagsIn(run.stdout.split('\nOptions:\n')[1]!);
    expect(new Set(listed)).toEqual(new Set(options));
    for (const option of options) expect(listed.filter((flag) => flag === option)).toHaveLength(1);
  });

  it('audit --help differs from publish --help: no --dry-run, --revise or --max-bad-share', async () => {
    const audit = (await cli(['audit', '--help'])).stdout;
    expect(audit).not.toMatch(/--dry-run|--revise|--max-bad-share/);
    expect((await cli(['publish', '--help'])).stdout).toMatch(/--dry-run/);
    expect((await cli(['audit', '--dry-run'])).code).toBe(2);
  });

  it('help <command> is that command help; the global help names the commands and --version', async () => {
    expect((await cli(['help', 'sample'])).stdout).toMatch(/^Usage: telemetry-publisher sample --out DIR/);
    const global = await cli(['--help']);
    expect(global.stdout).toMatch(/^Usage: telemetry-publisher <command>/);
    for (const name of Object.keys(COMMANDS)) expect(global.stdout).toContain(`  ${name} `);
    expect(global.stdout).toContain('--version');
  });

  it('an unknown flag of a command is exit 2, naming it', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const run = await cli([name, '--no-such-flag']);
      expect(run.code).toBe(2);
      expect(run.log.join('\n')).toContain('--no-such-flag');
    }
  });
});
