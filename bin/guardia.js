#!/usr/bin/env node
// The guardia command. In this repository it runs the CLI from dist/<state>/, transpiling the
// TypeScript sources first when that build is missing or older than them (a fresh clone after
// `npm ci`, or a local edit). Installed from the package there are no sources: it runs the
// build the package ships (dist/package/), so nothing is transpiled in node_modules.
import { existsSync } from "node:fs";
import { URL } from "node:url";

const fromSources = existsSync(new URL("../lib/cli/main.ts", import.meta.url));
const entry = fromSources
  ? await (await import("./build.js")).ensureBuilt()
  : new URL("../dist/package/main.js", import.meta.url).href;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
