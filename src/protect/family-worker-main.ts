// The body of a family worker (family-worker.mjs loads it): solves each day it is sent, replies with the
// result or the error, code kept, so the main thread throws what an in-place solve would have thrown.
import { parentPort } from 'node:worker_threads';
import { PublisherError } from '../core/errors.js';
import { type FamilyDayProblem, solveInPlace } from './family-solver.js';

parentPort?.on('message', (problem: FamilyDayProblem) => {
  try {
    parentPort?.postMessage({ ok: true, result: solveInPlace(problem) });
  } catch (error) {
    const code = error instanceof PublisherError ? error.code : 'E_INTERNAL';
    parentPort?.postMessage({ ok: false, code, message: error instanceof Error ? error.message : String(error) });
  }
});
