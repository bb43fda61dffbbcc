/**
 * The ingest key every benchmark's hub is started with (INGEST_KEY: every scope, the whole
 * geography) and sends its feeds with, and ingest rates far above a bench's load so that the
 * figures measure the hub, not its per-key limit.
 */
export const BENCH_INGEST_KEY = 'gk_bench-ingest-key-for-measurements-only-000';
export const BENCH_INGEST_HEADERS: Readonly<Record<string, string>> = { 'X-Api-Key': BENCH_INGEST_KEY };
export const BENCH_INGEST_RATES = { positions: 1_000_000, units: 1_000_000, reports: 1_000_000, alarms: 1_000_000 };
/** the same as environment variables of a hub process */
export const BENCH_INGEST_ENV: Readonly<Record<string, string>> = { INGEST_KEY: BENCH_INGEST_KEY, INGEST_RATES: 'positions=1000000,units=1000000,reports=1000000,alarms=1000000' };

/**
 * Socket connections per address and per user far above a bench's walls (all of them from
 * 127.0.0.1, many as one user): the figures measure the hub, not its connection caps
 */
export const BENCH_SOCKET_CONNECTIONS = { perAddress: 1_000_000, perUser: 1_000_000 };
export const BENCH_SOCKET_ENV: Readonly<Record<string, string>> = { SOCKET_CONNECTIONS_PER_ADDRESS: '1000000', SOCKET_CONNECTIONS_PER_USER: '1000000' };
