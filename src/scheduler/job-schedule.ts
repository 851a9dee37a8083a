/** When a job is due. Due times are absolute instants, so every replica computes the same ones. */
export interface JobSchedule {
  readonly kind: 'cron' | 'interval';
  /** human-readable, e.g. `0 8 * * 1-5 (America/Sao_Paulo)` or `every 30s` */
  describe(): string;
  /** the first due time strictly after `instant` */
  nextAfter(instant: Date): Date;
  /** the typical gap between two due times */
  periodMs(): number;
}
