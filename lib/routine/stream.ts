import { createInterface } from "node:readline";
import { startStage } from "../backup/process.js";
import { recordOf, type Command, type CommandLog } from "../command.js";

/**
 * Runs a command whose output is read line by line as it comes (a day of a chatty service's logs
 * is more than a job's memory): nothing but what `onLine` keeps stays in memory. Recorded with the
 * step's commands, as the plan printed it.
 */
export async function streamLines(
  command: Command,
  onLine: (line: string) => void,
  opts: { readonly record: CommandLog; readonly signal: AbortSignal },
): Promise<void> {
  const started = Date.now();
  const stage = startStage(command);
  const kill = () => stage.kill();
  opts.signal.addEventListener("abort", kill);
  try {
    const lines = createInterface({ input: stage.stdout, crlfDelay: Infinity });
    for await (const line of lines) onLine(line);
    await stage.done;
  } catch (err) {
    stage.kill();
    throw err;
  } finally {
    opts.signal.removeEventListener("abort", kill);
    const code = await stage.done.then(
      () => 0,
      () => stage.code() ?? 1,
    );
    opts.record(recordOf(command, { code, durationMs: Date.now() - started }, stage.stderrTail()));
  }
}
