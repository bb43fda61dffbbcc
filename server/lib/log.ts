/**
 * Structured logs through pino: one JSON object per line on stderr, so a supervisor (systemd, a
 * container runtime) can collect it; levels below LOG_LEVEL are dropped. The hub's own interface
 * (message first, then fields) is kept so that call sites read as sentences, and so that a test or
 * a tool can pass its own line sink.
 */
import pino, { type DestinationStream } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination: DestinationStream = write ? { write: (line: string) => write(line.replace(/\n$/, '')) } : pino.destination(2);
  const log = pino(
    {
      level,
      // `t` and the level by name, as the hub's logs always had them; no pid or hostname noise
      base: undefined,
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => (fields ? log[lvl](fields, msg) : log[lvl](msg));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = createLogger('silent');
