/**
 * Duties that follow the cluster lease (clusterLease.ts): started when this node takes it,
 * stopped when it loses it. Transitions run one at a time and each looks at whether the lease is
 * held when it runs, not when it was asked for: a lease lost while a slow start (the simulated
 * city's first start writes days of history) is still running is stopped right after it.
 */
import type { Logger } from '../lib/log';
import type { ClusterLease } from './clusterLease';

export interface LeaseDuty {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface DutyRunner {
  /** whether the duty runs on this node now */
  running(name: string): boolean;
  /** settles once every transition asked for so far is done */
  settled(): Promise<void>;
  /** stops every duty and stops following the lease */
  stop(): Promise<void>;
}

export function followLease(lease: Pick<ClusterLease, 'held' | 'onChange'>, duties: readonly LeaseDuty[], log: Logger): DutyRunner {
  const running = new Set<string>();
  let ended = false;
  let chain: Promise<void> = Promise.resolve();

  const step = async () => {
    const wanted = !ended && lease.held;
    for (const duty of duties) {
      if (wanted && !running.has(duty.name)) {
        try {
          await duty.start();
          running.add(duty.name);
          log.info('cluster duty started on this node', { duty: duty.name });
        } catch (error) {
          // tried again when this node next takes the lease
          log.error('a cluster duty could not start', { duty: duty.name, error: error instanceof Error ? error.message : String(error) });
        }
      } else if (!wanted && running.has(duty.name)) {
        running.delete(duty.name);
        try {
          await duty.stop();
          log.info('cluster duty stopped on this node', { duty: duty.name });
        } catch (error) {
          log.error('a cluster duty did not stop cleanly', { duty: duty.name, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  };
  const apply = () => (chain = chain.then(step));

  const off = lease.onChange(() => void apply());
  void apply();
  return {
    running: (name) => running.has(name),
    settled: () => chain,
    async stop() {
      ended = true;
      off();
      await apply();
    },
  };
}
