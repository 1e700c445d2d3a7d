/**
 * The folder layout is the architecture: `pipeline/<layer>/` folders import only their own
 * layer and the layers below it, and no module imports itself back through a cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Lowest first: a folder may import from its own layer and those listed before it. */
const LAYERS = ['shared', 'article', 'state', 'glossary', 'check', 'translate', 'review', 'run', 'serve', 'cli'] as const

const root = resolve(import.meta.dirname, '..', 'pipeline')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return name.endsWith('.ts') ? [path] : []
  })
}

/** Relative imports of a file (static, `export … from` and dynamic `import()`), resolved to paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"](\.[^'"]+)['"]/gm)].map((match) => match[1]!)
  return specifiers.map((specifier) => resolve(dirname(file), specifier))
}

const layerOf = (file: string) => relative(root, file).split('/')[0]!
const files = sourceFiles(root)
const graph = new Map(files.map((file) => [file, importsOf(file)]))

describe('pipeline layout', () => {
  it('keeps every module in a layer folder', () => {
    const outside = files.filter((file) => !(LAYERS as readonly string[]).includes(layerOf(file)))
    expect(outside.map((file) => relative(root, file))).toEqual([])
  })

  it('imports only existing modules', () => {
    const missing = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${relative(root, file)} → ${relative(root, target)}`))
    expect(missing).toEqual([])
  })

  it('imports only downward', () => {
    const upward = [...graph].flatMap(([file, imports]) => {
      const own = LAYERS.indexOf(layerOf(file) as (typeof LAYERS)[number])
      return imports
        .filter((target) => LAYERS.indexOf(layerOf(target) as (typeof LAYERS)[number]) > own)
        .map((target) => `${relative(root, file)} → ${relative(root, target)}`)
    })
    expect(upward).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const stack: string[] = []
    const visit = (file: string) => {
      state.set(file, 'open')
      stack.push(file)
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].map((path) => relative(root, path)).join(' → '))
        else if (!state.has(target) && graph.has(target)) visit(target)
      }
      stack.pop()
      state.set(file, 'done')
    }
    for (const file of files) if (!state.has(file)) visit(file)
    expect(cycles).toEqual([])
  })

  it('gives every layer a README saying what lives there and what it may import', () => {
    const missing = LAYERS.filter((layer) => {
      try {
        return !readFileSync(join(root, layer, 'README.md'), 'utf8').includes('May import')
      } catch {
        return true
      }
    })
    expect(missing).toEqual([])
  })
})
