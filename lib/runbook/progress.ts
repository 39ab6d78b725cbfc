import { printableText } from "../user-text.js";
import { maskSecrets } from "../secret.js";
import type { StepRecord } from "./record.js";

/**
 * Progress on stderr (stdout stays free for --json and plans): on a terminal a spinner with the
 * running time of the current step; elsewhere (CI logs, CronJobs) and on a terminal that cannot
 * move its cursor (TERM=dumb) plain timestamped lines. Colour only on a terminal, never with
 * NO_COLOR or TERM=dumb. Every line is masked, and what it shows of titles, messages and
 * summaries has its control characters escaped (they may come from a stack or a manifest).
 */
export interface Progress {
  stepStarted(position: string, title: string): void;
  log(message: string): void;
  stepFinished(position: string, record: StepRecord): void;
  line(text: string): void;
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const MARKS: Record<StepRecord["status"], string> = {
  ok: "✓",
  failed: "✗",
  planned: "○",
  "rolled-back": "↺",
  "not-run": "·",
};
const COLORS: Record<StepRecord["status"], number> = {
  ok: 32,
  failed: 31,
  planned: 33,
  "rolled-back": 35,
  "not-run": 90,
};

export interface ProgressOptions {
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env?: NodeJS.ProcessEnv;
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  // A dumb terminal shows escape sequences as garbage: it gets the lines a log file gets.
  const tty = Boolean(stream.isTTY) && env.TERM !== "dumb";
  const color = tty && !env.NO_COLOR;
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const write = (text: string) => stream.write(maskSecrets(text));
  const safe = (text: string) => printableText(text);
  let spinner: { timer: NodeJS.Timeout; render: () => void } | undefined;

  const clear = () => tty && spinner && write("\r\x1b[2K");
  const stopSpinner = () => {
    if (!spinner) return;
    clearInterval(spinner.timer);
    clear();
    spinner = undefined;
  };

  return {
    stepStarted(position, title) {
      stopSpinner();
      title = safe(title);
      if (!tty) return void write(`${timestamp()} ${position} ${title} …\n`);
      const started = Date.now();
      let frame = 0;
      const render = () =>
        write(
          `\r\x1b[2K${paint(36, FRAMES[frame++ % FRAMES.length]!)} ${position} ${title} ${seconds(Date.now() - started)}`,
        );
      spinner = { timer: setInterval(render, 100), render };
      spinner.timer.unref();
      render();
    },
    log(message) {
      clear();
      const text = safe(message);
      write(tty ? `    ${text}\n` : `${timestamp()}     ${text}\n`);
      spinner?.render();
    },
    stepFinished(position, record) {
      stopSpinner();
      const mark = paint(COLORS[record.status], MARKS[record.status]);
      const time =
        record.status === "planned" || record.status === "not-run"
          ? ""
          : ` (${seconds(record.durationMs)})`;
      const detail = safe(record.error ?? record.summary ?? "");
      const prefix = tty ? "" : `${timestamp()} `;
      write(
        `${prefix}${mark} ${position} ${safe(record.title)}${time}${detail ? `: ${detail.split("\n")[0]}` : ""}\n`,
      );
    },
    line(text) {
      stopSpinner();
      write(`${safe(text)}\n`);
    },
    stop: stopSpinner,
  };
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
