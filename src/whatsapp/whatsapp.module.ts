import { Logger, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { CircuitBreakerRegistry } from './circuit-breaker.registry';
import { ConsoleProvider } from './console/console.provider';
import { EvolutionProvider } from './evolution/evolution.provider';
import { HttpJsonClient } from './http-json-client';
import { MetaCloudProvider } from './meta/meta-cloud.provider';
import { sendingModeWarnings } from './sending-mode';
import { WhatsAppProvider } from './whatsapp-provider';
import { PROVIDER_MAX_SOCKETS } from './whatsapp.constants';

export function selectWhatsAppProvider(
  config: AppConfig,
  http: HttpJsonClient,
  clock: Clock,
): WhatsAppProvider {
  for (const warning of sendingModeWarnings(config)) new Logger('fila_worker').warn(warning);
  switch (config.WHATSAPP_PROVIDER) {
    case 'evolution':
      return new EvolutionProvider(config, http, clock);
    case 'meta':
      return new MetaCloudProvider(config, http, clock);
    case 'console':
      return new ConsoleProvider();
  }
}

/**
 * The WhatsApp provider chosen by WHATSAPP_PROVIDER, and the circuit breakers of its sending numbers.
 * Needs AppConfig and Clock (global ConfigModule and CommonModule).
 */
@Module({
  providers: [
    {
      provide: HttpJsonClient,
      useFactory: (config: AppConfig) =>
        new HttpJsonClient({ timeoutMs: config.providerTimeoutMs, maxSockets: PROVIDER_MAX_SOCKETS }),
      inject: [AppConfig],
    },
    {
      provide: WhatsAppProvider,
      useFactory: selectWhatsAppProvider,
      inject: [AppConfig, HttpJsonClient, Clock],
    },
    {
      provide: CircuitBreakerRegistry,
      useFactory: (config: AppConfig) =>
        new CircuitBreakerRegistry({ openMs: config.circuitOpenMs, maxOpenMs: config.circuitMaxOpenMs }),
      inject: [AppConfig],
    },
  ],
  exports: [WhatsAppProvider, CircuitBreakerRegistry],
})
export class WhatsAppModule {}
