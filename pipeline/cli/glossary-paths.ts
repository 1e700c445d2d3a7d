/**
 * Where the glossary commands keep their proposals by default: shared by `status` and
 * `glossary` without loading the glossary command module.
 */
import { join } from 'node:path'

/** The proposals file when `--proposals` is not given: in the state folder. */
export function defaultProposalsPath(stateDir: string): string {
  return join(stateDir, 'glossary-proposals.yaml')
}
