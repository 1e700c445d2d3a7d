/**
 * `l10n --version`: the tool's version from its own `package.json` (nothing else is loaded).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../shared/package-root.ts'

/** `l10n-md 0.1.0`. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name?: string; version?: string }
  return `${manifest.name ?? 'l10n'} ${manifest.version ?? '0.0.0'}`
}
