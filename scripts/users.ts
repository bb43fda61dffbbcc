/**
 * npm run users -- add NAME --role operator --region 330203 | list | disable NAME | enable NAME | reset NAME
 *
 * Opens the store the hub is configured with (DATA_DIR or DATABASE_URL, same variables as the hub).
 * The embedded store can be opened by one process at a time: stop the hub first, or use the admin
 * API (POST /api/users) while it runs. With PostgreSQL both can run at once.
 */
import { loadConfig } from '../server/config';
import { runUsersCli, USAGE } from '../server/auth/usersCli';
import { buildGeography, checkGeography } from '../server/geography';
import { createGeoContext } from '../server/hub/createGeoContext';
import { createLogger } from '../server/lib/log';
import { createStore, DataDirLockedError } from '../server/store';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  const log = createLogger('warn');
  const { regions, stamp } = buildGeography(config);
  const geo = createGeoContext(regions);
  let store;
  try {
    store = await createStore({ dataDir: config.DATA_DIR, ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}) });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`The hub is running on ${config.DATA_DIR}: the embedded store opens in one process only.\n` + 'Stop the hub and run this again, or, while it runs, sign in as an admin and use POST /api/users.');
      return 1;
    }
    throw error;
  }
  try {
    await checkGeography(store, stamp, log);
    return await runUsersCli(argv, {
      store,
      regionPath: (code) => (geo.get(code) ? geo.path(code) : null),
      rootRegion: geo.rootCode,
      log,
      out: (line) => console.log(line),
      readStdin,
    });
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`users: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
