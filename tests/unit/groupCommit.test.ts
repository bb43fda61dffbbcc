import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import { GroupCommitter, type Waiting } from '../../server/hub/groupCommit';
import { SerialQueue } from '../../server/lib/serialQueue';

/** a committer whose commits the test releases one at a time, recording each group */
function harness(limit = 100, maxWeight = 10) {
  const queue = new SerialQueue(limit, (waiting) => new HubError('HUB_BUSY', `${waiting} waiting`));
  const groups: string[][] = [];
  const releases: (() => void)[] = [];
  const committer = new GroupCommitter<string>(
    queue,
    async (group: readonly Waiting<string>[]) => {
      groups.push(group.map((w) => w.unit));
      await new Promise<void>((r) => releases.push(r));
      if (group.some((w) => w.unit === 'explode')) throw new Error('store down');
      for (const w of group) {
        if (w.unit.startsWith('bad')) w.reject(new HubError('VALIDATION_FAILED', w.unit));
        else w.resolve(`${w.unit} ok`);
      }
    },
    maxWeight,
  );
  /** resolves once the next commit has started */
  const nextCommit = async () => {
    while (releases.length === 0) await new Promise((r) => setImmediate(r));
    return releases.shift()!;
  };
  return { queue, committer, groups, nextCommit };
}

describe('GroupCommitter', () => {
  it('takes the changes that arrive while a commit is in flight into the next one, in arrival order', async () => {
    const { committer, groups, nextCommit } = harness();
    const a = committer.submit('a', 1);
    const releaseA = await nextCommit();
    const rest = ['b', 'c', 'd'].map((u) => committer.submit(u, 1));
    expect(committer.gathered).toBe(3);
    releaseA();
    (await nextCommit())();
    expect(await Promise.all([a, ...rest])).toEqual(['a ok', 'b ok', 'c ok', 'd ok']);
    expect(groups).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('answers each change of a group on its own: one refusal does not fail the others', async () => {
    const { committer, nextCommit } = harness();
    const first = committer.submit('first', 1);
    const release = await nextCommit();
    const [good, bad, also] = ['good', 'bad-1', 'also'].map((u) => committer.submit(u, 1));
    release();
    (await nextCommit())();
    await first;
    await expect(good).resolves.toBe('good ok');
    await expect(bad).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(also).resolves.toBe('also ok');
  });

  it('gives a failure of the commit itself to every change of that group, and goes on', async () => {
    const { committer, nextCommit } = harness();
    const doomed = ['x', 'explode'].map((u) => committer.submit(u, 1));
    (await nextCommit())();
    for (const d of doomed) await expect(d).rejects.toThrow('store down');
    const after = committer.submit('after', 1);
    (await nextCommit())();
    await expect(after).resolves.toBe('after ok');
  });

  it('stops a group at maxWeight steps (a heavier change goes alone) and takes the rest next, before later arrivals', async () => {
    const { committer, groups, nextCommit } = harness(100, 4);
    const first = committer.submit('first', 1);
    const release = await nextCommit();
    const gathered = [committer.submit('w3', 3), committer.submit('w1', 1), committer.submit('w2', 2), committer.submit('big', 9)];
    release();
    const release2 = await nextCommit();
    const late = committer.submit('late', 1);
    release2();
    for (let i = 0; i < 3; i++) (await nextCommit())();
    await Promise.all([first, ...gathered, late]);
    expect(groups).toEqual([['first'], ['w3', 'w1'], ['w2'], ['big'], ['late']]);
  });

  it('counts every waiting change against the bound and refuses beyond it at once with HUB_BUSY', async () => {
    const { queue, committer, nextCommit } = harness(3);
    const admitted = ['a', 'b', 'c'].map((u) => committer.submit(u, 1));
    const release = await nextCommit();
    expect(queue.size).toBe(3);
    await expect(committer.submit('d', 1)).rejects.toMatchObject({ code: 'HUB_BUSY', message: '3 waiting' });
    await expect(queue.run(async () => 'roster')).rejects.toMatchObject({ code: 'HUB_BUSY' });
    release();
    await Promise.all(admitted);
    expect(queue.size).toBe(0);
    const again = committer.submit('e', 1);
    (await nextCommit())();
    await expect(again).resolves.toBe('e ok');
  });
});
