/** A plain-text table with a header rule; numbers (cells that start with a digit) right-aligned. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = (text: string) => /^[\d.]/.test(text);
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (numeric(cell) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
  return [line(headers), `|-${widths.map((width) => '-'.repeat(width)).join('-|-')}-|`, ...rows.map(line)].join('\n');
}
