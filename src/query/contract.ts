// What a dataset query may be: one SELECT over the job's own tables, whose privacy unit is the archive's
// machine id. The engine runs it in a locked-down DuckDB (engine/sandbox.ts); these checks refuse, with
// a message naming the dataset, what the sandbox alone would let through.
import { StatementType } from '@duckdb/node-api';
import { PublisherError } from '../core/errors.js';
import { type Duck, quotedIdentifier as id } from '../engine/duck.js';
import { sqlTemplates } from '../engine/sql.js';
import { ARCHIVE_MACHINES_TABLE } from '../engine/tables.js';
import type { DatasetDefinition } from './dataset.js';

const sql = sqlTemplates(import.meta.url, 'contract.sql');
const archiveMachines = id(ARCHIVE_MACHINES_TABLE);

/** The distinct machine ids of the usable events: the only privacy units a query may return. */
export async function createArchiveMachines(duck: Duck): Promise<void> {
  await duck.run(sql('archive_machines', { archive_machines: archiveMachines }));
}

/** Refuses a `query.sql` that is more than one statement or not a SELECT (a COPY, a second statement). */
export async function checkOneSelect(duck: Duck, dataset: DatasetDefinition): Promise<void> {
  const fail = (found: string): never => {
    throw new PublisherError(
      'E_CONFIG',
      `dataset "${dataset.name}": query.sql must be one SELECT statement, found ${found}`,
    );
  };
  const statements = await duck.connection
    .extractStatements(dataset.sql)
    .catch((error: Error) => fail(`SQL that does not parse: ${error.message}`));
  if (statements.count !== 1) fail(`${statements.count} statements`);
  const prepared = await statements
    .prepare(0)
    .catch((error: Error) => fail(`a statement that cannot be prepared: ${error.message}`));
  if (prepared.statementType !== StatementType.SELECT) fail(`a ${StatementType[prepared.statementType]} statement`);
}

/**
 * Refuses facts whose `machine_id` is not a machine of the archive: a query that invents its own
 * privacy unit (`gen_random_uuid() AS machine_id`, a hash of something else) would count "machines"
 * that are not machines, and k of them could be one.
 */
export async function checkPrivacyUnit(
  duck: Duck,
  dataset: DatasetDefinition,
  facts: string,
  machineIdType: string,
): Promise<void> {
  if (machineIdType !== 'UBIGINT') {
    throw new PublisherError(
      'E_CONFIG',
      `dataset "${dataset.name}": query.sql must return the archive's machine_id (events.machine_id, UBIGINT) as machine_id, got a ${machineIdType} column`,
    );
  }
  const [row] = await duck.all<{ n: string }>(sql('foreign_machines', { facts, archive_machines: archiveMachines }));
  if (Number(row?.n ?? 0) > 0) {
    throw new PublisherError(
      'E_CONFIG',
      `dataset "${dataset.name}": query.sql returns machine_id values that are no machine of the archive: the privacy unit must be events.machine_id as it is`,
    );
  }
}
