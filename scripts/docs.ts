/**
 * `npm run docs`: regenerates docs/runbooks/ and the generated sections of README.md and docs/
 * from the code they describe. Run it after changing a runbook, a flag, an exit code, a stack
 * field or an alert; test/docs/docs.test.ts fails while the committed docs differ.
 */
import { writeDocs } from "../lib/docs/generate.js";

const changed = await writeDocs();
console.log(changed.length ? `updated ${changed.join(", ")}` : "docs are up to date");
