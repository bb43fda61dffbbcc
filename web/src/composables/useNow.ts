/**
 * One shared clock tick for the whole wall (header clock, data ages, countdowns): a single timer
 * aligned to the second, running only while some component uses it.
 */
import { onScopeDispose, ref, type Ref } from 'vue';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

function tick(): void {
  now.value = Date.now();
  timer = setTimeout(tick, 1000 - (now.value % 1000) + 5);
}

/** client clock in ms, updated every second; release is automatic with the calling scope */
export function useNow(): Readonly<Ref<number>> {
  users++;
  if (timer === null) tick();
  onScopeDispose(() => {
    users--;
    if (users === 0 && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  });
  return now;
}
