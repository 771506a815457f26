// publish-child.ts in a process of its own, for tests that kill -9 a publishing run or race two runs.

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildSpec } from './publish-child.js';

const CHILD = fileURLToPath(new URL('./publish-child.ts', import.meta.url));

export interface RunningChild {
  process: ChildProcess;
  /** Resolves when the process has exited, whatever the reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts publish-child.ts with `spec` in a process of its own, with `env` added to this one's. */
export async function startPublishChild(
  folder: string,
  spec: ChildSpec,
  env: Record<string, string>,
): Promise<RunningChild> {
  const specPath = join(folder, `child-${spec.runId}.json`);
  await writeFile(specPath, JSON.stringify(spec));
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, specPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close' comes after the process has exited and its pipes have drained.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })),
  );
  return { process: child, exited };
}
