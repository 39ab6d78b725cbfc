import { EXIT, UsageError } from "../errors.js";
import { chooseLanguage, setLanguage, t } from "../i18n/index.js";
import { GUARDIA_VERSION } from "../version.js";
import { commandHelp, COMMANDS, usage } from "./commands.js";
import { globalFlags } from "./flags.js";
import { reportError } from "./output.js";
import { quoted } from "../user-text.js";

/**
 * guardia's command line. Heavy modules (the Pulumi SDK, the AWS SDK, pg, and every runbook with
 * its dependencies) load only inside the command that needs them: during an incident
 * `guardia --help` and a dry run must start fast.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const global = globalFlags(rest);
  try {
    // Before anything can fail, so even a usage error speaks the operator's language.
    setLanguage(chooseLanguage({ flag: global.lang, env: process.env.GUARDIA_LANG }));
    if (!command || command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(`${usage()}\n`);
      return EXIT.ok;
    }
    if (command === "--version") {
      process.stdout.write(`${GUARDIA_VERSION}\n`);
      return EXIT.ok;
    }
    const spec = COMMANDS.find((c) => c.name === command && c.run);
    if (spec && global.help) {
      process.stdout.write(`${commandHelp(spec)}\n`);
      return EXIT.ok;
    }
    if (spec?.run) return await spec.run(rest);
    if (!command.startsWith("-")) {
      const { loadAnyRunbook, runbookCommand } = await import("./runbook-command.js");
      const definition = await loadAnyRunbook(command);
      if (definition) return await runbookCommand(definition, rest);
    }
    throw new UsageError(t`unknown command ${quoted(command)}; see guardia --help`);
  } catch (err) {
    return reportError(err, global.json);
  }
}
