/** The per-connection slot of subscription answers (server/transport/socket/answerSlot.ts). */
import { describe, expect, it } from 'vitest';
import { AnswerSlot } from '../../server/transport/socket/answerSlot';

describe('AnswerSlot', () => {
  it('a free slot is taken at once', async () => {
    expect(await new AnswerSlot().take()).toBe(true);
  });

  it('one waits while another holds it, and gets it when it is released', async () => {
    const slot = new AnswerSlot();
    await slot.take();
    let got: boolean | undefined;
    const second = slot.take().then((g) => (got = g));
    await Promise.resolve();
    expect(got).toBeUndefined();
    slot.release();
    await second;
    expect(got).toBe(true);
  });

  it('of several waiting, only the newest gets it: each older one is told false when a newer one comes', async () => {
    const slot = new AnswerSlot();
    await slot.take();
    const waits = [slot.take(), slot.take(), slot.take()];
    slot.release();
    expect(await Promise.all(waits)).toEqual([false, false, true]);
    // released by the newest: free again
    slot.release();
    expect(await slot.take()).toBe(true);
  });
});
