// deploy/kubernetes checked offline against the Kubernetes API's own schema: kubernetes-models
// validates each object with the JSON Schema generated from the Kubernetes OpenAPI spec (required
// fields, types, enum values such as completionMode and restartPolicy), and a round trip through
// @kubernetes/client-node's typed models (generated from the same spec) must give the object back
// whole, so a misspelt or unknown field, which the schema alone lets through, is caught too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { resolveSettings, SETTING_VARIABLES } from '../../src/config.js';
import { DEPLOY, type KubernetesObject, kubernetesObjects } from './_manifests.js';

const MODELS = {
  'batch/v1 Job': { model: Job, type: 'V1Job' },
  'v1 ConfigMap': { model: ConfigMap, type: 'V1ConfigMap' },
  'v1 Secret': { model: Secret, type: 'V1Secret' },
} as const;

/** Through the typed model and back: what the model does not know is dropped. */
const roundTripped = (manifest: unknown, type: string): unknown =>
  ObjectSerializer.serialize(ObjectSerializer.deserialize(manifest, type, ''), type, '');

const objects = kubernetesObjects();
const settingsData = (): Record<string, string> =>
  (objects.find((object) => object.kind === 'ConfigMap') as unknown as ConfigMap).data ?? {};
const jobs = objects.filter((object) => object.kind === 'Job') as unknown as Array<KubernetesObject & Job>;
const job = (name: string): Job => {
  const found = jobs.find((object) => object.metadata?.name === `telemetry-publisher-${name}`);
  if (!found) throw new Error(`no Job telemetry-publisher-${name} in deploy/kubernetes`);
  return found;
};
const container = (name: string) => job(name).spec!.template.spec!.containers[0]!;
const mebibytes = (quantity: string | number | undefined): number => {
  const match = /^(\d+)(Mi|Gi)$/.exec(String(quantity));
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

describe('deploy/kubernetes against the Kubernetes API schema', () => {
  it('holds the settings, the plan, the shards, the labels, the shards cells and the merge', () => {
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'ConfigMap/telemetry-publisher-settings',
      'Job/telemetry-publisher-cells',
      'Job/telemetry-publisher-labels',
      'Job/telemetry-publisher-merge',
      'Job/telemetry-publisher-plan',
      'Job/telemetry-publisher-shards',
      'Secret/telemetry-publisher-s3',
    ]);
  });

  it.each(objects.map((object) => [`${object.file}: ${object.kind}/${object.metadata.name}`, object] as const))(
    '%s is valid and has no unknown field',
    (_name, object) => {
      const { file: _file, ...manifest } = object;
      const known = MODELS[`${object.apiVersion} ${object.kind}` as keyof typeof MODELS];
      expect(known, `${object.apiVersion} ${object.kind} has no model in this test`).toBeDefined();
      expect(() => new known.model(manifest as never).validate()).not.toThrow();
      const roundTrip = roundTripped(manifest, known.type);
      expect(roundTrip).toEqual(manifest);
    },
  );

  it('the schema check is real: a wrong enum value and a missing container image fail', () => {
    const broken = structuredClone(job('shards'));
    (broken.spec as { completionMode: string }).completionMode = 'Index';
    expect(() => new Job(broken).validate()).toThrow(/completionMode/);
    const misspelt = structuredClone(job('shards')) as unknown as { spec: Record<string, unknown> };
    misspelt.spec.backofLimitPerIndex = 2;
    expect(roundTripped(misspelt, 'V1Job')).not.toEqual(misspelt);
  });
});

describe('deploy/kubernetes runs the job as the issue and the image require', () => {
  it.each([
    ['shards', ['shard', '--run-id', '2026-q3']],
    ['cells', ['shard', '--cells', '--run-id', '2026-q3']],
  ])('the %s are an Indexed Job with one pod per shard, retried per index', (name, args) => {
    const spec = job(name).spec!;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.parallelism).toBe(spec.completions);
    expect(spec.backoffLimitPerIndex).toBeGreaterThan(0);
    expect(spec.maxFailedIndexes).toBe(0);
    // The shard reads JOB_COMPLETION_INDEX, which Kubernetes sets in Indexed mode: no --index flag.
    expect(container(name).args).toEqual(args);
  });

  it('the plan cuts as many shards as both shard Jobs run', () => {
    const args = container('plan').args!;
    expect(args.slice(0, 1)).toEqual(['plan']);
    expect(Number(args[args.indexOf('--shards') + 1])).toBe(job('shards').spec!.completions);
    expect(job('cells').spec!.completions).toBe(job('shards').spec!.completions);
  });

  it('run.sh starts the five Jobs in the order of the steps', async () => {
    const script = readFileSync(join(DEPLOY, 'kubernetes', 'run.sh'), 'utf8');
    expect(script).toMatch(/^for step in plan shards labels cells merge; do$/m);
  });

  it.each(['plan', 'shards', 'labels', 'cells', 'merge'])(
    '%s: same image, non-root, read-only root, an emptyDir for the temp folder, 2 GiB + headroom',
    (name) => {
      const pod = job(name).spec!.template.spec!;
      const main = container(name);
      expect(main.image).toBe(container('shards').image);
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).not.toBe(0);
      expect(main.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(main.securityContext?.allowPrivilegeEscalation).toBe(false);
      const limit = mebibytes(main.resources?.limits?.memory);
      // DuckDB would start a thread per core of the node, not of the pod.
      expect(settingsData().TP_THREADS).toBe(String(main.resources?.limits?.cpu));
      expect(limit).toBeGreaterThan(2048);
      // The labels step holds the whole quarter's facts, and the merge, run without steps 3 and 4,
      // protects the whole quarter's family: 2.75 GB peak on a 50M quarter (docs/scale.md).
      if (name === 'labels' || name === 'merge') expect(limit).toBeGreaterThanOrEqual(3072);
      expect(mebibytes(main.resources?.requests?.memory)).toBe(limit);
      // The pod's failure policy must name its container (the API refuses the Job otherwise).
      for (const rule of job(name).spec!.podFailurePolicy?.rules ?? [])
        expect(rule.onExitCodes?.containerName).toBe(main.name);
      const settings = objects.find((object) => object.kind === 'ConfigMap') as unknown as ConfigMap;
      expect(main.envFrom?.[0]?.configMapRef?.name).toBe(settings.metadata?.name);
      const tempDir = settings.data?.TP_TEMP_DIR;
      const mount = main.volumeMounts?.find((volume) => volume.mountPath === tempDir);
      expect(mount, `TP_TEMP_DIR ${tempDir} must be a mounted volume`).toBeDefined();
      expect(pod.volumes?.find((volume) => volume.name === mount?.name)?.emptyDir).toBeDefined();
    },
  );

  it("the ConfigMap's variables are settings the CLI reads, and valid ones", async () => {
    const settings = objects.find((object) => object.kind === 'ConfigMap') as unknown as ConfigMap;
    const data = settings.data ?? {};
    const unknown = Object.keys(data).filter((name) => name.startsWith('TP_') && !SETTING_VARIABLES.includes(name));
    expect(unknown).toEqual([]);
    const resolved = await resolveSettings({}, data, undefined);
    expect(resolved.archive).toBe(data.TP_ARCHIVE);
    expect(resolved.target).toBe(data.TP_TARGET);
    expect(resolved.quarter).toBeDefined();
  });
});
