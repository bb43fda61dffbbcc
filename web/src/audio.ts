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
