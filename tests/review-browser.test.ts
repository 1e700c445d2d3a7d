/**
 * The review app in a real browser: Debian's Chromium driven by playwright-core. The
 * browser cannot be downloaded at run time here, so it must be installed (`.ci/run`
 * installs it when `/usr/bin/chromium` is missing); without it these tests fail, they
 * are never skipped.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { translationHash } from '../pipeline/review/plan.ts'
import { EDITED_SECTION, SCRIPT_SECTION, startReviewTree, type ReviewTree } from './helpers/review-app.ts'

const CHROMIUM = process.env.L10N_CHROMIUM ?? '/usr/bin/chromium'

let tree: ReviewTree
let browser: Browser
let artifacts: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium) or set L10N_CHROMIUM; the browser tests do not skip.`)
  }
  artifacts = process.env.L10N_ARTIFACTS ?? mkdtempSync(join(tmpdir(), 'l10n-review-screens-'))
  // launch() starts the browser with a fresh temporary profile (--user-data-dir) of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  tree = await startReviewTree()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await tree?.close()
})

async function openContext(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const dialogs: string[] = []
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // A refused approval (409, then confirmed with force) is logged by the browser; it is expected.
    if (message.type() === 'error' && !message.text().includes('status of 409')) errors.push(message.text())
  })
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.accept()
  })
  return { context, page, dialogs, errors }
}

/** Opens the start page, then the article's review view by its link. */
async function openReview(page: Page): Promise<void> {
  await page.goto(tree.server.url)
  await page.getByRole('link', { name: /soundtrack\.md/ }).click()
  await page.waitForSelector(`section.item#s${EDITED_SECTION}`)
}

