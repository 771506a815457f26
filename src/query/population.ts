// Datasets that count the same machines many times (a population, e.g. installations by size and by
// feature) are protected together: a suppressed row of one could otherwise be derived from published
// rows of the others. A run that publishes some of them still builds them all, so their protection is
// the same whichever of them a run names. Event datasets join a population only by declaring one
// (a family of tables over the same events, protect/family.ts); undeclared, each stands alone.
import { type DatasetDefinition, listDatasets, loadDataset } from './dataset.js';

/**
 * The population a dataset is protected with: datasets that count machines always have one (their
 * own name when undeclared); datasets that count events only when `dataset.json` declares it.
 */
export function populationOf(dataset: DatasetDefinition): string | undefined {
  if (dataset.measure.count === 'machines') return dataset.population ?? `dataset:${dataset.name}`;
  return dataset.population;
}

/**
 * `items` grouped by the population of their dataset (`populationOf`), groups and members in the order
 * first seen; an item whose dataset has no population is in no group.
 */
export function groupByPopulation<T>(items: readonly T[], datasetOf: (item: T) => DatasetDefinition): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const population = populationOf(datasetOf(item));
    if (population === undefined) continue;
    groups.set(population, [...(groups.get(population) ?? []), item]);
  }
  return groups;
}

/** The other datasets of `queriesDir` in the populations of `datasets`, in name order. */
export async function populationCompanions(
  datasets: readonly DatasetDefinition[],
  queriesDir?: string,
): Promise<DatasetDefinition[]> {
  const populations = new Set(datasets.map(populationOf).filter((population) => population !== undefined));
  if (populations.size === 0) return [];
  const named = new Set(datasets.map((dataset) => dataset.name));
  const companions: DatasetDefinition[] = [];
  for (const name of await listDatasets(queriesDir)) {
    if (named.has(name)) continue;
    const dataset = await loadDataset(name, queriesDir);
    const population = populationOf(dataset);
    if (population !== undefined && populations.has(population)) companions.push(dataset);
  }
  return companions;
}
