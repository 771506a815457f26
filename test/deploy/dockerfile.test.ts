// The Dockerfile, parsed (dockerfile-ast, the parser of the VS Code Docker language server) and held to
// what the image must be, since no container engine runs here: multi-stage, production dependencies
// only in the runtime stage, a non-root numeric user, the CLI as entrypoint, and everything the CLI
// reads at run time copied in.
import { readFileSync } from 'node:fs';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const dockerfile = DockerfileParser.parse(readFileSync(new URL('Dockerfile', root), 'utf8'));
const packageJson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
const ignored = readFileSync(new URL('.dockerignore', root), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** The stages, each with its FROM's image (ARG defaults resolved) and the instructions under it. */
function stages(): Stage[] {
  const args = new Map(
    dockerfile.getInitialARGs().flatMap((arg) => {
      const property = arg.getProperty();
      return property?.getName() ? [[property.getName(), property.getValue() ?? '']] : [];
    }),
  );
  const found: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image = '', , name = ''] = instruction.getArgumentsContent()?.split(/\s+/) ?? [];
      found.push({
        name,
        image: image.replace(/^\$\{(\w+)\}$/, (_all, arg: string) => args.get(arg) ?? ''),
        instructions: [],
      });
    } else found.at(-1)?.instructions.push(instruction);
  }
  return found;
}

const all = stages();
const runtime = all.at(-1)!;
/** An instruction's text after its keyword, flags included (`--from=build /app/src ./src`). */
const lines = (stage: Stage, keyword: string) =>
  stage.instructions
    .filter((instruction) => instruction.getKeyword() === keyword)
    .map((instruction) => instruction.getTextContent().replace(/^\S+\s+/, ''));

describe('Dockerfile', () => {
  it('is multi-stage, every stage on Node 20 slim (Debian bookworm)', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) expect(stage.image).toMatch(/^node:20-bookworm-slim$/);
    expect(new Set(all.map((stage) => stage.name)).size).toBe(all.length);
  });

  it('a build stage installs every dependency and type-checks; the runtime gets production dependencies only', () => {
    const build = all.find((stage) => lines(stage, 'RUN').some((run) => /^npm ci\b(?!.*--omit=dev)/.test(run)));
    expect(build, 'a stage running npm ci with dev dependencies').toBeDefined();
    expect(lines(build!, 'RUN')).toContain('npx tsc --noEmit');
    const production = all.find((stage) => lines(stage, 'RUN').some((run) => /^npm ci --omit=dev\b/.test(run)));
    expect(production, 'a stage running npm ci --omit=dev').toBeDefined();
    expect(production).not.toBe(runtime);
    expect(lines(runtime, 'COPY')).toContain(`--from=${production!.name} /app/node_modules ./node_modules`);
    expect(lines(runtime, 'RUN')).toEqual([]);
  });

  it('runs as a numeric non-root user (so Kubernetes runAsNonRoot can verify it)', () => {
    const user = lines(runtime, 'USER').at(-1);
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it("its entrypoint is the CLI, package.json's bin, whose loader tsx is a production dependency", () => {
    const [entrypoint] = runtime.instructions.filter((instruction) => instruction.getKeyword() === 'ENTRYPOINT');
    expect(JSON.parse(entrypoint?.getArgumentsContent() ?? 'null')).toEqual([
      'node',
      `/app/${packageJson.bin['telemetry-publisher']}`,
    ]);
    expect(readFileSync(new URL(packageJson.bin['telemetry-publisher']!, root), 'utf8')).toMatch(
      /from 'tsx\/esm\/api'/,
    );
    expect(packageJson.dependencies.tsx).toBeDefined();
  });

  it('copies what the CLI reads at run time, and .dockerignore keeps it in the context', () => {
    const copied = lines(runtime, 'COPY').join('\n');
    for (const path of ['bin', 'src', 'queries', 'tools', 'package.json', 'DATA_LICENSE.md']) {
      expect(copied).toMatch(new RegExp(`/app/${path.replace('.', '\\.')}\\b`));
      expect(ignored).not.toContain(path);
    }
    expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'output', 'sample-archive']));
  });
});
