import { localParts } from '../../common/local-time';

export interface LocalTime {
  hour: number;
  /** `DD/MM` */
  dayMonth: string;
  /** `HH:MM` */
  hourMinute: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The wall clock of `instant` in `timeZone` (SCHEDULER_TIMEZONE), as the reply text writes it. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const local = localParts(instant, timeZone);
  return {
    hour: local.hour,
    dayMonth: `${pad(local.day)}/${pad(local.month)}`,
    hourMinute: `${pad(local.hour)}:${pad(local.minute)}`,
  };
}
