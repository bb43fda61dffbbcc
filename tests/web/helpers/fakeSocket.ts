/** Just enough of a Socket.IO client socket for the console's tests: handlers, and every acknowledged emit with its answer. */
type Handler = (...args: unknown[]) => void;
export type Answer = (err: Error | null, answer?: unknown) => void;

export class FakeSocket {
  connected = false;
  handlers = new Map<string, Set<Handler>>();
  emits: { event: string; request: unknown; answer: Answer }[] = [];
  on(event: string, fn: Handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(fn);
  }
  off(event: string, fn: Handler) {
    this.handlers.get(event)?.delete(fn);
  }
  timeout() {
    return { emit: (event: string, request: unknown, answer: Answer) => void this.emits.push({ event, request, answer }) };
  }
  connect() {
    this.connected = true;
    this.fire('connect');
  }
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
  /** the acknowledged emits of one event, oldest first */
  of(event: string) {
    return this.emits.filter((e) => e.event === event);
  }
}
