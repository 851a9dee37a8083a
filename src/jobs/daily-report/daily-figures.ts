/** Yesterday's numbers, as stored in relatorios_diarios.metricas and posted to Slack. */
export interface DailyFigures {
  /** local date `YYYY-MM-DD` */
  data: string;
  mensagens: { enviadas: number; bloqueadas: number; erros: number; adiadas: number };
  respostas: number;
  handoffs: { abertos: number; confirmados: number; expirados: number };
  vagasImportadas: number;
  falhasPorJob: Record<string, number>;
  filaAgora: number;
}

/** Readable Slack mrkdwn. */
export function reportText(figures: DailyFigures): string {
  const [year, month, day] = figures.data.split('-');
  const failures = Object.entries(figures.falhasPorJob);
  const m = figures.mensagens;
  const h = figures.handoffs;
  return [
    `*Relatório diário — ${day}/${month}/${year}*`,
    `• Mensagens: ${m.enviadas} enviadas, ${m.bloqueadas} bloqueadas, ${m.erros} com erro, ${m.adiadas} adiadas`,
    `• Respostas recebidas: ${figures.respostas}`,
    `• Handoffs: ${h.abertos} abertos, ${h.confirmados} confirmados, ${h.expirados} expirados`,
    `• Vagas importadas: ${figures.vagasImportadas}`,
    failures.length === 0
      ? '• Falhas de jobs: nenhuma'
      : `• Falhas de jobs: ${failures.map(([job, count]) => `${job} (${count})`).join(', ')}`,
    `• Fila agora: ${figures.filaAgora} mensagens pendentes`,
  ].join('\n');
}
