/**
 * shard: which articles one runner of a CI matrix takes (`sync --shard i/n`), and its share
 * of the rate limits. Pure.
 *
 * An article's shard is `(first 8 hex digits of sha256(key) as a number) mod n + 1`, where
 * the key is the article's path as the lockfile names it (relative to the lockfile's
 * folder, `/`-separated). It depends on nothing else (not on the machine, the order of the
 * files or the other articles), so an article stays in its shard run after run and adding
 * articles moves no other article.
 */
import { createHash } from 'node:crypto'

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number
  count: number
}

/** Parses `i/n` (1 ≤ i ≤ n); undefined when the text is not of that shape. */
export function parseShard(text: string): Shard | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!match) return undefined
  const index = Number(match[1])
  const count = Number(match[2])
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return undefined
  return { index, count }
}

/** The shard (1-based) of `count` an article's lockfile key falls into. */
export function shardOf(key: string, count: number): number {
  const hex = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8)
  return (Number.parseInt(hex, 16) % count) + 1
}

/**
 * One shard's part of a limit shared by all shards (requests or tokens per minute, requests
 * at once): `floor(limit / n)`, at least 1, so that n shards together never exceed it.
 */
export function shareOfLimit(limit: number, count: number): number {
  return Math.max(1, Math.floor(limit / count))
}
