import type { Celery, Platform } from "../model/index.js";
import { objectName } from "../naming.js";

/**
 * Celery queues on a Redis broker, measured with redis_exporter (Debian's
 * prometheus-redis-exporter, the oliver006 exporter): the queue depth is a list's length
 * (`--check-single-keys`, `redis_key_size{key="<queue>"}`), and the oldest task's age comes from
 * a Lua script the exporter runs at every scrape (`--script`, `redis_script_values{key="<queue>"}`).
 *
 * A Celery message carries no time of its own (its headers have an id, the task name, an ETA,
 * never when it was sent), so the script records when it first saw each of the oldest messages,
 * in one small hash per queue on the broker (`guardia:celery:first-seen:<queue>`, message sha1 →
 * unix time), and reports now minus the first sighting of the oldest one. An age is therefore
 * "at least this old", accurate to one scrape for every message that entered the window while the
 * exporter watched. No well-kept exporter measures this for a Redis broker; a Lua script in the
 * exporter that already measures the depth keeps it to one well-kept program and no image of ours.
 */

/** Where the script records first sightings; the routine reads the same hash. */
export const FIRST_SEEN_PREFIX = "guardia:celery:first-seen:";
/** How many of the oldest messages of a queue the script follows (LRANGE -N -1, O(N) per scrape). */
export const WATCHED_MESSAGES = 1000;
/** Where the script is mounted in the exporter's pod; part of every series' `filename` label. */
export const AGE_SCRIPT_PATH = "/etc/redis-exporter/oldest-task-age.lua";
export const REDIS_EXPORTER_PORT = 9121;

/** The Prometheus job of the stack's redis_exporter (its Service's name). */
export function redisExporterJob(platform: Platform): string {
  return objectName(platform, ["redis-exporter"]);
}

/** `db0=celery,db0=ocr`: the exporter's single keys, in the broker URL's database. */
export function checkSingleKeys(celery: Celery): string {
  const db = /\/(\d+)$/.exec(celery.brokerUrl)?.[1] ?? "0";
  return celery.queues.map((q) => `db${db}=${q}`).join(",");
}

/** The exporter's recording script for the stack's queues (names are [\w.:-], safe in a Lua string). */
export function ageScript(celery: Celery): string {
  const queues = celery.queues.map((q) => `"${q}"`).join(", ");
  return `-- guardia: age of the oldest waiting task of each Celery queue, in seconds.
-- Records when each of the ${WATCHED_MESSAGES} oldest messages was first seen; forgets messages gone.
local queues = { ${queues} }
local now = tonumber(redis.call("TIME")[1])
local out = {}
for _, queue in ipairs(queues) do
  local seen = "${FIRST_SEEN_PREFIX}" .. queue
  local oldest = redis.call("LRANGE", queue, -${WATCHED_MESSAGES}, -1)
  local keep = {}
  for _, message in ipairs(oldest) do
    local id = redis.sha1hex(message)
    keep[id] = true
    redis.call("HSETNX", seen, id, now)
  end
  for _, id in ipairs(redis.call("HKEYS", seen)) do
    if not keep[id] then redis.call("HDEL", seen, id) end
  end
  local age = 0
  if #oldest > 0 then
    age = now - tonumber(redis.call("HGET", seen, redis.sha1hex(oldest[#oldest])))
  end
  table.insert(out, queue)
  table.insert(out, tostring(age))
end
return out
`;
}

/**
 * What the routine reads, without writing: for each queue given as an argument, its depth and the
 * age of its oldest message as the exporter recorded it (-1: never recorded).
 */
export const READ_QUEUES_SCRIPT = [
  'local now = tonumber(redis.call("TIME")[1]) local out = {}',
  "for _, q in ipairs(ARGV) do",
  ' local depth = redis.call("LLEN", q) local age = 0',
  " if depth > 0 then",
  `  local seen = redis.call("HGET", "${FIRST_SEEN_PREFIX}" .. q, redis.sha1hex(redis.call("LINDEX", q, -1)))`,
  "  if seen then age = now - tonumber(seen) else age = -1 end",
  " end",
  " table.insert(out, q) table.insert(out, depth) table.insert(out, age)",
  "end return out",
].join("\n");
