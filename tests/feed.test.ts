import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import PQueue from 'p-queue'
import { describe, expect, it, vi } from 'vitest'
import { roomIn } from '../pipeline/run/feed.ts'
import { ARTICLES_WAITING, translateFiles } from '../pipeline/run/translate.ts'
import { createPseudoTranslator } from '../pipeline/translate/translator.ts'
import { generateTree } from '../scripts/generate-tree.ts'
import { SHORT_EXAMPLE } from './helpers/short-example.ts'

describe('work is fed to the article queue as it has room (issue 15: memory bounded by the work in flight)', () => {
  it('never holds more than the bound of waiting jobs, however many are fed, and runs them all in order', async () => {
    const queue = new PQueue({ concurrency: 2 })
    const started: number[] = []
    const release: (() => void)[] = []
    let mostWaiting = 0
    const feeding = (async () => {
      const done: Promise<number>[] = []
      for (let job = 0; job < 40; job++) {
        await roomIn(queue, 3)
        done.push(
          queue.add(async () => {
            started.push(job)
            await new Promise<void>((resolve) => release.push(resolve))
            return job
          }),
        )
        mostWaiting = Math.max(mostWaiting, queue.size)
      }
      return Promise.all(done)
    })()
    // Let jobs finish one at a time while the feeder waits for room.
    for (let finished = 0; finished < 40; ) {
      await new Promise((resolve) => setImmediate(resolve))
      if (release.length > 0) {
        release.shift()!()
        finished++
      }
    }
    expect(await feeding).toEqual(Array.from({ length: 40 }, (_, job) => job))
    expect(started).toEqual(Array.from({ length: 40 }, (_, job) => job))
    expect(mostWaiting).toBeLessThanOrEqual(3)
  })

  it('adds at once when there is room, and waits while the queue is full', async () => {
    const queue = new PQueue({ concurrency: 1, autoStart: false })
    queue.add(async () => {})
    // Before the next turn of the event loop: no wait for the queue to move.
    const soon = (promise: Promise<void>) => Promise.race([promise.then(() => 'room'), new Promise((resolve) => setImmediate(() => resolve('waiting')))])
    expect(await soon(roomIn(queue, 2))).toBe('room')
    expect(await soon(roomIn(queue, 1))).toBe('waiting')
    expect(ARTICLES_WAITING).toBeGreaterThan(0)
    queue.clear()
  })
})

describe('translateFiles feeds its article queue as it has room (issue 15)', () => {
  it("a run over 40 articles never has more than the bound plus one file's jobs waiting, and reports every pair in order", async () => {
    const root = mkdtempSync(join(tmpdir(), 'l10n-feed-'))
    // Every add to a p-queue, with how many jobs waited in it at that moment.
    const waitingAtAdd: number[] = []
    const add = PQueue.prototype.add
    const spy = vi.spyOn(PQueue.prototype, 'add').mockImplementation(function (this: PQueue, ...args: Parameters<PQueue['add']>) {
      waitingAtAdd.push(this.size)
      return add.apply(this, args)
    } as PQueue['add'])
    try {
      const files = generateTree(root, { articles: 40, sectionsPerArticle: 1, example: SHORT_EXAMPLE.tree })
      const run = await translateFiles({ files, targets: ['en'], translator: createPseudoTranslator(undefined), outRoot: root, stateDir: join(root, '.l10n'), lockfile: join(root, 'l10n.lock.yaml') })
      expect(run.articles.map((article) => [article.source, article.locale])).toEqual(files.map((file) => [file, 'en']))
      expect(run.articles.every((article) => article.status === 'written')).toBe(true)
      expect(waitingAtAdd.length).toBeGreaterThanOrEqual(40)
      // All at once, 40 - 16 running = 24 would wait by the last add.
      expect(Math.max(...waitingAtAdd)).toBeLessThan(ARTICLES_WAITING + 2)
    } finally {
      spy.mockRestore()
      rmSync(root, { recursive: true, force: true })
    }
  })
})
