/**
 * Runs before every test file (vitest `setupFiles`). Files share their worker's modules
 * (vitest.config.ts, `isolate: false`), so the process state a file may change is put
 * back to what a fresh process starts with: the UI language as the environment gives it
 * (L10N_LANG=en in the config) and the repository as the working folder.
 */
import { fileURLToPath } from 'node:url'
import { detectUiLanguage, setUiLanguage } from '../../pipeline/shared/i18n.ts'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

process.chdir(REPO)
setUiLanguage(detectUiLanguage(undefined, process.env))
