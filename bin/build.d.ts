/** Builds dist/<state>/ when the sources changed; returns the file URL of the CLI entry. */
export function ensureBuilt(): Promise<string>;
export function build(files?: string[]): Promise<string>;
/** The package's build: dist/package/ and the public entry points' declarations in dist/types/. */
export function buildPackage(): Promise<string>;
/** The bundle's entry points, each a source file relative to the repository. */
export const ENTRY_POINTS: Readonly<Record<"main" | "model" | "infra" | "runbook", string>>;
export const PACKAGE_DIST: string;
