/**
 * Plain-text tables for the listing commands: left-aligned columns separated by two spaces, no
 * colour (stdout may be a pipe).
 */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd()
  return `${[line(header), ...rows.map(line)].join("\n")}\n`
}

/** `2026-11-20 10:00` in UTC, or "-". */
export const when = (d: Date | undefined): string =>
  d === undefined ? "-" : d.toISOString().slice(0, 16).replace("T", " ")
