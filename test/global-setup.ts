import { ensureBuilt } from "../bin/build.js";

/** Bundle the CLI once before the test files run in parallel, so none of them waits on a build. */
export default async function setup(): Promise<void> {
  await ensureBuilt();
}
