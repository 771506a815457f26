import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATASETS, engineSqlPath, renderEngineSql } from '../../tools/engine-sql.js';

// queries/<dataset>/engine.sql is what a reviewer reads in a diff: it must be what the engine runs now.
describe('queries/<dataset>/engine.sql', () => {
  for (const dataset of BUNDLED_DATASETS) {
    it(`${dataset}: the committed statements are the ones the engine runs`, async () => {
      const rendered = await renderEngineSql(dataset);
      const committed = await readFile(engineSqlPath(dataset), 'utf8').catch(() => '');
      if (committed !== rendered) {
        const lines = { committed: committed.split('\n'), rendered: rendered.split('\n') };
        const at = lines.rendered.findIndex((line, index) => line !== lines.committed[index]);
        expect.fail(
          `queries/${dataset}/engine.sql is stale: run \`npm run engine-sql\`\n` +
            `first difference at line ${at + 1}:\n  committed: ${lines.committed[at] ?? '(end of file)'}\n  now:       ${lines.rendered[at] ?? '(end of file)'}`,
        );
      }
    });
  }
});
