/** Job names are part of the external contract (CONTRACT §2): operators type them. */
export const JobNames = {
  processQueue: 'process_queue',
  gruposWorker: 'grupos_worker',
  handoffProcessor: 'handoff_processor',
  pilotMode: 'pilot_mode',
  retomadaForaHorario: 'retomada_fora_horario',
  temperatureDecay: 'temperature_decay',
  syncBriefing: 'sync_briefing',
  dailyReport: 'daily_report',
  shiftConfirmation: 'shift_confirmation',
  pruneJobHistory: 'prune_job_history',
  checkAlerts: 'check_alerts',
} as const;

/** `fila_worker` is the worker's name; its job is `process_queue`. Both are accepted by `npm run job`. */
export const JobAliases: Readonly<Record<string, string>> = { fila_worker: JobNames.processQueue };

/** The worker a job's log lines are under (CONTRACT §8: `grep fila_worker` finds the queue's lines). */
export function workerNameOf(jobName: string): string {
  return Object.keys(JobAliases).find((alias) => JobAliases[alias] === jobName) ?? jobName;
}
