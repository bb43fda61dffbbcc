/**
 * Whether an error means "the database cannot be reached or did not answer in time" — connection
 * failures of PostgreSQL or PGlite, a statement past its timeout. The transport answers them 503
 * STORE_UNAVAILABLE; the hub's store health (server/hub/storeHealth.ts) turns writes away while
 * they last. Here, in the store layer, so that both can ask without the hub importing transport.
 */
export function isStoreUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // the hub's own refusal while its store is unavailable (a HubError) counts as the same
  if (code === 'STORE_UNAVAILABLE') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) || code.startsWith('08')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  // a statement that ran past statement_timeout (57014) or a socket that stalled (the client's query_timeout)
  if (code === '57014') return true;
  return /PGlite is closed|Connection terminated|connection timeout|Client has encountered a connection error|Query read timeout|timeout exceeded when trying to connect/i.test(message);
}
