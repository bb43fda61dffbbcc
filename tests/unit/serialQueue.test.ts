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
});
