import { Logger } from '@nestjs/common';
import { CircuitBreakerRegistry } from '../../src/whatsapp/circuit-breaker.registry';
import { EvolutionProvider } from '../../src/whatsapp/evolution/evolution.provider';
import { HttpJsonClient } from '../../src/whatsapp/http-json-client';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply } from '../fakes/fake-reply';
import { FakeClock } from '../utils/fake-clock';
import { testConfig } from '../utils/test-config';

const MINUTE = 60_000;

/** How the queue worker is meant to use the breaker: ask, send, report the result. */
describe('circuit breaker around a provider (per sending number)', () => {
  const server = new FakeEvolutionServer();
  const clock = new FakeClock('2026-03-02T12:00:00Z');
  const http = new HttpJsonClient({ timeoutMs: 200, maxSockets: 8 });
  let provider: EvolutionProvider;
  let registry: CircuitBreakerRegistry;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await server.start();
    provider = new EvolutionProvider(
      testConfig({
        WHATSAPP_PROVIDER: 'evolution',
        EVOLUTION_API_URL: server.url,
        EVOLUTION_API_KEY: 'k-123456',
        EVOLUTION_INSTANCE: 'banida,boa',
      }),
      http,
      clock,
    );
  });
  afterAll(async () => {
    await http.close();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    registry = new CircuitBreakerRegistry();
  });

  /** one send through the breaker: null when the circuit refused it */
  async function attempt(instance: string) {
    const breaker = registry.breakerFor(provider.name, instance);
    if (!breaker.tryAcquire(clock.now())) return null;
    const result = await provider.send({ to: '5511987654321', text: 'oi', instance }, undefined);
    breaker.recordResult(result, clock.now());
    return result.kind;
  }

  it('opens after 5 failing sends on one instance, leaving the other instance sending', async () => {
    server.respondWith(...Array.from({ length: 5 }, () => fakeReply.serverError(503)));
    for (let i = 0; i < 5; i++) expect(await attempt('banida')).toBe('temporary_failure');

    expect(await attempt('banida')).toBeNull();
    expect(await attempt('boa')).toBe('sent');
    expect(server.requests).toHaveLength(6);
  });

  it('does not open on rejected requests (4xx): the provider is up', async () => {
    server.respondWith(...Array.from({ length: 8 }, () => fakeReply.badRequest()));
    for (let i = 0; i < 8; i++) expect(await attempt('banida')).toBe('permanent_failure');
    expect(registry.breakerFor('evolution', 'banida').state(clock.now())).toBe('closed');
  });

  it('opens on refusals of the instance itself (400 "Connection Closed"): they are not the request\'s fault', async () => {
    const connectionClosed = {
      status: 400,
      error: 'Bad Request',
      response: { message: ['Error: Connection Closed'] },
    };
    server.respondAlwaysOn('banida', fakeReply.badRequest(connectionClosed));
    for (let i = 0; i < 5; i++) expect(await attempt('banida')).toBe('temporary_failure');

    expect(await attempt('banida')).toBeNull();
    expect(await attempt('boa')).toBe('sent');
    expect(server.requests).toHaveLength(6);
  });

  it('after 5 min sends one probe; a timed-out probe re-opens it for 10 min; a good one closes it', async () => {
    server.respondWith(...Array.from({ length: 5 }, () => fakeReply.serverError(500)), fakeReply.hang());
    for (let i = 0; i < 5; i++) await attempt('banida');

    clock.advance(5 * MINUTE);
    expect(await attempt('banida')).toBe('temporary_failure'); // the probe: timeout
    clock.advance(10 * MINUTE - 1);
    expect(await attempt('banida')).toBeNull();
    clock.advance(1);
    expect(await attempt('banida')).toBe('sent');
    expect(registry.breakerFor('evolution', 'banida').state(clock.now())).toBe('closed');
    expect(server.requests).toHaveLength(7);
  });
});
