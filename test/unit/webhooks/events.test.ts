import { Codegen, newSnapshot, type WorkorderSnapshot } from '../../../src/shared/workorder';
import { webhookMessageId, workorderEvents, type RecordedState } from '../../../src/webhooks/events';

const before = (over: Partial<RecordedState> = {}): RecordedState => ({
  state: 'new',
  codegen_status: Codegen.waiting,
  is_archived: 0,
  snapshot_revision: 3,
  ...over,
});
const after = (over: Partial<WorkorderSnapshot> = {}): WorkorderSnapshot => ({
  ...newSnapshot(7, 10),
  revision: 4,
  ...over,
});

describe('the events a recorded change makes', () => {
  it('the first record of a workorder is workorder.created', () => {
    expect(workorderEvents(before({ snapshot_revision: 0 }), after())).toEqual(['workorder.created']);
  });

  it('progress alone makes no event', () => {
    const generating = { codegenStatus: Codegen.generating } as const;
    expect(workorderEvents(before({ codegen_status: Codegen.generating }), after(generating))).toEqual([]);
  });

  it('a SID completing is codes_ready then completed', () => {
    const done = after({ state: 'completed', codegenStatus: Codegen.completed });
    expect(workorderEvents(before({ codegen_status: Codegen.generating }), done)).toEqual([
      'workorder.codes_ready',
      'workorder.completed',
    ]);
  });

  it('an SSC: codes_ready at ready to print, then printed, then completed', () => {
    const ready = after({ state: 'ready to print', codegenStatus: Codegen.completed });
    expect(workorderEvents(before({ codegen_status: Codegen.generating }), ready)).toEqual([
      'workorder.codes_ready',
    ]);
    const wasReady = before({ state: 'ready to print', codegen_status: Codegen.completed });
    expect(workorderEvents(wasReady, after({ state: 'printed', codegenStatus: Codegen.completed }))).toEqual([
      'workorder.printed',
    ]);
  });

  it('cancel, a failed generation and archiving each make their event', () => {
    expect(workorderEvents(before(), after({ state: 'canceled' }))).toEqual(['workorder.canceled']);
    expect(
      workorderEvents(
        before({ codegen_status: Codegen.generating }),
        after({ codegenStatus: Codegen.failed }),
      ),
    ).toEqual(['workorder.generation_failed']);
    expect(
      workorderEvents(before({ state: 'canceled' }), after({ state: 'canceled', isArchived: true })),
    ).toEqual(['workorder.archived']);
  });

  it('changes recorded together still give every event, in order', () => {
    const done = after({ state: 'completed', codegenStatus: Codegen.completed, isArchived: true });
    expect(workorderEvents(before({ snapshot_revision: 0 }), done)).toEqual([
      'workorder.created',
      'workorder.codes_ready',
      'workorder.completed',
      'workorder.archived',
    ]);
  });

  it('webhook ids are fixed by workorder, revision and event', () => {
    expect(webhookMessageId(7, 4, 'workorder.codes_ready')).toBe('msg_wo7_r4_codes_ready');
  });
});
