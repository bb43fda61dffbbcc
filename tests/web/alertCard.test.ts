import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { applyAlertSounded, applyDelta, applySnapshot } from '../../web/src/stores/dispatch';
import { useAlertCardStore } from '../../web/src/stores/alertCard';
import { useLiveStore } from '../../web/src/stores/live';
import { useWallStore } from '../../web/src/stores/wall';
import { needsSoundUnlock } from '../../web/src/audio';
import { incident, reported, snapshot, T0 } from './helpers/fixtures';
import { alert, alertChanged } from './helpers/coordination';

let sounds: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setActivePinia(createPinia());
  localStorage.clear();
  sounds = [];
  useLiveStore().setConnected(true);
  const card = useAlertCardStore();
  card.configure({ alarmAutoCloseMs: 120_000, sound: true });
  card.setSound((a, pattern) => sounds.push(`${a.id}:${pattern}`));
});
afterEach(() => {
  useAlertCardStore().dispose();
  useWallStore().dispose();
  vi.useRealTimers();
});

describe('alert card', () => {
  it('opens for a new waiting alert, sounds, and flies the map there', () => {
    applySnapshot(snapshot({ alerts: [], focuses: [] }));
    applyDelta(alertChanged(101, alert('A1', { lng: 121.6, lat: 29.9 })));
    const card = useAlertCardStore();
    expect(card.shown?.id).toBe('A1');
    expect(sounds).toEqual(['A1:new']);
    expect(useWallStore().focus).toMatchObject({ lng: 121.6, lat: 29.9 });
  });

  it('a silent alert opens the card without a tone', () => {
    applySnapshot(snapshot({ alerts: [], focuses: [] }));
    applyDelta(alertChanged(101, alert('A1', { sound: false })));
    expect(useAlertCardStore().shown?.id).toBe('A1');
    expect(sounds).toEqual([]);
  });

  it('collapses to the badge after the auto-close time, and opens again, sounding, when the hub repeats it', () => {
    applySnapshot(snapshot({ alerts: [], focuses: [] }));
    applyDelta(alertChanged(101, alert('A1')));
    const card = useAlertCardStore();
    vi.advanceTimersByTime(120_000);
    expect(card.shown).toBeNull();
    applyAlertSounded({ alertId: 'A1', at: T0 + 60_000, repeat: 1, escalated: false });
    expect(card.shown?.id).toBe('A1');
    expect(card.repeat).toBe(1);
    applyAlertSounded({ alertId: 'A1', at: T0 + 300_000, repeat: 5, escalated: true });
    expect(sounds).toEqual(['A1:new', 'A1:repeat', 'A1:escalated']);
  });

  it('closes when the alert is acknowledged elsewhere, or shows the next waiting one', () => {
    applySnapshot(snapshot({ alerts: [], focuses: [] }));
    applyDelta(alertChanged(101, alert('A1', { severity: 4 })));
    applyDelta(alertChanged(102, alert('A2', { severity: 3 })));
    const card = useAlertCardStore();
    expect(card.shown?.id).toBe('A1'); // the graver stays on the card
    expect(card.others).toBe(1);
    applyDelta(alertChanged(103, alert('A1', { severity: 4, state: 'acknowledged', acknowledgedAt: T0 + 1 })));
    expect(card.shown?.id).toBe('A2');
    applyDelta(alertChanged(104, alert('A2', { state: 'acknowledged', acknowledgedAt: T0 + 2 })));
    expect(card.shown).toBeNull();
    // an acknowledged alert repeated by the hub is not shown again
    applyAlertSounded({ alertId: 'A2', at: T0 + 3, repeat: 2, escalated: false });
    expect(card.shown).toBeNull();
  });

  it('a snapshot opens the card for alerts not seen yet, silently; a resubscription does not reopen it', () => {
    applySnapshot(snapshot({ alerts: [alert('A1'), alert('A2', { severity: 4 })], focuses: [] }));
    const card = useAlertCardStore();
    expect(card.shown?.id).toBe('A2');
    expect(sounds).toEqual([]);
    card.collapse();
    applySnapshot(snapshot({ seq: 150, alerts: [alert('A1'), alert('A2', { severity: 4 })], focuses: [] }));
    expect(card.shown).toBeNull();
  });

  it('holds the tour while open and lets it go when hidden', () => {
    applySnapshot(snapshot({ alerts: [], focuses: [] }));
    const wall = useWallStore();
    wall.configure({ tourStepMs: 30_000, idleMs: 60_000 });
    wall.startTour();
    applyDelta(alertChanged(101, alert('A1')));
    expect(wall.tour).toMatchObject({ paused: true, pauseReason: 'alarm' });
    useAlertCardStore().collapse();
    vi.advanceTimersByTime(60_000);
    expect(wall.tour.paused).toBe(false);
  });

  it('with alerts from the hub, a serious incident no longer raises the old card by itself', () => {
    applySnapshot(snapshot({ alerts: [], focuses: [] }));
    applyDelta(reported(incident('S1', { severity: 4, reportedAt: T0, updatedAt: T0 }), 101));
    expect(useWallStore().alarm).toBeNull();
  });
});

describe('sound unlock note', () => {
  it('is said only while the wall should sound and the browser holds the audio suspended', () => {
    expect(needsSoundUnlock(true, 'suspended')).toBe(true);
    expect(needsSoundUnlock(true, 'running')).toBe(false);
    expect(needsSoundUnlock(false, 'suspended')).toBe(false);
    expect(needsSoundUnlock(true, 'unavailable')).toBe(false);
    expect(needsSoundUnlock(true, 'closed')).toBe(false);
  });
});
