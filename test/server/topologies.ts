/**
 * Runs a server test on one node and on two nodes sharing a Redis (clients alternate between
 * them), for the behaviours that must hold across nodes too.
 */
import { after, before } from 'node:test';
import type { AppOptions, RunningServer } from '../../server/index.js';
import { startRedis, type RunningRedis } from '../support/redis.js';
import { startTestServer } from './helpers.js';

export type Topology = [name: string, start: (options?: AppOptions) => Promise<RunningServer[]>];

/** Starts a Redis for the enclosing suite; returns the two topologies. */
export function useTopologies(): Topology[] {
  let redis: RunningRedis | undefined;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.close();
  });
  return [
    ['one node', async (options = {}) => [await startTestServer(options)]],
    [
      'two nodes on Redis',
      async (options = {}) => {
        const url = redis?.url;
        if (!url) throw new Error('Redis is not running');
        return [
          await startTestServer({ ...options, redisUrl: url }),
          await startTestServer({ ...options, redisUrl: url }),
        ];
      },
    ],
  ];
}
