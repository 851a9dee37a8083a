/** A plain-text table: the first row is the header; numeric-looking cells are right-aligned. */
export function formatTable(rows) {
  const cells = rows.map((row) =>
    row.map((cell) => (cell === null || cell === undefined ? '—' : String(cell))),
  );
  const widths = cells[0].map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const numeric = (cell) => /^[-+]?[\d.,]+( ?[%×a-zA-Z/]+)?$|^—$/.test(cell);
  const render = (row) =>
    row
      .map((cell, column) => (numeric(cell) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [
    render(cells[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(render),
  ].join('\n');
}
