import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";

// Every Redis connection of web, worker and scripts is opened here, so a single Redis and a Redis
// Cluster are one setting apart (REDIS_CLUSTER). With a cluster, REDIS_URL names any one node
// (credentials and rediss:// included): ioredis learns the others from it and follows the slots as
// they move. Everything Tributary keeps in Redis starts with QUEUE_PREFIX, which must then carry a
// hash tag such as {tributary} (lib/env.ts refuses one without), so all of it lives in one slot, as
// BullMQ's multi-key scripts require.

export type RedisClient = Redis | Cluster;

/**
 * A connection with `options` as a single Redis would take them. For a cluster, the options that
 * govern the whole client (offline queue, ready check, lazy connect, giving up reconnecting) move to
 * the cluster, the rest apply to each node.
 */
export function openRedis(redisUrl: string, options: RedisOptions & { isCluster?: boolean } = {}): RedisClient {
  const { isCluster = false, ...redisOptions } = options;
  if (!isCluster) return new Redis(redisUrl, redisOptions);
  const url = new URL(redisUrl);
  const { enableOfflineQueue, enableReadyCheck, lazyConnect, retryStrategy, ...nodeOptions } = redisOptions;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...nodeOptions,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === "rediss:" ? { tls: {} } : {}),
    },
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(enableReadyCheck === undefined ? {} : { enableReadyCheck }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
  };
  return new Cluster([{ host: url.hostname, port: Number(url.port || 6379) }], clusterOptions);
}
