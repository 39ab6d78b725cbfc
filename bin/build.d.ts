/** Builds dist/<state>/ when the sources changed; returns the file URL of the CLI entry. */
export function ensureBuilt(): Promise<string>;
export function build(files?: string[]): Promise<string>;
