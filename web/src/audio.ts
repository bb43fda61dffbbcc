/**
 * The alarm tone, generated with Web Audio (no audio file, nothing fetched): three rising
 * two-tone chirps, about 2 s. A browser may refuse sound before a user gesture; kiosks run
 * Chromium with --autoplay-policy=no-user-gesture-required (docs/wall.md). If the context is
 * still suspended the wall stays silent and the popup carries the alarm alone.
 */
let ctx: AudioContext | null = null;

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = globalThis.AudioContext ?? (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
  } catch {
    return null;
  }
  return ctx;
}

function chirp(ac: AudioContext, at: number, f1: number, f2: number, gain: number): void {
  const osc = ac.createOscillator();
  const amp = ac.createGain();
  osc.type = 'triangle';
  osc.frequency.setValueAtTime(f1, at);
  osc.frequency.setValueAtTime(f2, at + 0.16);
  amp.gain.setValueAtTime(0.0001, at);
  amp.gain.exponentialRampToValueAtTime(gain, at + 0.02);
  amp.gain.setValueAtTime(gain, at + 0.3);
  amp.gain.exponentialRampToValueAtTime(0.0001, at + 0.36);
  osc.connect(amp).connect(ac.destination);
  osc.start(at);
  osc.stop(at + 0.4);
  osc.onended = () => {
    osc.disconnect();
    amp.disconnect();
  };
}

/** plays the alarm; grade 4 (特别重大) sounds higher and one chirp longer */
export function playAlarmTone(severity: number): void {
  const ac = context();
  if (!ac) return;
  const play = () => {
    const t0 = ac.currentTime + 0.05;
    const count = severity >= 4 ? 4 : 3;
    const [lo, hi] = severity >= 4 ? [880, 1320] : [660, 990];
    for (let i = 0; i < count; i++) chirp(ac, t0 + i * 0.55, lo, hi, 0.22);
  };
  if (ac.state === 'suspended') void ac.resume().then(play, () => {});
  else play();
}

export type AlertPattern = 'new' | 'repeat' | 'escalated';

/**
 * An alert's tone: a new one as the alarm (by its severity); a repeat of a waiting one the same,
 * shorter; an escalated one a different, insistent pattern — six quick high pips — so that the
 * room hears the difference between "still waiting" and "gone to the supervisors".
 */
export function playAlertTone(severity: number, pattern: AlertPattern): void {
  if (pattern === 'new') return playAlarmTone(severity);
  const ac = context();
  if (!ac) return;
  const play = () => {
    const t0 = ac.currentTime + 0.05;
    if (pattern === 'escalated') for (let i = 0; i < 6; i++) chirp(ac, t0 + i * 0.3, 1175, 1568, 0.24);
    else for (let i = 0; i < 2; i++) chirp(ac, t0 + i * 0.55, severity >= 4 ? 880 : 660, severity >= 4 ? 1320 : 990, 0.2);
  };
  if (ac.state === 'suspended') void ac.resume().then(play, () => {});
  else play();
}

export type SoundState = AudioContextState | 'unavailable';

/**
 * Should the wall say "click anywhere to enable sound"? Only when it is meant to sound and the
 * browser holds the audio context suspended: no kiosk flag (--autoplay-policy=
 * no-user-gesture-required) and nobody has touched the page yet. No Web Audio at all: nothing to
 * unlock, nothing said.
 */
export function needsSoundUnlock(soundWanted: boolean, state: SoundState): boolean {
  return soundWanted && state === 'suspended';
}

/**
 * Creates the audio context at once (a kiosk with the flag gets it running; a browser without it
 * suspended) and reports its state now and on every change. Returns the function that stops.
 */
export function watchSoundState(onState: (state: SoundState) => void): () => void {
  const ac = context();
  if (!ac) {
    onState('unavailable');
    return () => {};
  }
  const report = () => onState(ac.state);
  report();
  ac.addEventListener('statechange', report);
  return () => ac.removeEventListener('statechange', report);
}

/** resume the audio context on the first user gesture (for browsers without the kiosk flag) */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    const ac = context();
    if (ac && ac.state === 'suspended') void ac.resume().catch(() => {});
  };
  window.addEventListener('pointerdown', unlock, { once: true });
  window.addEventListener('keydown', unlock, { once: true });
  return () => {
    window.removeEventListener('pointerdown', unlock);
    window.removeEventListener('keydown', unlock);
  };
}
