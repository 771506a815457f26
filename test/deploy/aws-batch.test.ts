// deploy/aws-batch checked offline against the AWS Batch service model that @aws-sdk/client-batch
// ships (the schemas its client serialises RegisterJobDefinition and SubmitJob requests with): every
// key a member, every value of its type, required members present, enum values the SDK's. Once
// checked, the files are typed as the SDK's command inputs for the invariants below.
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
import { BATCH_SUBMISSIONS, batchFile } from './_manifests.js';
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

describe('deploy/aws-batch runs plan, then the array of shards, then the merge', () => {
  it('the shards are an array job as large as the plan cuts, after the plan', () => {
    const shards = submission('submit-shards.json');
    const command = submission('submit-plan.json').containerOverrides?.command ?? [];
    expect(command[0]).toBe('plan');
    expect(shards.arrayProperties?.size).toBe(Number(command[command.indexOf('--shards') + 1]));
    // AWS Batch gives each child AWS_BATCH_JOB_ARRAY_INDEX, which `shard` reads: no --index flag.
    expect(shards.containerOverrides?.command).toEqual(['shard', '--run-id', '2026-q3']);
    expect(shards.dependsOn).toEqual([{ jobId: 'PLAN_JOB_ID' }]);
  });

  it('the merge is one job waiting for the whole array: a dependency on its id without a type', () => {
    const merge = submission('submit-merge.json');
    expect(merge.arrayProperties).toBeUndefined();
    // N_TO_N would need the merge to be an array job itself; SEQUENTIAL chains children of one array.
    expect(merge.dependsOn).toEqual([{ jobId: 'SHARDS_JOB_ID' }]);
    expect(merge.containerOverrides?.command).toEqual(['merge', '--run-id', '2026-q3']);
    // The merge protects the whole quarter's family: 2.75 GB peak on a 50M quarter (docs/scale.md).
    const memory = merge.containerOverrides?.resourceRequirements?.find((each) => each.type === 'MEMORY')?.value;
    expect(Number(memory)).toBeGreaterThanOrEqual(3072);
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
