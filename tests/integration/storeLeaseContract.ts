/**
 * The lease part of the store contract (server/store/leaseStore.ts), run by storeContract.ts
 * inside each database's suite. Every test claims a lease of its own name. Terms that must run
 * out are short and waited for by polling the database's own answer, never by a fixed sleep.
 */
import { expect, it, vi } from 'vitest';
import type { LeaseClaimant, Store } from '../../server/store/types';
import { uniquePrefix } from './storeFixtures';

const LONG = 60_000;
/** long enough to be seen held, short enough to wait out */
const SHORT = 250;

export function leaseContract(store: () => Store): void {
  const claimant = (name: string, holder: string, termMs = LONG, instance = `${holder}-run`): LeaseClaimant => ({ name, holder, instance, termMs });

  it('leases: the first claim takes it; another node is refused and told who holds it until when, by the database clock', async () => {
    const name = uniquePrefix('lease-first');
    const a = await store().acquireLease(claimant(name, 'node-a'));
    expect(a.held).toBe(true);
    expect(a.lease).toMatchObject({ name, holder: 'node-a', instance: 'node-a-run' });
    expect(a.lease!.expiresAt - a.lease!.acquiredAt).toBe(LONG);
    expect(a.now).toBe(a.lease!.acquiredAt);

    const b = await store().acquireLease(claimant(name, 'node-b'));
    expect(b.held).toBe(false);
    expect(b.lease).toEqual(a.lease);
    expect(b.now).toBeGreaterThanOrEqual(a.now);
  });

  it('leases: the holder renews — the term moves on, the time it was taken stays', async () => {
    const name = uniquePrefix('lease-renew');
    const first = await store().acquireLease(claimant(name, 'node-a'));
    // the database's clock moves on (read by another node's refused claim)
    await vi.waitFor(async () => expect((await store().acquireLease(claimant(name, 'node-b'))).now).toBeGreaterThan(first.now), { timeout: 10_000, interval: 5 });
    const renewed = await store().acquireLease(claimant(name, 'node-a'));
    expect(renewed.held).toBe(true);
    expect(renewed.lease!.acquiredAt).toBe(first.lease!.acquiredAt);
    expect(renewed.lease!.expiresAt).toBe(renewed.now + LONG);
    expect(renewed.lease!.expiresAt).toBeGreaterThan(first.lease!.expiresAt);
  });

  it('leases: the same node id in another run (a restart after kill -9) waits out the term of the run before', async () => {
    const name = uniquePrefix('lease-run');
    expect((await store().acquireLease(claimant(name, 'node-a', LONG, 'run-1'))).held).toBe(true);
    const again = await store().acquireLease(claimant(name, 'node-a', LONG, 'run-2'));
    expect(again).toMatchObject({ held: false, lease: { holder: 'node-a', instance: 'run-1' } });
  });

  it('leases: once the term ran out another node takes it over, and the old holder can no longer renew', async () => {
    const name = uniquePrefix('lease-takeover');
    const a = await store().acquireLease(claimant(name, 'node-a', SHORT));
    expect(a.held).toBe(true);
    expect((await store().acquireLease(claimant(name, 'node-b', SHORT))).held).toBe(false);
    // node-a stops renewing (it died): node-b keeps claiming until the database says the term is over
    let taken = await store().acquireLease(claimant(name, 'node-b', LONG));
    await vi.waitFor(
      async () => {
        taken = await store().acquireLease(claimant(name, 'node-b', LONG));
        expect(taken.held).toBe(true);
      },
      { timeout: 20_000, interval: 20 },
    );
    expect(taken.now).toBeGreaterThanOrEqual(a.lease!.expiresAt);
    expect(taken.lease).toMatchObject({ holder: 'node-b', acquiredAt: taken.now });
    const late = await store().acquireLease(claimant(name, 'node-a', SHORT));
    expect(late).toMatchObject({ held: false, lease: { holder: 'node-b' } });
  });

  it('leases: release ends the term at once for the next claimant; only the holder releases', async () => {
    const name = uniquePrefix('lease-release');
    expect((await store().acquireLease(claimant(name, 'node-a'))).held).toBe(true);
    expect(await store().releaseLease({ name, holder: 'node-b', instance: 'node-b-run' })).toBe(false);
    expect(await store().releaseLease({ name, holder: 'node-a', instance: 'node-a-run' })).toBe(true);
    expect(await store().releaseLease({ name, holder: 'node-a', instance: 'node-a-run' })).toBe(false); // released already
    expect((await store().acquireLease(claimant(name, 'node-b'))).held).toBe(true);
    expect(await store().releaseLease({ name: uniquePrefix('lease-none'), holder: 'node-a', instance: 'x' })).toBe(false);
  });

  it('leases: of many nodes claiming at once, exactly one holds it', async () => {
    for (let round = 0; round < 3; round++) {
      const name = uniquePrefix('lease-race');
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store().acquireLease(claimant(name, `node-${i}`))));
      const winners = claims.filter((c) => c.held);
      expect(winners).toHaveLength(1);
      // every loser that saw a lease saw the winner's
      for (const c of claims) if (!c.held && c.lease) expect(c.lease.holder).toBe(winners[0]!.lease!.holder);
    }
  });

  it('leases: refuses a term that is not a positive whole number of ms, and empty names', async () => {
    const name = uniquePrefix('lease-bad');
    await expect(store().acquireLease(claimant(name, 'node-a', 0))).rejects.toThrow(RangeError);
    await expect(store().acquireLease(claimant(name, 'node-a', 1.5))).rejects.toThrow(RangeError);
    await expect(store().acquireLease(claimant('', 'node-a'))).rejects.toThrow(TypeError);
    await expect(store().releaseLease({ name, holder: '', instance: 'x' })).rejects.toThrow(TypeError);
  });
}
