/**
 * The shipped glossary's compiled copy (built by `npm run build`, read by the compiled CLI):
 * it must load exactly what parsing the YAML loads, and never answer once the YAML changed.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { compileGlossary, readCompiledGlossary } from '../pipeline/glossary/compiled.ts'
import { loadGlossaryFiles } from '../pipeline/glossary/load.ts'

let dir: string
let yaml: string
let compiled: string

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'l10n-compiled-'))
  yaml = join(dir, 'music.yaml')
  compiled = join(dir, 'music.glossary.json')
  copyFileSync('glossary/music.yaml', yaml)
  // Compiled where the build runs, read where the package is installed: another path.
  const builtFrom = join(dir, 'build-music.yaml')
  copyFileSync('glossary/music.yaml', builtFrom)
  writeFileSync(compiled, compileGlossary(await loadGlossaryFiles([builtFrom]), readFileSync(builtFrom, 'utf8')))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('compiled glossary', () => {
  it('loads exactly what parsing the YAML loads, with the entries placed in the file read', async () => {
    const parsed = await loadGlossaryFiles([yaml])
    const loaded = await readCompiledGlossary(yaml, compiled)
    expect(loaded).toEqual(parsed)
    expect(loaded!.entries.length).toBeGreaterThan(10)
    expect(new Set(loaded!.entries.map((entry) => entry.file))).toEqual(new Set([yaml]))
  })

  it('is not used once the YAML differs from what it was compiled from', async () => {
    appendFileSync(yaml, '\n# edited\n')
    expect(await readCompiledGlossary(yaml, compiled)).toBeUndefined()
  })

  it('is not used when it is missing, unreadable or of another format', async () => {
    expect(await readCompiledGlossary(yaml, join(dir, 'missing.json'))).toBeUndefined()
    writeFileSync(compiled, '{"format": "l10n-compiled-glossary/1", "sourceHash": ')
    expect(await readCompiledGlossary(yaml, compiled)).toBeUndefined()
    const text = readFileSync(yaml, 'utf8')
    const other = JSON.parse(compileGlossary(await loadGlossaryFiles([yaml]), text))
    writeFileSync(compiled, JSON.stringify({ ...other, format: 'something-else/9' }))
    expect(await readCompiledGlossary(yaml, compiled)).toBeUndefined()
    writeFileSync(compiled, JSON.stringify({ ...other, glossary: { entries: 'none' } }))
    expect(await readCompiledGlossary(yaml, compiled)).toBeUndefined()
  })

  it('reports a missing YAML file as missing, not from an old compiled copy', async () => {
    rmSync(yaml)
    expect(await readCompiledGlossary(yaml, compiled)).toBeUndefined()
  })
})
