// Server products that send one snapshot a day per installation (the EventStoreDB and Octopus seeds):
// versions, operating systems and the `metrics` object with heavy-tailed sizes.

import type { Random, Weighted } from './random.js';
import type { OsFamily } from './vocabulary.js';

export type MetricKind =
  | 'fixed' // the same every day (hardware, configuration)
  | 'growing' // grows slowly from its base (projects, users, subscriptions)
  | 'fluctuating'; // moves around its growing base day to day (deployments in the last 90 days)

export interface MetricSpec {
  name: string;
  type: 'INTEGER' | 'BIGINT' | 'BOOLEAN';
  kind: MetricKind;
}

export interface ProductSpec {
  product: string;
  /** Oldest first: an upgrade moves to a later entry. */
  versions: ReadonlyArray<Weighted<string>>;
  osFamilies: ReadonlyArray<Weighted<OsFamily>>;
  /** In the order the product writes them. */
  metrics: readonly MetricSpec[];
  /** Base values of one installation's metrics, by name. */
  draw(random: Random, osFamily: OsFamily): Record<string, number | boolean>;
}

const GIB = 1024 ** 3;

function hardware(random: Random): { core_count: number; total_memory: number } {
  const cores = random.weighted([
    { value: 2, weight: 18 },
    { value: 4, weight: 30 },
    { value: 8, weight: 26 },
    { value: 16, weight: 14 },
    { value: 32, weight: 8 },
    { value: 64, weight: 4 },
  ]);
  const gib = cores * random.pick([2, 4, 4, 8]);
  // What the OS reports is a little under the installed size.
  return { core_count: cores, total_memory: gib * GIB - random.int(64) * 4 * 1024 * 1024 };
}

function count(random: Random, median: number, sigma: number, max: number): number {
  return Math.min(max, Math.max(1, Math.round(random.logNormal(median, sigma))));
}

export const EVENTSTOREDB: ProductSpec = {
  product: 'eventstoredb',
  versions: [
    { value: '22.10.4', weight: 3 },
    { value: '22.10.5', weight: 4 },
    { value: '23.10.0', weight: 4 },
    { value: '23.10.1', weight: 6 },
    { value: '23.10.2', weight: 9 },
    { value: '23.10.3', weight: 7 },
    { value: '24.2.0', weight: 6 },
    { value: '24.6.0', weight: 9 },
    { value: '24.10.0', weight: 12 },
    { value: '24.10.1', weight: 10 },
    { value: '24.10.2', weight: 8 },
  ],
  osFamilies: [
    { value: 'Linux', weight: 72 },
    { value: 'Windows', weight: 25 },
    { value: 'Darwin', weight: 3 },
  ],
  metrics: [
    { name: 'core_count', type: 'INTEGER', kind: 'fixed' },
    { name: 'total_memory', type: 'BIGINT', kind: 'fixed' },
    { name: 'total_disk_space', type: 'BIGINT', kind: 'fixed' },
    { name: 'is_container', type: 'BOOLEAN', kind: 'fixed' },
    { name: 'is_kubernetes', type: 'BOOLEAN', kind: 'fixed' },
    { name: 'cluster_size', type: 'INTEGER', kind: 'fixed' },
    { name: 'insecure', type: 'BOOLEAN', kind: 'fixed' },
    { name: 'enable_atom_pub_over_http', type: 'BOOLEAN', kind: 'fixed' },
    { name: 'projections_running', type: 'INTEGER', kind: 'growing' },
    { name: 'persistent_subscriptions', type: 'INTEGER', kind: 'growing' },
  ],
  draw(random, osFamily) {
    const isKubernetes = osFamily === 'Linux' && random.chance(0.28);
    const projections = random.weighted([
      { value: 0, weight: 40 },
      { value: 5, weight: 30 }, // the five system projections only
      { value: 5 + count(random, 3, 1.1, 400), weight: 30 },
    ]);
    return {
      ...hardware(random),
      total_disk_space: random.pick([128, 256, 512, 1000, 2000, 4000]) * 1_000_000_000 - random.int(1000) * 1_048_576,
      is_container: isKubernetes || (osFamily === 'Linux' && random.chance(0.4)),
      is_kubernetes: isKubernetes,
      cluster_size: random.weighted([
        { value: 1, weight: 58 },
        { value: 3, weight: 37 },
        { value: 5, weight: 5 },
      ]),
      insecure: random.chance(0.15),
      enable_atom_pub_over_http: random.chance(0.35),
      projections_running: projections,
      persistent_subscriptions: random.chance(0.4) ? 0 : count(random, 8, 1.4, 5000),
    };
  },
};

export const OCTOPUS_SERVER: ProductSpec = {
  product: 'octopus-server',
  versions: [
    { value: '2023.3.13', weight: 3 },
    { value: '2023.4.8', weight: 5 },
    { value: '2024.1.5', weight: 8 },
    { value: '2024.1.12', weight: 7 },
    { value: '2024.2.9', weight: 9 },
    { value: '2024.3.12', weight: 11 },
    { value: '2024.4.7', weight: 12 },
    { value: '2025.1.3', weight: 10 },
    { value: '2025.2.6', weight: 7 },
  ],
  osFamilies: [
    { value: 'Windows', weight: 78 },
    { value: 'Linux', weight: 22 },
  ],
  metrics: [
    { name: 'core_count', type: 'INTEGER', kind: 'fixed' },
    { name: 'total_memory', type: 'BIGINT', kind: 'fixed' },
    { name: 'is_container', type: 'BOOLEAN', kind: 'fixed' },
    { name: 'is_kubernetes', type: 'BOOLEAN', kind: 'fixed' },
    { name: 'cluster_size', type: 'INTEGER', kind: 'fixed' },
    { name: 'projects', type: 'INTEGER', kind: 'growing' },
    { name: 'environments', type: 'INTEGER', kind: 'growing' },
    { name: 'machines', type: 'INTEGER', kind: 'growing' },
    { name: 'users', type: 'INTEGER', kind: 'growing' },
    { name: 'tenants', type: 'INTEGER', kind: 'growing' },
    { name: 'deployments_90d', type: 'INTEGER', kind: 'fluctuating' },
  ],
  draw(random, osFamily) {
    const projects = count(random, 25, 1.2, 6000);
    const isKubernetes = osFamily === 'Linux' && random.chance(0.25);
    return {
      ...hardware(random),
      is_container: isKubernetes || (osFamily === 'Linux' ? random.chance(0.7) : random.chance(0.02)),
      is_kubernetes: isKubernetes,
      // High availability: several nodes share one installation.
      cluster_size: random.weighted([
        { value: 1, weight: 88 },
        { value: 2, weight: 8 },
        { value: 3, weight: 3 },
        { value: 4, weight: 1 },
      ]),
      projects,
      environments: 1 + count(random, 3, 0.6, 300),
      // "We expected users to only have a handful of machines ... some customers have over 900."
      machines: count(random, 12, 1.5, 20000),
      users: count(random, 8, 1.3, 10000),
      tenants: random.chance(0.7) ? 0 : count(random, 20, 1.5, 20000),
      deployments_90d: Math.round(projects * random.logNormal(6, 0.9)),
    };
  },
};

export const PRODUCTS: readonly ProductSpec[] = [EVENTSTOREDB, OCTOPUS_SERVER];
