#!/usr/bin/env node
// The guardia command: runs the CLI from dist/, transpiling the TypeScript sources first when
// dist/ is missing or older than them (a fresh clone after `npm ci`, or a local edit).
import { ensureBuilt } from "./build.js";

const { main } = await import(await ensureBuilt());
process.exitCode = await main(process.argv.slice(2));
