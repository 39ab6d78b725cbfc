import { open } from "node:fs/promises";

/**
 * fsync of a file (its data is on disk) or a directory (a rename or an unlink inside it is):
 * Linux syncs either through a read-only handle.
 */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
