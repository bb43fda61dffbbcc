// The store's worker thread starts here, in plain JavaScript, because a worker does not inherit
// the TypeScript loader of the thread that started it: tsx registers its hooks in the main thread
// only on Node 20 and on 22 before 22.22.3 ("Unknown file extension .ts" otherwise), and a worker
// started from a vitest test has no loader at all. tsImport registers tsx for this one import
// (and, on Nodes where tsx is in the worker already, does no harm).
import { tsImport } from 'tsx/esm/api';

await tsImport('./storeWorker.ts', import.meta.url);
