/**
 * The console's keyboard map, as a pure function from a key press to what it means. Nothing fires
 * while the operator types in a field (except Esc, which leaves the field), and nothing with a
 * modifier (Ctrl+C must stay copy). Dialogs handle their own keys.
 */
export type KeyIntent =
  | { kind: 'pane'; pane: 'cases' | 'alarms' | 'alerts' }
  /** Shift+Q: end the focus that stands (the one of this desk's region) */
  | { kind: 'endFocus' }
  | { kind: 'move'; step: number }
  | { kind: 'open' }
  | { kind: 'search' }
  | { kind: 'escape' }
  | { kind: 'action'; key: string };

export interface KeyEventLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey?: boolean;
  target: EventTarget | null;
  isComposing?: boolean;
}

/** a text field, a list box or anything editable has the keyboard */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return el.isContentEditable === true;
}

function isButton(target: EventTarget | null): boolean {
  const tag = (target as HTMLElement | null)?.tagName;
  return typeof tag === 'string' && ['button', 'a', 'summary'].includes(tag.toLowerCase());
}

export function keyIntent(e: KeyEventLike, dialogOpen: boolean): KeyIntent | null {
  if (dialogOpen || e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return null;
  if (isTyping(e.target)) return e.key === 'Escape' ? { kind: 'escape' } : null;
  // Enter on a focused button presses that button, nothing else
  if (e.key === 'Enter' && isButton(e.target)) return null;
  switch (e.key) {
    case 'j':
    case 'ArrowDown':
      return { kind: 'move', step: 1 };
    case 'k':
    case 'ArrowUp':
      return { kind: 'move', step: -1 };
    case 'PageDown':
      return { kind: 'move', step: 10 };
    case 'PageUp':
      return { kind: 'move', step: -10 };
    case 'Enter':
      return { kind: 'open' };
    case '/':
      return { kind: 'search' };
    case 'Escape':
      return { kind: 'escape' };
    // the panes, numbered as their tabs: the case queue, the AI alarms waiting for a person, the alerts
    case '1':
      return { kind: 'pane', pane: 'cases' };
    case '2':
      return { kind: 'pane', pane: 'alarms' };
    case '3':
      return { kind: 'pane', pane: 'alerts' };
    // ends the focus on every wall: Shift, so that a stray q never does (Caps Lock alone gives Q without Shift)
    case 'Q':
      return e.shiftKey ? { kind: 'endFocus' } : null;
    default:
      return /^[a-z]$/i.test(e.key) ? { kind: 'action', key: e.key.toLowerCase() } : null;
  }
}
