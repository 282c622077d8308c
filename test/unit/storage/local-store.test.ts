/** The artifact store's contract on the local directory, in a temporary directory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createLocalArtifactStore } from '../../../src/storage/local';
import { artifactStoreContract } from '../../support/artifact-store-contract';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-store-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('local artifact store', () => {
  artifactStoreContract(() => createLocalArtifactStore(root));

  test('leaves no temporary file behind, after a success or a failure', async () => {
    const store = createLocalArtifactStore(root);
    await store.put('tidy/a.csv', 'a');
    async function* halfThenFail() {
      yield Buffer.from('half');
      throw new Error('gone');
    }
    await expect(store.put('tidy/b.csv', Readable.from(halfThenFail()))).rejects.toThrow('gone');
    expect(fs.readdirSync(path.join(root, 'tidy'))).toEqual(['a.csv']);
  });
});
