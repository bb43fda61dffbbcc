// npm run dev: the hub (restarted on change by tsx watch) and Vite's dev server with hot reload,
// which proxies /api, /open311 and /socket.io to the hub on PORT (8080 by default; vite.config.ts
// reads the same variable). Open http://localhost:5173 (DEV_PORT to change it).
import { spawn } from 'node:child_process';

const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/index.ts'], { stdio: 'inherit' }),
  spawn('npx', ['vite', '--host', '127.0.0.1', '--port', process.env.DEV_PORT ?? '5173'], { stdio: 'inherit' }),
];
const stop = () => children.forEach((c) => c.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
