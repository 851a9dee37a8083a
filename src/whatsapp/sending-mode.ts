import type { AppConfig } from '../config/app-config';

type SendingConfig = Pick<AppConfig, 'isProduction' | 'WHATSAPP_PROVIDER' | 'OUTBOUND_ALLOWLIST'>;

/**
 * Settings that start fine but keep every message from a lead: said once at start-up, since the queue then
 * looks healthy (rows `enviada`, or `bloqueada` one by one) while nobody receives anything.
 */
export function sendingModeWarnings(config: SendingConfig): string[] {
  if (config.WHATSAPP_PROVIDER === 'console')
    return config.isProduction
      ? [
          'APP_ENV=production but WHATSAPP_PROVIDER is console: messages are marked enviada and only written ' +
            'to the log; set WHATSAPP_PROVIDER=evolution or meta to send them',
        ]
      : [];
  if (config.isProduction) return [];
  const allowed = config.OUTBOUND_ALLOWLIST.length;
  return [
    `APP_ENV is not production: ${config.WHATSAPP_PROVIDER} sends only to the ${allowed} number(s) of ` +
      'OUTBOUND_ALLOWLIST, every other message becomes bloqueada (dev_allowlist); set APP_ENV=production to ' +
      'send to every lead',
  ];
}
