import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Fake-server tests start HTTP servers and child processes; two cores are all CI has.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    env: { L10N_LANG: 'en', OPENAI_API_KEY: '', OPENAI_BASE_URL: '', NO_COLOR: '1' },
  },
})
