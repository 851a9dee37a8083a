import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { CommonModule } from '../../src/common/common.module';
import { ConfigModule } from '../../src/config/config.module';
import { CircuitBreakerRegistry } from '../../src/whatsapp/circuit-breaker.registry';
import { ConsoleProvider } from '../../src/whatsapp/console/console.provider';
import { EvolutionProvider } from '../../src/whatsapp/evolution/evolution.provider';
import { MetaCloudProvider } from '../../src/whatsapp/meta/meta-cloud.provider';
import { WhatsAppProvider } from '../../src/whatsapp/whatsapp-provider';
import { WhatsAppModule } from '../../src/whatsapp/whatsapp.module';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { FakeMetaServer } from '../fakes/fake-meta-server';
import { testConfig } from '../utils/test-config';

describe('WhatsAppModule', () => {
  const evolution = new FakeEvolutionServer({ apiKey: 'module-test-apikey' });
  const meta = new FakeMetaServer({ accessToken: 'module-test-token' });
  const opened: TestingModule[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await Promise.all([evolution.start(), meta.start()]);
  });
  afterAll(async () => {
    await Promise.all(opened.map((moduleRef) => moduleRef.close()));
    await Promise.all([evolution.close(), meta.close()]);
  });

  async function boot(env: Record<string, string>): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(testConfig(env)), CommonModule, WhatsAppModule],
    }).compile();
    moduleRef.useLogger(false);
    opened.push(moduleRef);
    return moduleRef.init();
  }

  it('provides the console provider by default, and a breaker registry', async () => {
    const moduleRef = await boot({});
    expect(moduleRef.get(WhatsAppProvider)).toBeInstanceOf(ConsoleProvider);
    expect(moduleRef.get(CircuitBreakerRegistry)).toBeInstanceOf(CircuitBreakerRegistry);
  });

  it('provides the Evolution provider when WHATSAPP_PROVIDER=evolution, and it sends', async () => {
    const moduleRef = await boot({
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY: 'module-test-apikey',
      EVOLUTION_INSTANCE: 'a,b',
    });
    const provider = moduleRef.get(WhatsAppProvider);
    expect(provider).toBeInstanceOf(EvolutionProvider);
    expect(provider.sendingNumbers()).toEqual(['a', 'b']);
    await expect(provider.send({ to: '5511987654321', text: 'oi', instance: 'b' })).resolves.toMatchObject({
      kind: 'sent',
    });
    expect(evolution.requests.map((request) => request.path)).toEqual(['/message/sendText/b']);
  });

  it('provides the Cloud API provider when WHATSAPP_PROVIDER=meta, and it sends', async () => {
    const moduleRef = await boot({
      WHATSAPP_PROVIDER: 'meta',
      META_API_URL: meta.url,
      META_PHONE_NUMBER_ID: '106540352242922',
      META_ACCESS_TOKEN: 'module-test-token',
    });
    const provider = moduleRef.get(WhatsAppProvider);
    expect(provider).toBeInstanceOf(MetaCloudProvider);
    await expect(provider.send({ to: '5511987654321', text: 'oi', instance: null })).resolves.toMatchObject({
      kind: 'sent',
    });
    expect(meta.delivered('5511987654321')).toBe(1);
  });
});
