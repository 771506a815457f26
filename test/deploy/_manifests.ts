// The files of deploy/, read as the engines read them: every YAML document of deploy/kubernetes and
// every JSON file of deploy/aws-batch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));

export interface KubernetesObject {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
}

export function kubernetesObjects(): KubernetesObject[] {
  const folder = join(DEPLOY, 'kubernetes');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(folder, file), 'utf8')).map((document) => {
        if (document.errors.length) throw new Error(`${file}: ${document.errors.map(String).join('; ')}`);
        return { ...(document.toJS() as Omit<KubernetesObject, 'file'>), file } as KubernetesObject;
      }),
    );
}

export function batchFile(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(DEPLOY, 'aws-batch', name), 'utf8')) as Record<string, unknown>;
}

export const BATCH_SUBMISSIONS = [
  'submit-plan.json',
  'submit-shards.json',
  'submit-labels.json',
  'submit-cells.json',
  'submit-merge.json',
] as const;
