import { printableLine } from "./printable.js";

/**
 * Columns aligned for a terminal: every column padded to its widest cell (numbers may align
 * right), two spaces between columns, the last column and trailing spaces left as they are.
 * Cells may hold what users typed (an operator in a manifest): each stays one bounded line.
 */
export function formatTable(
  cells: readonly (readonly string[])[],
  align: readonly ("left" | "right")[] = [],
): string {
  const rows = cells.map((row) => row.map((cell) => printableLine(cell)));
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1) return cell;
        return align[i] === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join("  ")
      .trimEnd();
  return rows.map(line).join("\n");
}
