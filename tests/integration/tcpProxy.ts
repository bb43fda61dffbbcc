import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between a hub and PostgreSQL that can cut every connection, stall them (stop passing
 * bytes both ways) or refuse every connection (the database unreachable: each new one is closed at
 * once, and those open are cut).
 */
export async function tcpProxy(target: URL): Promise<{ port: number; cut(): void; stall(on: boolean): void; refuse(on: boolean): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  let stalled = false;
  let refusing = false;
  const server: Server = createServer((inbound) => {
    if (refusing) {
      inbound.destroy();
      return;
    }
    const outbound = connect(Number(target.port || 5432), target.hostname);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    const pipe = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (!stalled) to.write(chunk);
        else (from as Socket & { held?: Buffer[] }).held = [...((from as Socket & { held?: Buffer[] }).held ?? []), chunk];
      });
    pipe(inbound, outbound);
    pipe(outbound, inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const cut = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    refuse(on) {
      refusing = on;
      if (on) cut();
    },
    cut,
    stall(on) {
      stalled = on;
      if (on) return;
      // the bytes held while stalled go on now, in order
      for (const [a, b] of pairs) {
        for (const [from, to] of [[a, b], [b, a]] as const) {
          const held = (from as Socket & { held?: Buffer[] }).held ?? [];
          (from as Socket & { held?: Buffer[] }).held = [];
          for (const chunk of held) to.write(chunk);
        }
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
