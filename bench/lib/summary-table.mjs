// The figures, one table per size, with ours ÷ each system and the targets beside them. CPU is per
// 1 000 messages over the system's timed section: of its own process, of every PostgreSQL process, and in
// all (its own, PostgreSQL, Redis and the fake provider's process: what the machine's cores had to give).

const TARGETS = { 'pg-boss': 1.5, 'graphile-worker': 1.2, 'plain-loop': 0.85 };

export function printSummary(results, settings) {
  const lines = [`settings: ${settings}`, ''];
  const sizes = [...new Set(results.map((result) => result.rows))];
  for (const rows of sizes) {
    const ofSize = results.filter((result) => result.rows === rows);
    const ours = ofSize.find((result) => result.system === 'ours');
    const table = [
      [
        'rows',
        'system',
        'msg/s',
        'claim p50 ms',
        'claim p99 ms',
        'CPU ms/1k own',
        'CPU ms/1k postgres',
        'CPU ms/1k all',
        'ours ÷ system',
        'target',
      ],
    ];
    for (const result of ofSize) {
      const ratio = ours && result.system !== 'ours' ? ours.msgPerSec / result.msgPerSec : null;
      const target = TARGETS[result.system];
      table.push([
        String(rows),
        result.system,
        String(result.msgPerSec),
        result.claim?.p50 == null ? '—' : String(result.claim.p50),
        result.claim?.p99 == null ? '—' : String(result.claim.p99),
        result.cpuMsPer1000 == null ? '—' : String(Math.round(result.cpuMsPer1000)),
        result.serverCpuMsPer1000 == null ? '—' : String(result.serverCpuMsPer1000.postgres),
        allCpu(result),
        ratio === null ? '—' : `${ratio.toFixed(2)}×`,
        target === undefined || ratio === null ? '' : `≥ ${target}× ${ratio >= target ? 'met' : 'MISSED'}`,
      ]);
    }
    lines.push(formatTable(table), '');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

function allCpu(result) {
  const servers = result.serverCpuMsPer1000;
  if (result.cpuMsPer1000 == null || servers == null) return '—';
  return String(Math.round(result.cpuMsPer1000 + servers.postgres + servers.redis + servers.provider));
}

function formatTable(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const render = (row) =>
    row
      .map((cell, column) =>
        column >= 2 && column <= 8 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join('  ');
  return [
    render(rows[0]),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.slice(1).map(render),
  ].join('\n');
}
