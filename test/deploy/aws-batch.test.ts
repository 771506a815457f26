// deploy/aws-batch checked offline against the AWS Batch service model that @aws-sdk/client-batch
// ships (the schemas its client serialises RegisterJobDefinition and SubmitJob requests with): every
// key a member, every value of its type, required members present, enum values the SDK's. Once
// checked, the files are typed as the SDK's command inputs for the invariants below.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArrayJobDependency,
  JobDefinitionType,
  PlatformCapability,
  type RegisterJobDefinitionCommandInput,
  RegisterJobDefinitionRequest$,
  ResourceType,
  RetryAction,
  type SubmitJobCommandInput,
  SubmitJobRequest$,
} from '@aws-sdk/client-batch';
import { describe, expect, it } from 'vitest';
import { BATCH_SUBMISSIONS, batchFile, DEPLOY } from './_manifests.js';
import { type EnumMembers, shapeProblems } from './_smithy-shape.js';

const ENUMS: EnumMembers = {
  'RegisterJobDefinitionRequest.type': JobDefinitionType,
  'RegisterJobDefinitionRequest.platformCapabilities': PlatformCapability,
  'ResourceRequirement.type': ResourceType,
  'JobDependency.type': ArrayJobDependency,
  'EvaluateOnExit.action': RetryAction,
};

const definition = batchFile('job-definition.json') as unknown as RegisterJobDefinitionCommandInput;
const submission = (name: (typeof BATCH_SUBMISSIONS)[number]) => batchFile(name) as unknown as SubmitJobCommandInput;

describe('deploy/aws-batch against the AWS SDK Batch model', () => {
  it('job-definition.json is a RegisterJobDefinition request', () => {
    expect(shapeProblems(definition, RegisterJobDefinitionRequest$, ENUMS)).toEqual([]);
  });

  it.each(BATCH_SUBMISSIONS)('%s is a SubmitJob request', (name) => {
    expect(shapeProblems(submission(name), SubmitJobRequest$, ENUMS)).toEqual([]);
  });

  it('the check is real: an unknown key, a wrong type, a missing required member and a bad enum fail', () => {
    const broken = structuredClone(definition) as unknown as Record<string, Record<string, unknown>>;
    delete (broken as Record<string, unknown>).type;
    broken.containerProperties!.vcpu = 2;
    broken.containerProperties!.readonlyRootFilesystem = 'true';
    (broken.containerProperties!.resourceRequirements as Array<{ type: string }>)[0]!.type = 'CPU';
    expect(shapeProblems(broken, RegisterJobDefinitionRequest$, ENUMS).sort()).toEqual([
      '$.containerProperties.readonlyRootFilesystem: expected a boolean',
      '$.containerProperties.resourceRequirements[0].type: "CPU" is not one of GPU, MEMORY, VCPU',
      '$.containerProperties: vcpu is not a member of ContainerProperties',
      '$: missing required type',
    ]);
  });
});

describe('deploy/aws-batch runs plan, the array of shards, the labels, the array of cells, then the merge', () => {
  it('both arrays are as large as the plan cuts, the shards after the plan', () => {
    const command = submission('submit-plan.json').containerOverrides?.command ?? [];
    expect(command[0]).toBe('plan');
    const shards = submission('submit-shards.json');
    const cells = submission('submit-cells.json');
    for (const array of [shards, cells])
      expect(array.arrayProperties?.size).toBe(Number(command[command.indexOf('--shards') + 1]));
    // AWS Batch gives each child AWS_BATCH_JOB_ARRAY_INDEX, which `shard` reads: no --index flag.
    expect(shards.containerOverrides?.command).toEqual(['shard', '--run-id', '2026-q3']);
    expect(cells.containerOverrides?.command).toEqual(['shard', '--cells', '--run-id', '2026-q3']);
    expect(shards.dependsOn).toEqual([{ jobId: 'PLAN_JOB_ID' }]);
  });

  it.each([
    ['submit-labels.json', 'SHARDS_JOB_ID', ['labels', '--run-id', '2026-q3']],
    ['submit-merge.json', 'CELLS_JOB_ID', ['merge', '--run-id', '2026-q3']],
  ] as const)(
    '%s is one job waiting for the whole array before it: a dependency on its id without a type',
    (name, array, args) => {
      const job = submission(name);
      expect(job.arrayProperties).toBeUndefined();
      // N_TO_N would need this job to be an array job itself; SEQUENTIAL chains children of one array.
      expect(job.dependsOn).toEqual([{ jobId: array }]);
      expect(job.containerOverrides?.command).toEqual(args);
      // The labels step holds the whole quarter's facts; the merge, run without steps 3 and 4, protects
      // the whole quarter's family: 2.75 GB peak on a 50M quarter (docs/scale.md).
      const memory = job.containerOverrides?.resourceRequirements?.find((each) => each.type === 'MEMORY')?.value;
      expect(Number(memory)).toBeGreaterThanOrEqual(3072);
    },
  );

  it('the cells array waits for the labels, and submit.sh chains every id to the next step', () => {
    expect(submission('submit-cells.json').dependsOn).toEqual([{ jobId: 'LABELS_JOB_ID' }]);
    const script = readFileSync(join(DEPLOY, 'aws-batch', 'submit.sh'), 'utf8');
    for (const [step, before] of [
      ['shards', 'plan'],
      ['labels', 'shards'],
      ['cells', 'labels'],
      ['merge', 'cells'],
    ])
      expect(script).toContain(
        `${step}=$(submit "$(jq --arg id "$${before}" '.dependsOn[0].jobId = $id' "$here/submit-${step}.json")")`,
      );
  });

  it('every step runs the one definition, with the same quarter', () => {
    const quarters = BATCH_SUBMISSIONS.map((name) => {
      const job = submission(name);
      expect(job.jobDefinition).toBe(definition.jobDefinitionName);
      return job.containerOverrides?.environment?.find((variable) => variable.name === 'TP_QUARTER')?.value;
    });
    expect(new Set(quarters).size).toBe(1);
    expect(quarters[0]).toMatch(/^\d{4}-Q[1-4]$/);
  });

  it('the container: non-root, read-only root, the temp folder on a volume, 2 GiB + headroom', () => {
    const container = definition.containerProperties!;
    expect(container.user).toMatch(/^[1-9]\d*:\d+$/);
    expect(container.readonlyRootFilesystem).toBe(true);
    const memory = container.resourceRequirements?.find((requirement) => requirement.type === 'MEMORY')?.value;
    expect(Number(memory)).toBeGreaterThan(2048);
    const variable = (name: string) => container.environment?.find((each) => each.name === name)?.value;
    // DuckDB would start a thread per core of the instance, not of the job.
    expect(variable('TP_THREADS')).toBe(container.resourceRequirements?.find((each) => each.type === 'VCPU')?.value);
    const tempDir = variable('TP_TEMP_DIR');
    const mount = container.mountPoints?.find((point) => point.containerPath === tempDir);
    expect(mount?.readOnly).toBe(false);
    expect(container.volumes?.map((volume) => volume.name)).toContain(mount?.sourceVolume);
    // Exit codes 2 and 3 (usage, configuration, out of memory) do not change on a retry.
    const exits = definition.retryStrategy?.evaluateOnExit?.filter((rule) => rule.action === 'EXIT');
    expect(exits?.map((rule) => rule.onExitCode)).toEqual(['2', '3']);
  });
});
