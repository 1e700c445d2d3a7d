/**
 * The fake OpenAI-compatible server (tests/helpers/fake-openai.ts) in a process of its
 * own, answering with the reference translation, for the benchmark's whole-process
 * runs: the server's work then never shares a CPU thread with the `l10n` process
 * measured. Prints `{"baseURL": …}` as one JSON line on stdout when it listens; stops on
 * SIGTERM or SIGINT.
 */
import { startFakeOpenAi } from '../tests/helpers/fake-openai.ts'
import { referenceReply } from '../tests/helpers/reference-translator.ts'

const server = await startFakeOpenAi({ handler: referenceReply })
process.stdout.write(JSON.stringify({ baseURL: server.baseURL }) + '\n')
const stop = () => {
  void server.close().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
