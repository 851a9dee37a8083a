import { Redis } from 'ioredis';

/** Deletes the keys under `prefix` (SCAN, never FLUSH: the Redis is shared). Reports, never throws. */
export async function deleteKeysWithPrefix(url, prefix) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch (error) {
    process.stderr.write(`could not remove the bench's Redis keys (${prefix}*): ${error.message}\n`);
  } finally {
    redis.disconnect();
  }
}
