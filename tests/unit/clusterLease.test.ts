/**
 * The cluster lease's own view of its term (server/hub/clusterLease.ts) and the duties that
 * follow it (server/hub/clusterDuties.ts), on fake timers and a store whose every answer the test
 * gives by hand: the database's side has its own tests (storeLeaseContract.ts), and real hubs on
 * real databases theirs (clusterLease.test.ts, clusterLeaseKill.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterLease, LEASE_SAFETY_SHARE } from '../../server/hub/clusterLease';
import { followLease } from '../../server/hub/clusterDuties';
import { silentLogger } from '../../server/lib/log';
import type { LeaseClaim, LeaseClaimant } from '../../server/store/types';

const TERM = 300;
const BELIEVED = TERM * (1 - LEASE_SAFETY_SHARE);

/** a store whose claims wait for the test's answer */
function handStore() {
  const claims: { claimant: LeaseClaimant; answer(held: boolean): void; fail(): void }[] = [];
  const released: string[] = [];
  const store = {
    acquireLease: (claimant: LeaseClaimant) =>
      new Promise<LeaseClaim>((resolve, reject) => {
        const lease = (holder: string) => ({ name: claimant.name, holder, instance: 'x', acquiredAt: 0, expiresAt: 0 });
        claims.push({ claimant, answer: (held) => resolve({ held, lease: lease(held ? claimant.holder : 'other-node'), now: Date.now() }), fail: () => reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) });
      }),
    releaseLease: async (claimant: Omit<LeaseClaimant, 'termMs'>) => {
      released.push(claimant.holder);
      return true;
    },
  };
  return { store, claims, released };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function leaseOn(store: ReturnType<typeof handStore>['store']) {
  const lease = new ClusterLease(store, { name: 'cluster-duties', nodeId: 'node-a', termMs: TERM }, silentLogger, () => Date.now());
  const told: boolean[] = [];
  lease.onChange((held) => told.push(held));
  return { lease, told };
}

describe('ClusterLease', () => {
  it('holds it until a little before the term the database gave ends, counted from when the claim was sent, when no renewal answers', async () => {
    const s = handStore();
    const { lease, told } = leaseOn(s.store);
    const started = lease.start();
    await vi.advanceTimersByTimeAsync(10); // the claim takes 10 ms to answer
    s.claims[0]!.answer(true);
    expect(await started).toBe(true);
    await vi.advanceTimersByTimeAsync(BELIEVED - 10 - 1);
    expect(lease.held).toBe(true);
    expect(s.claims.length).toBeGreaterThan(1); // renewals were sent, none answered
    await vi.advanceTimersByTimeAsync(1);
    expect(lease.held).toBe(false);
    expect(told).toEqual([true, false]);
    expect(lease.status()).toMatchObject({ acquisitions: 1, losses: 1 });
  });

  it('renews every third of the term, one claim at a time; a claim unanswered for a whole term no longer holds back the next', async () => {
    const s = handStore();
    const { lease } = leaseOn(s.store);
    const started = lease.start();
    s.claims[0]!.answer(true);
    await started;
    await vi.advanceTimersByTimeAsync(TERM / 3);
    expect(s.claims).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(TERM / 3); // the second is still in flight: not sent again
    expect(s.claims).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(TERM); // unanswered for a term: abandoned
    expect(s.claims).toHaveLength(3);
    lease.halt();
  });

  it('does not trust an answer that comes back after the term it would give; the next claim takes it again', async () => {
    const s = handStore();
    const { lease, told } = leaseOn(s.store);
    const started = lease.start();
    s.claims[0]!.answer(true);
    await started;
    await vi.advanceTimersByTimeAsync(TERM / 3); // claim 2 sent at 100
    await vi.advanceTimersByTimeAsync(TERM + TERM / 3); // lost at 270; claim 3 sent once claim 2 waited a term
    expect(lease.held).toBe(false);
    expect(s.claims).toHaveLength(3);
    s.claims[1]!.answer(true); // held until 100 + 270: past already
    await vi.advanceTimersByTimeAsync(0);
    expect(lease.held).toBe(false);
    s.claims[2]!.answer(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(lease.held).toBe(true);
    expect(told).toEqual([true, false, true]);
    lease.halt();
  });

  it('a claim refused (another node holds it) ends this node\'s term at once; failed claims change nothing until the term runs out', async () => {
    const s = handStore();
    const { lease, told } = leaseOn(s.store);
    const started = lease.start();
    s.claims[0]!.answer(true);
    await started;
    await vi.advanceTimersByTimeAsync(TERM / 3);
    s.claims[1]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(lease.held).toBe(true);
    await vi.advanceTimersByTimeAsync(TERM / 3);
    s.claims[2]!.answer(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(lease.held).toBe(false);
    expect(lease.status().holder).toBe('other-node');
    expect(told).toEqual([true, false]);
    lease.halt();
  });

  it('stop releases it and tells false; halt (a dead node) releases nothing and its term runs out by itself', async () => {
    const s = handStore();
    const { lease, told } = leaseOn(s.store);
    const started = lease.start();
    s.claims[0]!.answer(true);
    await started;
    await lease.stop();
    expect(s.released).toEqual(['node-a']);
    expect(told).toEqual([true, false]);

    const other = handStore();
    const dead = leaseOn(other.store);
    const deadStarted = dead.lease.start();
    other.claims[0]!.answer(true);
    await deadStarted;
    dead.lease.halt();
    await vi.advanceTimersByTimeAsync(TERM);
    expect(other.claims).toHaveLength(1);
    expect(other.released).toEqual([]);
    expect(dead.told).toEqual([true, false]);
  });
});

describe('followLease', () => {
  function fakeLease() {
    let held = false;
    const listeners: ((held: boolean) => void)[] = [];
    return {
      get held() {
        return held;
      },
      set(value: boolean) {
        held = value;
        for (const l of listeners) l(value);
      },
      onChange(l: (held: boolean) => void) {
        listeners.push(l);
        return () => undefined;
      },
    };
  }

  it('starts the duties when the lease is taken and stops them when it is lost, one transition at a time: a slow start lost meanwhile is stopped right after it', async () => {
    vi.useRealTimers();
    const lease = fakeLease();
    const log: string[] = [];
    let finishStart!: () => void;
    const runner = followLease(
      lease,
      [
        {
          name: 'slow',
          start: () => new Promise<void>((resolve) => {
            log.push('start');
            finishStart = () => {
              log.push('started');
              resolve();
            };
          }),
          stop: () => void log.push('stop'),
        },
      ],
      silentLogger,
    );
    await runner.settled();
    expect(runner.running('slow')).toBe(false);
    lease.set(true);
    await vi.waitFor(() => expect(log).toEqual(['start']));
    lease.set(false); // lost while starting
    lease.set(true);
    lease.set(false);
    finishStart();
    await runner.settled();
    expect(log).toEqual(['start', 'started', 'stop']);
    expect(runner.running('slow')).toBe(false);
    lease.set(true);
    await vi.waitFor(() => expect(log).toHaveLength(4));
    finishStart();
    await runner.settled();
    expect(runner.running('slow')).toBe(true);
    await runner.stop();
    expect(log).toEqual(['start', 'started', 'stop', 'start', 'started', 'stop']);
  });
});