describe('the review app in Chromium', { timeout: 120_000 }, () => {
  // Every test starts from the tree as built, whatever the tests before it approved or edited.
  beforeEach(() => tree.reset())

  it('lists the article with its state and opens its review view', async () => {
    const { context, page, errors } = await openContext()
    await page.goto(tree.server.url)
    const row = page.locator('table.articles tbody tr')
    await expect.poll(() => row.count()).toBe(1)
    expect(await row.innerText()).toMatch(/soundtrack\.md\s+en\s+2 draft, 2 approved\s+draft/)
    await openReview(page)
    // The two changed sections are open; approved, unchanged ones are collapsed.
    expect(await page.locator(`section#s${EDITED_SECTION} > details`).getAttribute('open')).toBe('')
    expect(await page.locator(`section#s${SCRIPT_SECTION} > details`).getAttribute('open')).toBe('')
    expect(await page.locator('section#s2 > details').getAttribute('open')).toBeNull()
    // Source paragraphs sit beside their translation: the changed paragraph is one row, its change marked.
    const changed = page.locator(`section#s${EDITED_SECTION} .row`, { hasText: '几十年' })
    await expect.poll(() => changed.count()).toBe(1)
    expect(await changed.locator('.cell').first().locator('ins').allInnerTexts()).toContain('几十年')
    // One row per block of the section (the short example's §1: its heading and two paragraphs).
    expect(await page.locator(`section#s${EDITED_SECTION} .row:not(.head)`).count()).toBe(3)
    // Glossary names are marked on both sides.
    expect(await page.locator(`section#s${EDITED_SECTION} .cell[lang="zh-CN"] mark.term-locked`).count()).toBeGreaterThan(0)
    expect(await page.locator(`section#s${EDITED_SECTION} .cell[lang="en"] mark.term-locked`).count()).toBeGreaterThan(0)
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows a <script> in the article as text and never runs it', async () => {
    const { context, page, errors } = await openContext()
    await openReview(page)
    const section = page.locator(`section#s${SCRIPT_SECTION}`)
    const code = section.locator('code', { hasText: '<script>' })
    await expect.poll(() => code.count()).toBeGreaterThan(0)
    expect(await section.innerText()).toContain('window.__pwned = 1')
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined')
    // The only script element is the app's own.
    expect(await page.locator('script').count()).toBe(1)
    expect(errors).toEqual([])
    await context.close()
  })

  it('refuses requests without the token (403), and cross-site writes', async () => {
    const base = new URL(tree.server.url).origin
    expect((await fetch(`${base}/`)).status).toBe(403)
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403)
    const body = JSON.stringify({ file: tree.file, locale: 'en', section: EDITED_SECTION })
    const post = (headers: Record<string, string>) => fetch(`${base}/api/approve`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    expect((await post({})).status).toBe(403)
    expect((await post({ 'x-l10n-token': tree.server.token, origin: 'http://evil.example' })).status).toBe(403)
    const { context, page } = await openContext()
    const response = await page.goto(`${base}/review?file=x&locale=en`)
    expect(response?.status()).toBe(403)
    expect(await page.locator('body').innerText()).toContain('access token')
    await context.close()
    expect(tree.lockEntry().sections[EDITED_SECTION]!.status).toBe('draft')
  })

  it('is usable at phone width: one column, no horizontal scrolling; saves screenshots', async () => {
    const { context, page, errors } = await openContext({ width: 390, height: 844 })
    await openReview(page)
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    expect(overflow).toBeLessThanOrEqual(0)
    const cells = page.locator(`section#s${EDITED_SECTION} .row:not(.head) > .cell`)
    const first = await cells.nth(0).boundingBox()
    const second = await cells.nth(1).boundingBox()
    // Source above its translation, both as wide as the page allows.
    expect(second!.y).toBeGreaterThan(first!.y)
    expect(Math.abs(second!.x - first!.x)).toBeLessThan(2)
    await page.locator(`section#s${EDITED_SECTION}`).scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artifacts, 'review-phone.png') })
    await context.close()

    const wide = await openContext()
    await openReview(wide.page)
    await wide.page.screenshot({ path: join(artifacts, 'review-desktop.png') })
    await wide.page.locator(`section#s${EDITED_SECTION} .row`, { hasText: '几十年' }).scrollIntoViewIfNeeded()
    await wide.page.screenshot({ path: join(artifacts, 'review-changed-row.png') })
    await wide.context.close()
    console.log(`review app screenshots: ${artifacts}`)
    expect(errors).toEqual([])
  })

  it('approves a section: the lockfile records it and the section shows approved', async () => {
    expect(tree.lockEntry().sections[EDITED_SECTION]!.status).toBe('draft')
    const { context, page, errors } = await openContext()
    await openReview(page)
    await page.locator(`section#s${EDITED_SECTION} button[data-action="approve"]`).click()
    await page.waitForSelector(`section#s${EDITED_SECTION}.status-approved`)
    const record = tree.lockEntry().sections[EDITED_SECTION]!
    expect(record).toMatchObject({ status: 'approved', approvedBy: 'browser-tester' })
    expect(record.approvedTranslationHash).toBe(record.translationHash)
    expect(errors).toEqual([])
    await context.close()
  })

  it('edits a translation in place: the file changes, the lockfile does not, the section is re-checked as a hand edit', async () => {
    const before = tree.lockEntry().sections[SCRIPT_SECTION]!
    const { context, page, errors } = await openContext()
    await openReview(page)
    const section = page.locator(`section#s${SCRIPT_SECTION}`)
    await section.locator('button[data-action="edit"]').click()
    const textarea = section.locator('form.editor textarea')
    await expect.poll(() => textarea.isVisible()).toBe(true)
    const text = await textarea.inputValue()
    const edited = `${text.trimEnd()}\n\nA sentence the reviewer added.`
    await textarea.fill(edited)
    await section.locator('button[data-action="save"]').click()
    await page.waitForSelector(`section#s${SCRIPT_SECTION}.status-edited`)
    expect(tree.output()).toContain('A sentence the reviewer added.')
    // The record is untouched: the new text is a hand edit until approved.
    expect(tree.lockEntry().sections[SCRIPT_SECTION]).toEqual(before)
    expect(translationHash(edited)).not.toBe(before.translationHash)
    // The section was rendered again from the file: the new paragraph is a row of its own.
    expect(await page.locator(`section#s${SCRIPT_SECTION} .row`, { hasText: 'A sentence the reviewer added.' }).count()).toBe(1)
    expect(errors).toEqual([])
    await context.close()
  })

  it('moves between sections with j / k and approves with a', async () => {
    // A hand edit of the section (as the test before makes in the page): a paragraph added.
    const output = tree.output()
    const secondHeading = output.indexOf('\n## ', output.indexOf('\n## ') + 1)
    writeFileSync(tree.ws.path('examples/en/soundtrack.md'), `${output.slice(0, secondHeading).trimEnd()}\n\nA sentence the reviewer added.\n${output.slice(secondHeading)}`)
    const { context, page, dialogs, errors } = await openContext()
    await openReview(page)
    await page.locator(`section#s${SCRIPT_SECTION} .row:not(.head) > .cell`).first().click()
    const active = () => page.evaluate('document.activeElement && document.activeElement.id')
    await page.keyboard.press('j')
    await expect.poll(active).toBe(`s${SCRIPT_SECTION + 1}`)
    await page.keyboard.press('k')
    await expect.poll(active).toBe(`s${SCRIPT_SECTION}`)
    await page.keyboard.press('a')
    await page.waitForSelector(`section#s${SCRIPT_SECTION}.status-approved`)
    // The hand edit is what got approved (after a confirmation if it had errors).
    const record = tree.lockEntry().sections[SCRIPT_SECTION]!
    expect(record).toMatchObject({ status: 'approved', approvedBy: 'browser-tester' })
    expect(record.translationHash).toBe(record.approvedTranslationHash)
    // The pseudo draft plus an added paragraph has error findings: the page asked before forcing.
    expect(dialogs).toHaveLength(1)
    expect(dialogs[0]).toMatch(/error finding/)
    expect(errors).toEqual([])
    await context.close()
  })
})
