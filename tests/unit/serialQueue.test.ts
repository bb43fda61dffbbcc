import { describe, expect, it } from 'vitest';
import { HubError } from '@shared/errors';
import { SerialQueue } from '../../server/lib/serialQueue';

describe('SerialQueue', () => {
  it('runs tasks one at a time in order, and refuses beyond its bound at once, without running the task', async () => {
    const queue = new SerialQueue(2, (waiting) => new HubError('HUB_BUSY', `${waiting} waiting`));
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = queue.run(async () => {
      await gate;
      order.push('first');
    });
    const second = queue.run(async () => {
      order.push('second');
    });
    let ranThird = false;
    const third = queue.run(async () => {
      ranThird = true;
    });
    await expect(third).rejects.toMatchObject({ code: 'HUB_BUSY', message: '2 waiting' });
    expect(queue.size).toBe(2);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(ranThird).toBe(false);
    expect(queue.size).toBe(0);
    await expect(queue.run(async () => 'again')).resolves.toBe('again'); // room again once drained
  });

  it('keeps going after a task fails', async () => {
    const queue = new SerialQueue();
    await expect(queue.run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(queue.run(async () => 1)).resolves.toBe(1);
    expect(queue.size).toBe(0);
  });

  it('while its gate is closed refuses new tasks at once; refuseWaiting answers those not started, which never run, and leaves the running one be', async () => {
    let closed: Error | null = null;
    const queue = new SerialQueue(10, () => new Error('busy'), () => closed);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = queue.run(async () => {
      await gate;
      return 'committed';
    });
    let ranWaiting = false;
    const waiting = queue.run(async () => {
      ranWaiting = true;
    });
    const gatheredElsewhere: string[] = [];
    queue.onRefuseWaiting((error) => (gatheredElsewhere.push((error as Error).message), 1));
    closed = new HubError('STORE_UNAVAILABLE', 'down');
    await expect(queue.run(async () => 'new')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(queue.refuseWaiting(closed)).toBe(2); // one task of its own, one gathered by a listener
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(gatheredElsewhere).toEqual(['down']);
    release();
    await expect(running).resolves.toBe('committed');
    await queue.idle();
    expect(ranWaiting).toBe(false);
    expect(queue.size).toBe(0);
    closed = null;
    await expect(queue.run(async () => 'taken')).resolves.toBe('taken');
  });
});
