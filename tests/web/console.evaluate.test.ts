/**
 * 回访 (evaluate) at the desk in happy-dom: offered on a closed case on e, a keyboard-only dialog
 * where nothing is preset (Enter with a choice missing says which), digits pick the answer in one
 * sweep, a resident not reached is sent as that alone, digits typed in the note stay text; the
 * card and the timeline show the answer.
 */
import { describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { DEFAULT_CALENDAR_CONFIG } from '@shared/calendar';
import type { Incident } from '@shared/schemas/incident';
import { useConsoleView } from '../../web/src/console/stores/view';
import { json, press, setUpDesk, signedIn } from './helpers/desk';
import { entry, incident, T0 } from './helpers/fixtures';

const CLOSED = incident('E7', { title: '路灯不亮', stage: 'closed', version: 6, deadline: null, updatedAt: T0 - 3_600_000, reporter: { kind: 'citizen', name: '王五', phone: '138****0000' } });
const ANSWERED: Incident = { ...CLOSED, version: 7, evaluation: { at: T0, contacted: true, resolved: true, satisfaction: 'basically_satisfied' } };

function fakeHub(url: string): Response {
  if (url === '/api/calendar') return json(DEFAULT_CALENDAR_CONFIG);
  if (url === '/api/incidents/E7/log') {
    const callback = { ...entry(ANSWERED, 12, 'evaluate'), from: 'closed' as const, to: 'closed' as const, at: T0, data: { evaluation: ANSWERED.evaluation } };
    const unreachable = { ...entry(CLOSED, 11, 'evaluate'), from: 'closed' as const, to: 'closed' as const, at: T0 - 1_800_000, data: { evaluation: { contacted: false } } };
    return json({ incidentId: 'E7', entries: [entry(CLOSED, 7, 'reported'), unreachable, callback] });
  }
  if (/\/log$/.test(url)) return json({ incidentId: 'x', entries: [] });
  if (/\/audit$/.test(url)) return json({ entries: [] });
  return json({ error: 'NOT_FOUND', message: 'no' }, 404);
}

const desk = setUpDesk(fakeHub);
const commands = () => desk.fake.of('incident:command');
const dialog = () => document.querySelector<HTMLElement>('[data-evaluate-dialog]')!;

async function openClosedCase() {
  const w = await desk.mount(signedIn('operator'), { incidents: [CLOSED] });
  useConsoleView().cursorId = 'E7';
  await press('Enter');
  return w;
}

describe('回访 at the desk', () => {
  it('e opens the callback; nothing is preset; 1 3 6 Enter records reached, solved, basically satisfied', async () => {
    const w = await openClosedCase();
    expect(w.find('[data-action="evaluate"] kbd').text()).toBe('e');
    await press('e');
    expect(dialog()).not.toBeNull();
    expect(document.activeElement).toBe(dialog().querySelector('[data-contacted="true"]'));
    expect(dialog().querySelectorAll('input[type="radio"]:checked')).toHaveLength(0);
    await press('Enter', document.activeElement!);
    expect(dialog().querySelector('[data-missing-choice]')!.textContent).toBe('请选择：是否联系上居民');
    expect(commands()).toHaveLength(0);
    for (const k of ['1', '3']) await press(k, document.activeElement!);
    await press('Enter', document.activeElement!);
    expect(dialog().querySelector('[data-missing-choice]')!.textContent).toBe('请选择：满意度');
    await press('6', document.activeElement!);
    expect(dialog().querySelector<HTMLInputElement>('[data-satisfaction="basically_satisfied"]')!.checked).toBe(true);
    await press('Enter', document.activeElement!);
    expect(commands()[0]!.request).toEqual({
      incidentId: 'E7',
      command: { action: 'evaluate', evaluation: { contacted: true, resolved: true, satisfaction: 'basically_satisfied' }, expectedVersion: 6 },
    });
    commands()[0]!.answer(null, { ok: true, data: ANSWERED });
    await flushPromises();
    expect(w.find('[role="dialog"]').exists()).toBe(false);
    expect(w.find('[data-toast]').text()).toContain('回访');
    expect(w.find('[data-card-evaluation]').text()).toContain('基本满意 · 已解决');
    // answered: the verdict stands, the step is no longer offered
    expect(w.find('[data-action="evaluate"]').exists()).toBe(false);
  });

  it('a resident not reached is sent as that alone; digits typed in the note stay text', async () => {
    const w = await openClosedCase();
    await press('e');
    await press('3', document.activeElement!); // an answer implies the resident was reached …
    await press('2', document.activeElement!); // … until the operator says they were not
    expect(dialog().querySelector('[data-not-reached]')).not.toBeNull();
    expect(dialog().querySelector('[data-satisfaction="satisfied"]')).toBeNull();
    const note = w.find<HTMLTextAreaElement>('[data-evaluate-note]');
    await note.setValue('电话 3 次无人接听');
    await press('1', note.element);
    expect(dialog().querySelector<HTMLInputElement>('[data-contacted="false"]')!.checked).toBe(true);
    await press('Enter', note.element);
    expect(commands()[0]!.request).toEqual({ incidentId: 'E7', command: { action: 'evaluate', evaluation: { contacted: false }, note: '电话 3 次无人接听', expectedVersion: 6 } });
  });

  it('Esc cancels without sending', async () => {
    const w = await openClosedCase();
    await press('e');
    await press('Escape', document.activeElement!);
    expect(w.find('[role="dialog"]').exists()).toBe(false);
    expect(commands()).toHaveLength(0);
  });

  it('the timeline shows each callback’s answer readably', async () => {
    const w = await openClosedCase();
    await flushPromises();
    const rows = w.findAll('[data-timeline] [data-entry="evaluate"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.find('b').text()).toBe('回访');
    expect(rows[0]!.find('[data-evaluation]').text()).toBe('已联系上 · 已解决 · 基本满意');
    expect(rows[1]!.find('[data-evaluation]').text()).toBe('未联系上');
    // a step that does not move the case shows no stage arrow
    expect(rows[0]!.find('.stages').exists()).toBe(false);
  });
});
