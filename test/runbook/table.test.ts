import { describe, expect, it } from "vitest";
import { formatTable } from "../../lib/table.js";

describe("formatTable", () => {
  it("pads every column but the last to its widest cell, right-aligning where asked", () => {
    const rows = [
      ["/var/log/app.log", "5.0 KiB", "0 d", "rotate"],
      ["/var/log/a.log-1", "12 B", "120 d", "delete"],
    ];
    expect(formatTable(rows, ["left", "right", "right"])).toBe(
      ["/var/log/app.log  5.0 KiB    0 d  rotate", "/var/log/a.log-1     12 B  120 d  delete"].join(
        "\n",
      ),
    );
  });

  it("leaves no trailing spaces when the last cells are empty", () => {
    expect(
      formatTable([
        ["NAME", "STATUS"],
        ["mira", ""],
      ]),
    ).toBe("NAME  STATUS\nmira");
  });
});
