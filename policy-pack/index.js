// The pack's entry. Pulumi loads a policy pack with require() (and registers its own CommonJS
// ts-node), while guardia's rules are ESM TypeScript: tsx's loader is registered here and the
// pack is imported through it, the way `nodeargs: --import tsx` loads the Pulumi program.
import process from "node:process";
import { register } from "tsx/esm/api";

register();
import("./pack.ts").catch((err) => {
  process.stderr.write(`guardia policy pack failed to load: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
