/**
 * A long list answered as `{"<key>":[…]}`, written a piece at a time: each item stringified on
 * its own, a turn of the event loop when a slice of time is used up, and the socket's buffer
 * drained before more is written. A province's roster is 53 MB of JSON: `res.json` stringified
 * and copied it in one turn and held the hub 2.4 s.
 */
import type { Response } from 'express';
import { SLICE_MS, yieldToLoop } from '../../lib/slices';

/** characters written per piece: large enough that writes are few, small next to the socket's buffers */
const PIECE_CHARS = 256 * 1024;

export async function sendJsonList(res: Response, key: string, items: Iterable<unknown>): Promise<void> {
  res.status(200).type('application/json');
  let piece = `{${JSON.stringify(key)}:[`;
  let first = true;
  let sliceStart = performance.now();
  for (const item of items) {
    piece += (first ? '' : ',') + JSON.stringify(item);
    first = false;
    if (piece.length >= PIECE_CHARS) {
      const drained = res.write(piece);
      piece = '';
      if (!drained) await drainedOrClosed(res);
    }
    if (res.destroyed) return; // the client went away: nothing more to write
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  res.end(`${piece}]}`);
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
