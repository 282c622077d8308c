/**
 * Replays saved histories of real runs against today's workflow code: a change that would break
 * workflows already running in production (non-determinism) fails here. `*-v1.json` were recorded
 * before the `queued-batches` patch (one activity and one progress record per batch);
 * `sid-complete-v2.json` before the `remove-batch-parts` patch (batch parts kept after the zip);
 * the others are re-recorded with RECORD_HISTORIES=1 by the integration tests that make them
 * (`sid-complete.json` holds the remove-batch-parts path).
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const HISTORIES = path.resolve(__dirname, '../histories');
const BUNDLE = path.resolve(__dirname, '../../dist/workflow-bundle.js');
const fixtures = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

test('the replay fixtures are there', () => {
  for (const name of ['sid-complete', 'ssc-complete', 'csv-only-first-run', 'csv-only-last-run']) {
    expect(fixtures).toContain(`${name}.json`);
    expect(fixtures).toContain(`${name}-v1.json`);
  }
  expect(fixtures).toContain('sid-complete-v2.json');
});

test.each(fixtures)('%s replays without non-determinism', async (file) => {
  const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8')));
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: BUNDLE } },
    history,
    file.replace(/\.json$/, ''),
  );
});
