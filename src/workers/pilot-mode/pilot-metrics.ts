import { TRIP_MAX_ERROR_RATE, TRIP_MAX_OPT_OUT_RATE, TRIP_MIN_MESSAGES } from './pilot-mode.constants';

/** The pilot group over the window. */
export interface PilotCounts {
  leadsPiloto: number;
  enviadas: number;
  respostas: number;
  optOuts: number;
  bloqueadas: number;
  erros: number;
}

export interface PilotVerdict {
  /** messages whose send concluded: sent + failed */
  messages: number;
  optOutRate: number;
  errorRate: number;
  /** why the features must go off, or null */
  tripReason: string | null;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** Opt-out rate > 5 % or error rate > 10 %, over at least 20 messages, trips the autonomous features. */
export function judgePilot(counts: PilotCounts): PilotVerdict {
  const messages = counts.enviadas + counts.erros;
  const optOutRate = messages === 0 ? 0 : counts.optOuts / messages;
  const errorRate = messages === 0 ? 0 : counts.erros / messages;
  const reasons: string[] = [];
  if (messages >= TRIP_MIN_MESSAGES) {
    if (optOutRate > TRIP_MAX_OPT_OUT_RATE)
      reasons.push(`taxa de opt-out ${percent(optOutRate)} > ${percent(TRIP_MAX_OPT_OUT_RATE)}`);
    if (errorRate > TRIP_MAX_ERROR_RATE)
      reasons.push(`taxa de erro ${percent(errorRate)} > ${percent(TRIP_MAX_ERROR_RATE)}`);
  }
  const tripReason = reasons.length === 0 ? null : `${reasons.join('; ')} em ${messages} mensagens (24 h)`;
  return { messages, optOutRate, errorRate, tripReason };
}
