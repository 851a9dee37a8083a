import { Client } from 'pg';
import type { Clock } from '../../src/common/clock';
import { RedisService } from '../../src/redis/redis.service';
import { JobControlService } from '../../src/scheduler/job-control.service';
import { JobLogger } from '../../src/scheduler/job-logger';
import { JobNames } from '../../src/scheduler/job-names';
import type { JobContext } from '../../src/scheduler/job.types';
import { FilaHealth } from '../../src/workers/fila/fila-health';
import { FilaRepository } from '../../src/workers/fila/fila.repository';
import { FilaService } from '../../src/workers/fila/fila.service';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { FakeMetaServer } from '../fakes/fake-meta-server';
import { fakeReply } from '../fakes/fake-reply';
import { FakeClock } from '../utils/fake-clock';
import { PrivateRedis } from '../utils/private-redis';
import { waitUntil } from '../processes/queue-fixture';
import { MONDAY_10H, useFilaHarness, type QueueMessageRow } from '../utils/fila-harness';
import { testRedisPrefix } from '../utils/test-context';
import { urlOfStoppedServer } from '../whatsapp/provider-harness';

const PHONE_A = '5511900000001';
const PHONE_B = '5511900000002';

describe('fila_worker (real PostgreSQL, Redis and fake providers)', () => {
  const fila = useFilaHarness({
    database: 'fila_worker',
    redisLabel: 'fila',
    env: { RATE_LIMIT_PER_HOUR: '1000', RATE_LIMIT_PER_DAY: '10000' },
  });

  const lead = (telefone: string | null, extra: Record<string, unknown> = {}) =>
    fila.lead(telefone, { nome: 'Dra. Ana', ...extra });

  const enqueue = (
    leadId: string,
    conteudo = 'Olá, temos um plantão para você',
    extra: Record<string, unknown> = {},
  ) => fila.enqueue({ lead_id: leadId, conteudo, ...extra });

  it('sends through Evolution: exact path, headers and body; final row and lead updated in one go', async () => {
    const leadId = await lead(PHONE_A);
    const id = await enqueue(leadId, 'Plantão UTI sábado 19h');
    const { run } = await fila.worker();
    const outcome = await run();
    expect(outcome).toMatchObject({ status: 'success', itemsProcessed: 1 });
    expect(fila.evolution.requests).toHaveLength(1);
    const [request] = fila.evolution.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toMatch(/^\/message\/sendText\/numero[12]$/);
    expect(request.headers.apikey).toBe('evo-key');
    expect(request.headers['content-type']).toMatch(/application\/json/);
    expect(request.body).toEqual({ number: PHONE_A, text: 'Plantão UTI sábado 19h' });
    const row = await fila.message(id);
    expect(row).toMatchObject({ status: 'enviada', tentativas: 0, provider_message_id: request.messageId });
    expect(row.enviada_em?.toISOString()).toBe(MONDAY_10H.replace('Z', '.000Z'));
    expect(row.processando_desde).toBeNull();
    const { rows } = await fila.db.sql.query(
      `SELECT last_contact_at, contatos_semana, numero_envio FROM leads`,
    );
    expect(rows[0]).toMatchObject({ contatos_semana: 1, numero_envio: request.sendingNumber });
    expect(rows[0].last_contact_at.toISOString()).toBe('2026-03-02T13:00:00.000Z');
  });

  it('counts a send in the local week: a counter of an earlier week starts over, this week adds up', async () => {
    // MONDAY_10H is in the week of Monday 2026-03-02 (São Paulo)
    const lastWeek = await lead(PHONE_A, { contatos_semana: 7, contatos_semana_desde: '2026-02-23' });
    const thisWeek = await lead(PHONE_B, { contatos_semana: 2, contatos_semana_desde: '2026-03-02' });
    const undated = await lead('5511900000003', { contatos_semana: 1 });
    for (const leadId of [lastWeek, thisWeek, undated]) await enqueue(leadId);
    expect(await (await fila.worker()).run()).toMatchObject({ status: 'success', itemsProcessed: 3 });
    const { rows } = await fila.db.sql.query(
      `SELECT id, contatos_semana, to_char(contatos_semana_desde, 'YYYY-MM-DD') AS desde FROM leads`,
    );
    const counter = (id: string) => rows.find((row) => row.id === id);
    expect(counter(lastWeek)).toMatchObject({ contatos_semana: 1, desde: '2026-03-02' });
    expect(counter(thisWeek)).toMatchObject({ contatos_semana: 3, desde: '2026-03-02' });
    // an undated counter is taken as this week's, as temperature_decay does mid-week
    expect(counter(undated)).toMatchObject({ contatos_semana: 2, desde: '2026-03-02' });
  });

  it('sends through the WhatsApp Cloud API with the bearer token and the documented body', async () => {
    const meta = await new FakeMetaServer({ accessToken: 'meta-token', phoneNumberId: '123456' }).start();
    try {
      const id = await enqueue(await lead(PHONE_A), 'Oi');
      const { run } = await fila.worker({
        WHATSAPP_PROVIDER: 'meta',
        META_API_URL: meta.url,
        META_PHONE_NUMBER_ID: '123456',
        META_ACCESS_TOKEN: 'meta-token',
      });
      await run();
      expect(meta.requests).toHaveLength(1);
      expect(meta.requests[0].path).toBe('/123456/messages');
      expect(meta.requests[0].headers.authorization).toBe('Bearer meta-token');
      expect(meta.requests[0].body).toEqual({
        messaging_product: 'whatsapp',
        to: PHONE_A,
        type: 'text',
        text: { body: 'Oi' },
      });
      expect(await fila.message(id)).toMatchObject({
        status: 'enviada',
        provider_message_id: meta.requests[0].messageId,
      });
    } finally {
      await meta.close();
    }
  });

  it('blocks opted-out leads and, outside production, phones not in the allowlist; a lead without phone is erro', async () => {
    const optedOut = await enqueue(await lead(PHONE_A, { opted_out: true }));
    const notAllowed = await enqueue(await lead(PHONE_B));
    const allowed = await enqueue(await lead('5511900000003'));
    const noPhone = await enqueue(await lead(null));
    const { run } = await fila.worker({
      APP_ENV: 'development',
      OUTBOUND_ALLOWLIST: '5511900000003,' + PHONE_A,
    });
    await run();
    expect(await fila.message(optedOut)).toMatchObject({ status: 'bloqueada', erro: 'opted_out' });
    expect(await fila.message(notAllowed)).toMatchObject({ status: 'bloqueada', erro: 'dev_allowlist' });
    expect(await fila.message(allowed)).toMatchObject({ status: 'enviada' });
    expect(await fila.message(noPhone)).toMatchObject({ status: 'erro', tentativas: 0 });
    expect((await fila.message(noPhone)).erro).toMatch(/no_phone/);
    expect(fila.evolution.requests.map((r) => r.recipient)).toEqual(['5511900000003']);
  });

  it('a malformed row ends in erro with the reason and the rest of the batch is sent', async () => {
    const good = await enqueue(await lead(PHONE_A));
    const empty = await enqueue(await lead(PHONE_B), '   ');
    const huge = await enqueue(await lead('5511900000003'), 'x'.repeat(4097));
    const badPhone = await enqueue(await lead('55-11-abc'));
    await fila.worker().then(({ run }) => run());
    expect(await fila.message(good)).toMatchObject({ status: 'enviada' });
    expect((await fila.message(empty)).erro).toMatch(/^empty_text/);
    expect((await fila.message(huge)).erro).toMatch(/^text_too_long/);
    expect((await fila.message(badPhone)).erro).toMatch(/^bad_phone/);
    expect(fila.evolution.requests).toHaveLength(1);
  });

  it('refuses a Brazilian number stored without 55 (it would reach another country); numbers with a country code go', async () => {
    // Porto Alegre, DDD 51: as it is, WhatsApp reads 51987654321 as +51 987 654 321, a Peruvian mobile
    const mobile = await enqueue(await lead('51987654321'));
    const landline = await enqueue(await lead('1133334444'));
    const brazil = await enqueue(await lead('5551987654321'));
    const northAmerica = await enqueue(await lead('12125551234')); // 1 + 212 555 1234: no 9 after "12"
    await fila.worker().then(({ run }) => run());
    for (const id of [mobile, landline]) {
      const row = await fila.message(id);
      expect(row).toMatchObject({ status: 'erro', tentativas: 0 });
      expect(row.erro).toMatch(/^bad_phone: a Brazilian number without the country code 55/);
    }
    expect(await fila.message(brazil)).toMatchObject({ status: 'enviada' });
    expect(await fila.message(northAmerica)).toMatchObject({ status: 'enviada' });
    expect(fila.evolution.requests.map((r) => r.recipient).sort()).toEqual(['12125551234', '5551987654321']);
  });

  it('defers a proactive message outside business hours to the next opening; a reply goes at night', async () => {
    // Friday 2026-03-06 22:00 in São Paulo
    const clock = new FakeClock('2026-03-07T01:00:00Z');
    const proactive = await enqueue(await lead(PHONE_A));
    const reply = await enqueue(await lead(PHONE_B), 'Respondendo sua pergunta', { tipo: 'resposta' });
    await (await fila.worker({}, clock)).run();
    const deferred = await fila.message(proactive);
    expect(deferred).toMatchObject({ status: 'pendente', tentativas: 0, erro: 'outside_business_hours' });
    expect(deferred.agendar_para.toISOString()).toBe('2026-03-09T11:00:00.000Z'); // Monday 08:00 local
    expect(await fila.message(reply)).toMatchObject({ status: 'enviada' });
  });

  it('holds a reply marked horario_comercial (a backlog, not a live conversation) to business hours', async () => {
    // Friday 2026-03-06 22:00 in São Paulo
    const clock = new FakeClock('2026-03-07T01:00:00Z');
    const backlog = await enqueue(await lead(PHONE_A), 'Bom dia, Dra. Ana', {
      tipo: 'resposta',
      metadata: JSON.stringify({ mensagem_fora_horario_id: 'x', horario_comercial: true }),
    });
    const live = await enqueue(await lead(PHONE_B), 'Respondendo', {
      tipo: 'resposta',
      metadata: JSON.stringify({ horario_comercial: 'no' }),
    });
    await (await fila.worker({}, clock)).run();
    const held = await fila.message(backlog);
    expect(held).toMatchObject({ status: 'pendente', tentativas: 0, erro: 'outside_business_hours' });
    expect(held.agendar_para.toISOString()).toBe('2026-03-09T11:00:00.000Z'); // Monday 08:00 local
    expect(await fila.message(live)).toMatchObject({ status: 'enviada' });
    expect(fila.evolution.requests.map((r) => r.recipient)).toEqual([PHONE_B]);
  });

  it('defers what is over the hourly cap to the next local hour without spending an attempt; numbers share the load', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await enqueue(await lead(`55119000000${10 + i}`)));
    await (await fila.worker({ RATE_LIMIT_PER_HOUR: '2', RATE_LIMIT_PER_DAY: '100' })).run();
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    const sent = rows.filter((row) => row.status === 'enviada');
    const waiting = rows.filter((row) => row.status === 'pendente');
    expect(sent).toHaveLength(4); // 2 per hour on each of the two numbers
    expect(new Set(sent.map((row) => row.numero_envio))).toEqual(new Set(['numero1', 'numero2']));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ tentativas: 0, erro: 'hourly_cap' });
    expect(waiting[0].agendar_para.toISOString()).toBe('2026-03-02T14:00:00.000Z');
    expect(fila.evolution.requests).toHaveLength(4);
  });

  it('a sending number listed twice in EVOLUTION_INSTANCE is one number: its hourly cap and spacing still hold', async () => {
    for (let i = 0; i < 8; i++) await enqueue(await lead(`55119000001${10 + i}`));
    const { run, clock } = await fila.worker({
      EVOLUTION_INSTANCE: 'numero1,numero2,numero1',
      RATE_LIMIT_PER_HOUR: '2',
      RATE_LIMIT_PER_DAY: '100',
      RATE_LIMIT_NUMBER_INTERVAL: '60',
    });
    await run();
    // one proactive message per number at a time, 60 s apart, and no more than 2 an hour
    expect(fila.evolution.receivedOn('numero1')).toHaveLength(1);
    for (let minute = 0; minute < 5; minute++) {
      clock.advance(60_000);
      await run();
    }
    expect(fila.evolution.receivedOn('numero1')).toHaveLength(2);
    expect(fila.evolution.receivedOn('numero2')).toHaveLength(2);
  });

  it('keeps RATE_LIMIT_PHONE_INTERVAL between two messages to one phone, without spending an attempt', async () => {
    const leadId = await lead(PHONE_A);
    const first = await enqueue(leadId, 'primeira', { prioridade: 9 });
    const second = await enqueue(leadId, 'segunda');
    const { run, clock } = await fila.worker({ RATE_LIMIT_PHONE_INTERVAL: '45' });
    await run();
    expect(await fila.message(first)).toMatchObject({ status: 'enviada' });
    const waiting = await fila.message(second);
    expect(waiting).toMatchObject({ status: 'pendente', tentativas: 0, erro: 'phone_interval' });
    expect(waiting.agendar_para.getTime()).toBe(clock.now().getTime() + 45_000);

    clock.advance(44_000);
    await run();
    expect(await fila.message(second)).toMatchObject({ status: 'pendente', tentativas: 0 });
    clock.advance(1_000);
    await run();
    expect(await fila.message(second)).toMatchObject({ status: 'enviada', tentativas: 0 });
    expect(fila.evolution.requests.map((request) => (request.body as { text: string }).text)).toEqual([
      'primeira',
      'segunda',
    ]);
  });

  /** The provider takes `ms` of the worker's clock to answer each send; resolves to when each arrived. */
  function providerTaking(clock: FakeClock, ms: number): Array<{ at: Date; to: string | undefined }> {
    const arrivals: Array<{ at: Date; to: string | undefined }> = [];
    fila.evolution.whenReceived((request) => {
      arrivals.push({ at: clock.now(), to: request.recipient });
      clock.advance(ms);
    });
    return arrivals;
  }

  it('asks business hours again for each wave: what a batch passed before closing time but reaches after it waits', async () => {
    // Monday 2026-03-02 19:59:50 in São Paulo, ten seconds before closing
    const clock = new FakeClock('2026-03-02T22:59:50Z');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await enqueue(await lead(`55119000000${10 + i}`), `oferta ${i}`));
    const arrivals = providerTaking(clock, 4_000);
    // two batches of four, claimed (and screened) at 19:59:50; one send at a time, 4 s each
    await (await fila.worker({ QUEUE_BATCH_SIZE: '4', WORKER_CONCURRENCY: '1' }, clock)).run();

    expect(arrivals.map((arrival) => arrival.at.toISOString())).toEqual([
      '2026-03-02T22:59:50.000Z',
      '2026-03-02T22:59:54.000Z',
      '2026-03-02T22:59:58.000Z',
    ]);
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    expect(rows.filter((row) => row.status === 'enviada')).toHaveLength(3);
    const waiting = rows.filter((row) => row.status === 'pendente');
    expect(waiting).toHaveLength(5);
    for (const row of waiting) {
      expect(row).toMatchObject({ tentativas: 0, erro: 'outside_business_hours' });
      expect(row.agendar_para.toISOString()).toBe('2026-03-03T11:00:00.000Z'); // Tuesday 08:00 local
    }
  });

  it('asks about opt-out again when a wave goes: a lead who says PARE while an earlier wave is sent gets nothing', async () => {
    const first = await enqueue(await lead(PHONE_A), 'primeira', { prioridade: 9 });
    const optingOut = await lead(PHONE_B);
    const second = await enqueue(optingOut, 'segunda', { prioridade: 1 });
    // both claimed and screened together; one send at a time, and the first takes 400 ms at the provider
    fila.evolution.respondWith(fakeReply.ok(undefined, 400));
    let optOut: Promise<unknown> | undefined;
    fila.evolution.whenReceived((request) => {
      if (request.recipient === PHONE_A)
        optOut = fila.db.sql.query('UPDATE leads SET opted_out = true WHERE id = $1', [optingOut]);
    });
    await (await fila.worker({ WORKER_CONCURRENCY: '1', EVOLUTION_INSTANCE: 'numero1' })).run();
    await optOut;

    expect(fila.evolution.requests.map((request) => request.recipient)).toEqual([PHONE_A]);
    expect(await fila.message(first)).toMatchObject({ status: 'enviada' });
    expect(await fila.message(second)).toMatchObject({
      status: 'bloqueada',
      erro: 'opted_out',
      tentativas: 0,
      envio_iniciado_em: null,
    });
    const { rows } = await fila.db.sql.query(`SELECT count(*)::int AS marks FROM fila_envios_iniciados`);
    expect(rows[0].marks).toBe(0);
  });

  it('takes the rate limits when a wave goes, not when its batch was claimed: a slow provider cannot shorten the phone interval', async () => {
    const clock = new FakeClock(MONDAY_10H);
    const ids: string[] = [];
    // batch 1: four other phones; batch 2: three others, then PHONE_A; batch 3: PHONE_A again
    for (let i = 0; i < 7; i++) ids.push(await enqueue(await lead(`55119000000${10 + i}`), `outro ${i}`));
    const leadA = await lead(PHONE_A);
    const first = await enqueue(leadA, 'primeira');
    const second = await enqueue(leadA, 'segunda');
    const arrivals = providerTaking(clock, 15_000);
    const worker = await fila.worker(
      { QUEUE_BATCH_SIZE: '4', WORKER_CONCURRENCY: '1', RATE_LIMIT_PHONE_INTERVAL: '45' },
      clock,
    );
    await worker.run();

    const toA = arrivals.filter((arrival) => arrival.to === PHONE_A);
    expect(toA).toHaveLength(1);
    expect(await fila.message(first)).toMatchObject({ status: 'enviada' });
    const waiting = await fila.message(second);
    expect(waiting).toMatchObject({ status: 'pendente', tentativas: 0, erro: 'phone_interval' });
    expect(waiting.agendar_para.getTime()).toBe(toA[0].at.getTime() + 45_000);
    for (const id of ids) expect(await fila.message(id)).toMatchObject({ status: 'enviada' });
  });

  it('a message the provider may have taken keeps its share of the caps and its phone interval; one it refused gives them back', async () => {
    const worker = await fila.worker({
      EVOLUTION_INSTANCE: 'numero1',
      RATE_LIMIT_PER_HOUR: '1',
      RATE_LIMIT_NUMBER_INTERVAL: '0',
      RATE_LIMIT_PHONE_INTERVAL: '45',
    });
    const leadA = await lead(PHONE_A);
    const refused = await enqueue(leadA, 'recusada');
    fila.evolution.respondWith(fakeReply.badRequest());
    await worker.run();
    expect(await fila.message(refused)).toMatchObject({ status: 'erro', tentativas: 1 });

    // the 400 gave back the hour's only share and the phone's interval: this one goes at once
    const taken = await enqueue(leadA, 'aceita, resposta cortada');
    fila.evolution.respondWith(fakeReply.okCutShort('close'));
    await worker.run();
    expect((await fila.message(taken)).erro).toMatch(/may have been delivered/);
    expect(fila.evolution.received(PHONE_A)).toBe(2);

    // WhatsApp counted that one: the hour is used up and PHONE_A waits its interval
    const otherPhone = await enqueue(await lead(PHONE_B), 'outra');
    const samePhone = await enqueue(leadA, 'mesma');
    await worker.run();
    expect(await fila.message(otherPhone)).toMatchObject({
      status: 'pendente',
      tentativas: 0,
      erro: 'hourly_cap',
    });
    expect(await fila.message(samePhone)).toMatchObject({ status: 'pendente', tentativas: 0 });
    expect(fila.evolution.requests).toHaveLength(2);
  });

  it('a send whose connection is refused (the gateway restarting) gives its share back: its retry goes within the hour', async () => {
    const id = await enqueue(await lead(PHONE_A));
    const clock = new FakeClock(MONDAY_10H);
    // two replicas on one Redis: the first meets the gateway down, the second retries once it is up
    const limits = {
      EVOLUTION_INSTANCE: 'numero1',
      RATE_LIMIT_PER_HOUR: '1',
      REDIS_KEY_PREFIX: testRedisPrefix('fila-refused'),
    };
    const down = await fila.worker(
      { ...limits, EVOLUTION_API_URL: await urlOfStoppedServer(new FakeEvolutionServer()) },
      clock,
    );
    await down.run();
    const retry = await fila.message(id);
    expect(retry).toMatchObject({
      status: 'pendente',
      tentativas: 1,
      erro: 'temporary: network error: ECONNREFUSED',
    });

    clock.set(retry.agendar_para); // 10:02, the same local hour
    await (await fila.worker(limits, clock)).run();
    expect(await fila.message(id)).toMatchObject({ status: 'enviada', tentativas: 1 });
  });

  it("spreads a number's proactive messages over the hour (3600 / RATE_LIMIT_PER_HOUR s apart), replies at once", async () => {
    const proactive: string[] = [];
    for (let i = 0; i < 4; i++)
      proactive.push(await enqueue(await lead(`55119000000${20 + i}`), `oferta ${i}`));
    const reply = await enqueue(await lead(PHONE_A), 'resposta', { tipo: 'resposta' });
    // RATE_LIMIT_NUMBER_INTERVAL unset: 20 an hour → one proactive message every 180 s per number
    const { run, clock } = await fila.worker({
      RATE_LIMIT_PER_HOUR: '20',
      RATE_LIMIT_PER_DAY: '100',
      RATE_LIMIT_NUMBER_INTERVAL: '',
    });
    const startedAt = clock.now().getTime();
    await run();
    const first = await Promise.all(proactive.map((id) => fila.message(id)));
    expect(first.map((row) => row.status)).toEqual(['enviada', 'enviada', 'pendente', 'pendente']);
    expect(new Set(first.slice(0, 2).map((row) => row.numero_envio))).toEqual(
      new Set(['numero1', 'numero2']),
    );
    for (const row of first.slice(2)) {
      expect(row).toMatchObject({ tentativas: 0, erro: 'number_interval' });
      expect(row.agendar_para.getTime()).toBe(startedAt + 180_000);
    }
    expect(await fila.message(reply)).toMatchObject({ status: 'enviada', tentativas: 0 });

    clock.advance(179_000);
    await run();
    expect(fila.evolution.requests).toHaveLength(3);
    clock.advance(1_000);
    await run();
    const rows = await Promise.all(proactive.map((id) => fila.message(id)));
    expect(rows.map((row) => row.status)).toEqual(Array(4).fill('enviada'));
    expect(fila.evolution.requests.map((request) => (request.body as { text: string }).text).sort()).toEqual([
      'oferta 0',
      'oferta 1',
      'oferta 2',
      'oferta 3',
      'resposta',
    ]);
  });

  it('retries 429 and 5xx with backoff, then dead-letters at max_tentativas; a 400 is erro at once', async () => {
    const retried = await enqueue(await lead(PHONE_A));
    const rejected = await enqueue(await lead(PHONE_B), 'texto', { prioridade: 1 });
    fila.evolution.respondWith(fakeReply.tooManyRequests(), fakeReply.badRequest());
    const { run, clock } = await fila.worker({ WORKER_CONCURRENCY: '1' });
    await run();
    let row = await fila.message(retried);
    expect(row).toMatchObject({ status: 'pendente', tentativas: 1 });
    const firstDelay = row.agendar_para.getTime() - clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(2 * 60_000);
    expect(firstDelay).toBeLessThanOrEqual(2.4 * 60_000);
    expect(await fila.message(rejected)).toMatchObject({ status: 'erro', tentativas: 1 });
    expect((await fila.message(rejected)).erro).toMatch(/^permanent: HTTP 400/);

    fila.evolution.respondWith(fakeReply.serverError(503));
    clock.set(row.agendar_para);
    await run();
    row = await fila.message(retried);
    expect(row).toMatchObject({ status: 'pendente', tentativas: 2 });
    const secondDelay = row.agendar_para.getTime() - clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(4 * 60_000);
    expect(secondDelay).toBeLessThanOrEqual(4.8 * 60_000);

    fila.evolution.respondWith(fakeReply.serverError(500));
    clock.set(row.agendar_para);
    await run();
    row = await fila.message(retried);
    expect(row).toMatchObject({ status: 'erro', tentativas: 3 });
    expect(row.erro).toMatch(/^dead_letter after 3 attempts: temporary: HTTP 500/);
    expect(fila.evolution.received(PHONE_A)).toBe(3);
  });

  it('a 200 whose reply breaks off mid-body is erro, never sent again: the provider took it', async () => {
    const id = await enqueue(await lead(PHONE_A));
    fila.evolution.respondWith(fakeReply.okCutShort('close'));
    const { run, clock } = await fila.worker({ WORKER_CONCURRENCY: '1' });
    await run();
    const row = await fila.message(id);
    expect(row).toMatchObject({ status: 'erro', tentativas: 1 });
    expect(row.erro).toMatch(/^permanent: reply cut short after HTTP 200 \(network error: /);
    clock.advance(60 * 60_000);
    await run();
    expect(fila.evolution.received(PHONE_A)).toBe(1);
  });

  it('opens the circuit after 5 consecutive failures: the rest wait 5 minutes without an attempt', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await enqueue(await lead(`55119000001${10 + i}`)));
    fila.evolution.respondAlways(fakeReply.serverError(502));
    await (await fila.worker({ WORKER_CONCURRENCY: '1', EVOLUTION_INSTANCE: 'numero1' })).run();
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    expect(fila.evolution.requests).toHaveLength(5);
    expect(rows.filter((row) => row.tentativas === 1)).toHaveLength(5);
    const deferred = rows.filter((row) => row.erro === 'circuit_open');
    expect(deferred).toHaveLength(3);
    for (const row of deferred) {
      expect(row).toMatchObject({ status: 'pendente', tentativas: 0 });
      expect(row.agendar_para.toISOString()).toBe('2026-03-02T13:05:00.000Z');
    }
  });

  it("a 429 with Retry-After holds its sending number until then: the number's other messages wait without an attempt, then go", async () => {
    const throttled = await enqueue(await lead(PHONE_A), 'texto', { prioridade: 9 });
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push(await enqueue(await lead(`55119000008${10 + i}`)));
    // as a throttled number answers: every request refused until the time it gave
    fila.evolution.respondAlways(fakeReply.tooManyRequests('600'));
    const { run, clock } = await fila.worker({ WORKER_CONCURRENCY: '1', EVOLUTION_INSTANCE: 'numero1' });
    const retryAt = new Date(clock.now().getTime() + 600_000);
    await run();

    expect(fila.evolution.requests).toHaveLength(1);
    expect(await fila.message(throttled)).toMatchObject({ status: 'pendente', tentativas: 1 });
    expect((await fila.message(throttled)).agendar_para.getTime()).toBeGreaterThanOrEqual(retryAt.getTime());
    for (const row of await Promise.all(others.map((id) => fila.message(id)))) {
      expect(row).toMatchObject({ status: 'pendente', tentativas: 0, erro: 'circuit_open' });
      expect(row.agendar_para).toEqual(retryAt);
    }

    clock.set(new Date(retryAt.getTime() - 1_000));
    await run();
    expect(fila.evolution.requests).toHaveLength(1);

    fila.evolution.respondAlways(fakeReply.ok());
    clock.set(retryAt);
    await run();
    const rows = await Promise.all([throttled, ...others].map((id) => fila.message(id)));
    expect(rows.map((row) => row.status)).toEqual(Array(4).fill('enviada'));
    expect(fila.evolution.requests).toHaveLength(5);
  });

  it('a wave larger than the 64 provider connections: once the circuit opens, the sends still waiting for a connection are not made', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 80; i++)
      ids.push(await enqueue(await lead(`551190002${String(i).padStart(4, '0')}`)));
    fila.evolution.respondAlways(fakeReply.hang());
    const { run } = await fila.worker({
      WORKER_CONCURRENCY: '80',
      EVOLUTION_INSTANCE: 'numero1',
      PROVIDER_TIMEOUT_SECONDS: '1',
    });
    await run();
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    const attempted = rows.filter((row) => row.tentativas === 1);
    const withdrawn = rows.filter((row) => row.erro === 'circuit_open');
    // the first 64 timed out; a few queued sends may get a freed connection before the fifth failure is
    // counted, every other one was withdrawn before a byte left
    expect(fila.evolution.requests.length).toBeGreaterThanOrEqual(64);
    expect(fila.evolution.requests.length).toBeLessThan(80);
    expect(attempted).toHaveLength(fila.evolution.requests.length);
    expect(withdrawn).toHaveLength(80 - fila.evolution.requests.length);
    for (const row of attempted)
      expect(row).toMatchObject({ status: 'pendente', erro: expect.stringMatching(/timeout/) });
    for (const row of withdrawn) expect(row).toMatchObject({ status: 'pendente', tentativas: 0 });
  });

  it("two lanes over the 64 provider connections: once the circuit opens, neither lane's waiting sends are made", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++)
      ids.push(await enqueue(await lead(`551190006${String(i).padStart(4, '0')}`)));
    fila.evolution.respondAlways(fakeReply.hang());
    const { run } = await fila.worker({
      WORKER_CONCURRENCY: '160',
      QUEUE_BATCH_SIZE: '100',
      EVOLUTION_INSTANCE: 'numero1',
      PROVIDER_TIMEOUT_SECONDS: '1',
    });
    await run();
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    const attempted = rows.filter((row) => row.tentativas === 1);
    // two waves of 80 for 64 connections: the first 64 timed out, a few more may slip out before the fifth
    // failure is counted; the other lane's waiting sends are withdrawn too, not handed the freed connections
    expect(fila.evolution.requests.length).toBeGreaterThanOrEqual(64);
    expect(fila.evolution.requests.length).toBeLessThan(80);
    expect(attempted).toHaveLength(fila.evolution.requests.length);
    for (const row of rows.filter((row) => row.tentativas === 0))
      expect(row).toMatchObject({ status: 'pendente', erro: 'circuit_open' });
  });

  /**
   * Five messages of leads on numero1, sent first, that numero1 refuses (429: no share of the caps is
   * kept, so it stays the least-used number) until its circuit opens; resolves to their ids.
   */
  async function numero1Refusing(): Promise<string[]> {
    fila.evolution.respondAlwaysOn('numero1', fakeReply.tooManyRequests());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const leadId = await lead(`55119000003${10 + i}`, { numero_envio: 'numero1' });
      ids.push(await enqueue(leadId, 'texto', { prioridade: 9 }));
    }
    return ids;
  }

  it("a lead whose own number's circuit is open waits for it there, without an attempt: its conversation stays on one number", async () => {
    await numero1Refusing();
    const pinnedLead = await lead(PHONE_A, { numero_envio: 'numero1' });
    const pinned = await enqueue(pinnedLead, 'texto', { prioridade: 5 });
    await (await fila.worker({ WORKER_CONCURRENCY: '1' })).run();

    expect(fila.evolution.receivedOn('numero1')).toHaveLength(5);
    expect(fila.evolution.receivedOn('numero2')).toHaveLength(0);
    expect(await fila.message(pinned)).toMatchObject({
      status: 'pendente',
      tentativas: 0,
      erro: 'circuit_open',
    });
    const { rows } = await fila.db.sql.query(`SELECT numero_envio FROM leads WHERE id = $1`, [pinnedLead]);
    expect(rows).toEqual([{ numero_envio: 'numero1' }]);
  });

  it('never picks a number whose circuit is open as the least used: the other number sends', async () => {
    await numero1Refusing();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(await enqueue(await lead(`55119000004${10 + i}`), 'texto', { prioridade: 1 }));
    await (await fila.worker({ WORKER_CONCURRENCY: '1', RATE_LIMIT_NUMBER_INTERVAL: '0' })).run();

    expect(fila.evolution.receivedOn('numero1')).toHaveLength(5);
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    expect(rows.map((row) => [row.status, row.numero_envio, row.erro])).toEqual(
      Array(3).fill(['enviada', 'numero2', null]),
    );
  });

  /** Rows that had one attempt: back to `pendente` after the first backoff step (2 min plus jitter). */
  function expectRetriedOnce(rows: QueueMessageRow[], now: Date, reason: RegExp): void {
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'pendente', tentativas: 1, erro: expect.stringMatching(reason) });
      const delay = row.agendar_para.getTime() - now.getTime();
      expect(delay).toBeGreaterThanOrEqual(2 * 60_000);
      expect(delay).toBeLessThanOrEqual(2.4 * 60_000);
    }
  }

  it('an instance whose WhatsApp socket is down (400 "Connection Closed") fails the number, not the messages: its circuit opens after 5', async () => {
    fila.evolution.respondAlwaysOn(
      'numero1',
      fakeReply.badRequest({
        status: 400,
        error: 'Bad Request',
        response: { message: ['Error: Connection Closed'] },
      }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(await enqueue(await lead(`55119000005${10 + i}`, { numero_envio: 'numero1' })));
    const { run, clock } = await fila.worker({ WORKER_CONCURRENCY: '1' });
    await run();

    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    expect(fila.evolution.requests).toHaveLength(5);
    expectRetriedOnce(
      rows.filter((row) => row.tentativas > 0),
      clock.now(),
      /^temporary: HTTP 400: .*Connection Closed/,
    );
    expect(rows.filter((row) => row.tentativas > 0)).toHaveLength(5);
    const waiting = rows.filter((row) => row.erro === 'circuit_open');
    expect(waiting).toHaveLength(3);
    for (const row of waiting) expect(row).toMatchObject({ status: 'pendente', tentativas: 0 });
  });

  it.each([
    ['an expired token (401, code 190)', 'expired-token', undefined],
    [
      'a locked account (403, code 131031)',
      'meta-token',
      fakeReply.status(403, {
        error: { message: '(#131031) Business Account locked', type: 'OAuthException', code: 131031 },
      }),
    ],
  ])(
    'the Cloud API refusing %s fails the number, not the backlog: the circuit opens after 5, the rest wait',
    async (_name, token, refusal) => {
      const meta = await new FakeMetaServer({ accessToken: 'meta-token', phoneNumberId: '123456' }).start();
      if (refusal !== undefined) meta.respondAlways(refusal);
      try {
        const ids: string[] = [];
        for (let i = 0; i < 8; i++) ids.push(await enqueue(await lead(`55119000007${10 + i}`)));
        const { run, clock } = await fila.worker({
          WHATSAPP_PROVIDER: 'meta',
          META_API_URL: meta.url,
          META_PHONE_NUMBER_ID: '123456',
          META_ACCESS_TOKEN: token,
          WORKER_CONCURRENCY: '1',
        });
        await run();

        const rows = await Promise.all(ids.map((id) => fila.message(id)));
        expect(meta.requests).toHaveLength(5);
        const attempted = rows.filter((row) => row.tentativas > 0);
        expect(attempted).toHaveLength(5);
        expectRetriedOnce(attempted, clock.now(), /^temporary: HTTP 40[13]: /);
        expect(rows.filter((row) => row.erro === 'circuit_open')).toHaveLength(3);
        expect(rows.filter((row) => row.status !== 'pendente')).toEqual([]);
      } finally {
        await meta.close();
      }
    },
  );

  it('an instance deleted on the gateway (404) gets unpinned messages only until its circuit opens; the healthy number sends them all', async () => {
    fila.evolution.respondAlwaysOn(
      'numero1',
      fakeReply.status(404, {
        status: 404,
        error: 'Not Found',
        response: { message: ['The "numero1" instance does not exist'] },
      }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await enqueue(await lead(`55119000006${10 + i}`)));
    const { run, clock } = await fila.worker({ WORKER_CONCURRENCY: '1' });
    await run();

    // its refusals give their caps back, so numero1 looks least used until its circuit opens
    expect(fila.evolution.receivedOn('numero1')).toHaveLength(5);
    let rows = await Promise.all(ids.map((id) => fila.message(id)));
    const retried = rows.filter((row) => row.tentativas > 0);
    expect(retried).toHaveLength(5);
    expectRetriedOnce(retried, clock.now(), /^temporary: HTTP 404: .*instance does not exist/);
    expect(rows.filter((row) => row.status === 'enviada').map((row) => row.numero_envio)).toEqual(
      Array(3).fill('numero2'),
    );

    // their retries come while numero1's circuit is still open: numero2 takes them too
    clock.set(new Date(Math.max(...retried.map((row) => row.agendar_para.getTime()))));
    await run();
    rows = await Promise.all(ids.map((id) => fila.message(id)));
    expect(rows.map((row) => [row.status, row.numero_envio])).toEqual(Array(8).fill(['enviada', 'numero2']));
    expect(fila.evolution.receivedOn('numero1')).toHaveLength(5);
  });

  it('keeps claiming while batches come back full, and two replicas never send a row twice', async () => {
    const leadIds: string[] = [];
    for (let i = 0; i < 30; i++) leadIds.push(await lead(`551190001${String(i).padStart(4, '0')}`));
    await fila.db.sql.query(
      `INSERT INTO fila_mensagens (lead_id, conteudo, tipo, agendar_para)
       SELECT ($1::uuid[])[1 + (g % 30)], 'mensagem ' || g, 'oferta', '2026-03-02T12:00:00Z' FROM generate_series(1, 330) g`,
      [leadIds],
    );
    const a = await fila.worker();
    const b = await fila.worker();
    const [first, second] = await Promise.all([a.run(), b.run()]);
    expect(first.itemsProcessed + second.itemsProcessed).toBe(330);
    expect(fila.evolution.requests).toHaveLength(330);
    const texts = fila.evolution.requests.map((request) => (request.body as { text: string }).text);
    expect(new Set(texts).size).toBe(330);
    const { rows } = await fila.db.sql.query(
      `SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY status`,
    );
    expect(rows).toEqual([{ status: 'enviada', n: 330 }]);
  });

  it("never claims the rows of another replica's claim still in progress: it skips them, it does not wait and take them too", async () => {
    // the two replicas above rarely claim at the same instant; here replica A's claim is caught mid-statement
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await enqueue(await lead(`55119000005${10 + i}`), `mensagem ${i}`));
    const takenByA = ids.slice(0, 3);
    const { run } = await fila.worker();
    const replicaA = new Client({ connectionString: fila.db.url });
    await replicaA.connect();
    try {
      await replicaA.query('BEGIN');
      await replicaA.query(
        `UPDATE fila_mensagens SET status = 'processando', processando_desde = $2 WHERE id = ANY($1::uuid[])`,
        [takenByA, MONDAY_10H],
      );
      let settled = false;
      const runOfB = run().finally(() => (settled = true));
      const waitingOnA = async () => {
        const { rows } = await fila.db.sql.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [fila.db.name],
        );
        return rows[0].n > 0;
      };
      await waitUntil(
        'replica B to finish or wait on A',
        async () => settled || (await waitingOnA()),
        10_000,
        20,
      );
      await replicaA.query('COMMIT');
      expect(await runOfB).toMatchObject({ status: 'success', itemsProcessed: 3 });
    } finally {
      await replicaA.end();
    }
    expect(fila.evolution.requests.map((request) => (request.body as { text: string }).text).sort()).toEqual([
      'mensagem 3',
      'mensagem 4',
      'mensagem 5',
    ]);
    for (const id of takenByA) expect(await fila.message(id)).toMatchObject({ status: 'processando' });
  });

  it('claims QUEUE_BATCH_SIZE rows at a time; every batch is written, lead counters too, before the run ends', async () => {
    const leadId = await lead(PHONE_A);
    for (let i = 0; i < 10; i++) await enqueue(leadId, `mensagem ${i}`);
    const { run } = await fila.worker({ QUEUE_BATCH_SIZE: '4' });
    const outcome = await run();
    expect(outcome).toMatchObject({ status: 'success', itemsProcessed: 10, details: { batches: 3 } });
    expect(fila.evolution.requests).toHaveLength(10);
    const { rows } = await fila.db.sql.query(
      `SELECT status, count(*)::int AS n FROM fila_mensagens GROUP BY status`,
    );
    expect(rows).toEqual([{ status: 'enviada', n: 10 }]);
    const { rows: leads } = await fila.db.sql.query(`SELECT contatos_semana FROM leads WHERE id = $1`, [
      leadId,
    ]);
    expect(leads[0].contatos_semana).toBe(10);
  });

  it('a final write that fails fails the run; its rows stay processando, named by a send-started mark, for the reaper', async () => {
    const leadId = await lead(PHONE_A);
    const ids = [await enqueue(leadId, 'um'), await enqueue(leadId, 'dois')];
    await fila.db.sql.query(`
      CREATE FUNCTION reject_sent_rows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.status = 'enviada' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER reject_sent BEFORE UPDATE ON fila_mensagens FOR EACH ROW EXECUTE FUNCTION reject_sent_rows();`);
    try {
      const outcome = await (await fila.worker({ QUEUE_BATCH_SIZE: '4' })).run();
      expect(outcome.status).toBe('error');
      expect(fila.evolution.requests).toHaveLength(2);
    } finally {
      await fila.db.sql.query('DROP TRIGGER reject_sent ON fila_mensagens; DROP FUNCTION reject_sent_rows()');
    }
    const { rows } = await fila.db.sql.query(
      `SELECT status, EXISTS (SELECT 1 FROM fila_envios_iniciados m WHERE f.id = ANY(m.fila_ids)) AS started
         FROM fila_mensagens f WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).toEqual([
      { status: 'processando', started: true },
      { status: 'processando', started: true },
    ]);
  });

  it('reclaims rows a dead replica left in processando; one whose send had started is flagged, not re-sent', async () => {
    const neverSent = await enqueue(await lead(PHONE_A));
    const maybeSent = await enqueue(await lead(PHONE_B));
    const atLimit = await enqueue(await lead('5511900000003'), 'x', { tentativas: 2 });
    const stuckSince = '2026-03-02T12:50:00Z'; // older than JOB_TIMEOUT (300 s) + 60 s
    await fila.db.sql.query(`UPDATE fila_mensagens SET status = 'processando', processando_desde = $1`, [
      stuckSince,
    ]);
    await fila.db.sql.query(`UPDATE fila_mensagens SET envio_iniciado_em = $1 WHERE id = $2`, [
      stuckSince,
      maybeSent,
    ]);
    // past JOB_TIMEOUT but not its 60 s margin: its replica may still be finishing it
    const recent = await enqueue(await lead('5511900000004'));
    await fila.db.sql.query(
      `UPDATE fila_mensagens SET status = 'processando', processando_desde = '2026-03-02T12:54:30Z' WHERE id = $1`,
      [recent],
    );
    const { run } = await fila.worker();
    const outcome = await run();
    expect(outcome.details).toMatchObject({ reclaimed: { requeued: 1, deadLettered: 1, unknown: 1 } });
    expect(await fila.message(recent)).toMatchObject({ status: 'processando', tentativas: 0 });
    expect(await fila.message(neverSent)).toMatchObject({ status: 'enviada', tentativas: 1 });
    const flagged = await fila.message(maybeSent);
    expect(flagged).toMatchObject({ status: 'erro', tentativas: 1 });
    expect(flagged.erro).toMatch(/^send_outcome_unknown/);
    expect((await fila.message(atLimit)).status).toBe('erro');
    expect(fila.evolution.requests.map((request) => request.recipient)).toEqual([PHONE_A]);
  });

  it('reclaim reads the send-started marks: named since its claim → flagged with the mark; named only before → requeued', async () => {
    const markedSinceClaim = await enqueue(await lead(PHONE_A));
    const markedBeforeClaim = await enqueue(await lead(PHONE_B));
    const claimedAt = '2026-03-02T12:50:00Z'; // older than JOB_TIMEOUT (300 s) + 60 s
    await fila.db.sql.query(`UPDATE fila_mensagens SET status = 'processando', processando_desde = $1`, [
      claimedAt,
    ]);
    await fila.db.sql.query(
      `INSERT INTO fila_envios_iniciados (iniciado_em, fila_ids, numeros_envio)
       VALUES ('2026-03-02T12:50:05Z', ARRAY[$1]::uuid[], ARRAY['numero2']),
              ('2026-03-02T12:40:00Z', ARRAY[$2]::uuid[], ARRAY['numero1'])`,
      [markedSinceClaim, markedBeforeClaim],
    );

    const outcome = await (await fila.worker()).run();

    expect(outcome.details).toMatchObject({ reclaimed: { requeued: 1, deadLettered: 0, unknown: 1 } });
    const flagged = await fila.message(markedSinceClaim);
    expect(flagged).toMatchObject({
      status: 'erro',
      tentativas: 1,
      envio_iniciado_em: new Date('2026-03-02T12:50:05Z'),
      numero_envio: 'numero2',
    });
    expect(flagged.erro).toMatch(/^send_outcome_unknown/);
    // a mark from an earlier claim of the row says nothing about this one: requeued, then sent
    expect(await fila.message(markedBeforeClaim)).toMatchObject({ status: 'enviada', tentativas: 1 });
    expect(fila.evolution.requests.map((request) => request.recipient)).toEqual([PHONE_B]);
    // the dead replica's marks are used, then deleted; the run's own marks end with their waves
    const { rows } = await fila.db.sql.query(`SELECT count(*)::int AS n FROM fila_envios_iniciados`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('a stuck row another session holds during a reclaim keeps its send-started mark for the next one: flagged, never re-sent', async () => {
    const maybeSent = await enqueue(await lead(PHONE_A));
    const claimedAt = '2026-03-02T12:50:00Z'; // older than JOB_TIMEOUT (300 s) + 60 s
    await fila.db.sql.query(`UPDATE fila_mensagens SET status = 'processando', processando_desde = $1`, [
      claimedAt,
    ]);
    await fila.db.sql.query(
      `INSERT INTO fila_envios_iniciados (iniciado_em, fila_ids, numeros_envio)
       VALUES ('2026-03-02T12:50:05Z', ARRAY[$1]::uuid[], ARRAY['numero1'])`,
      [maybeSent],
    );
    const { run } = await fila.worker();
    const holder = new Client({ connectionString: fila.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM fila_mensagens WHERE id = $1 FOR UPDATE', [maybeSent]);
      // the reaper skips the row it cannot lock
      expect((await run()).details).toMatchObject({
        reclaimed: { requeued: 0, deadLettered: 0, unknown: 0 },
      });
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }

    expect((await run()).details).toMatchObject({ reclaimed: { requeued: 0, deadLettered: 0, unknown: 1 } });
    const flagged = await fila.message(maybeSent);
    expect(flagged).toMatchObject({ status: 'erro', numero_envio: 'numero1' });
    expect(flagged.erro).toMatch(/^send_outcome_unknown/);
    expect(fila.evolution.requests).toHaveLength(0);
  });

  it('a sent message keeps when its send started and the number it went through', async () => {
    const id = await enqueue(await lead(PHONE_A));
    const worker = await fila.worker();
    await worker.run();
    const sent = await fila.message(id);
    expect(sent).toMatchObject({ status: 'enviada', envio_iniciado_em: worker.clock.now() });
    expect(sent.numero_envio).toEqual(expect.any(String));
  });

  it('cancels campaign rows pending for more than 24 h; younger ones and other kinds are sent', async () => {
    // now is MONDAY_10H, 2026-03-02T13:00Z
    const old = await enqueue(await lead(PHONE_A), 'promo', {
      tipo: 'campanha',
      created_at: '2026-03-01T12:30:00Z',
    });
    const fresh = await enqueue(await lead(PHONE_B), 'promo', {
      tipo: 'campanha',
      created_at: '2026-03-01T13:30:00Z',
    });
    const oldOffer = await enqueue(await lead('5511900000003'), 'plantão', {
      created_at: '2026-02-27T12:00:00Z',
    });
    await (await fila.worker()).run();
    expect(await fila.message(old)).toMatchObject({ status: 'cancelada', erro: 'expired' });
    expect(await fila.message(fresh)).toMatchObject({ status: 'enviada' });
    expect(await fila.message(oldOffer)).toMatchObject({ status: 'enviada' });
  });

  it('with Redis unreachable sends nothing, loses nothing, reports stale, and sends once it is back', async () => {
    const id = await enqueue(await lead(PHONE_A));
    const down = await fila.worker({ REDIS_URL: 'redis://127.0.0.1:1' });
    const report = await down.context.get(FilaRepository).claim(10, down.clock.now());
    expect(report).toHaveLength(1);
    await fila.db.sql.query(`UPDATE fila_mensagens SET status = 'pendente', processando_desde = NULL`);
    // straight through the service: the runner itself needs Redis for its lock
    const result = await down.context.get(FilaService).processQueue(jobContext(down.clock));
    expect(result.details).toMatchObject({ released: 1 });
    expect(String(result.details?.paused)).toMatch(/rate limiter unavailable/);
    expect(await down.context.get(FilaHealth).state()).toBe('stale');
    expect(down.context.get(FilaHealth).reason()).toMatch(/^sending paused: Redis unreachable/);
    expect(await fila.message(id)).toMatchObject({ status: 'pendente', tentativas: 0 });
    expect(fila.evolution.requests).toHaveLength(0);
    await (await fila.worker()).run();
    expect(await fila.message(id)).toMatchObject({ status: 'enviada' });
  }, 20_000);

  it("health follows the cluster's last poll: a poll paused by Redis is stale on every replica, until any replica's poll sends again", async () => {
    const redis = await new PrivateRedis().start();
    try {
      const clock = new FakeClock(MONDAY_10H);
      const flaky = await fila.worker({ REDIS_URL: redis.url }, clock);
      const steady = await fila.worker({}, clock);
      const id = await enqueue(await lead(PHONE_A));
      await redis.stop();
      expect(await flaky.run()).toMatchObject({ status: 'success', details: { released: 1 } });
      expect(await steady.context.get(FilaHealth).state()).toBe('stale');
      expect(steady.context.get(FilaHealth).reason()).toMatch(/^sending paused: rate limiter unavailable/);

      await redis.start();
      await waitUntil('the replica reconnected', () => flaky.context.get(RedisService).isReady(), 15_000, 50);
      // no poll has sent since: still paused, as far as anyone knows
      expect(await flaky.context.get(FilaHealth).state()).toBe('stale');
      // another replica wins the next tick and sends: the replica whose poll paused is healthy too
      expect(await steady.run()).toMatchObject({ status: 'success', itemsProcessed: 1 });
      expect(await fila.message(id)).toMatchObject({ status: 'enviada' });
      expect(await flaky.context.get(FilaHealth).state()).toBe('healthy');
      expect(flaky.context.get(FilaHealth).reason()).toBeNull();
    } finally {
      await redis.dispose();
    }
  }, 30_000);

  it('health is the same on every replica: healthy after any replica polled, stale when polls stop', async () => {
    const clock = new FakeClock(MONDAY_10H);
    const polling = await fila.worker({ QUEUE_POLL_INTERVAL: '30', JOB_TIMEOUT: '60' }, clock);
    const idle = await fila.worker({ QUEUE_POLL_INTERVAL: '30', JOB_TIMEOUT: '60' }, clock);
    await polling.run();
    clock.advance(100_000); // under 3 × 30 s + 60 s since the last successful poll
    expect(await idle.context.get(FilaHealth).state()).toBe('healthy');
    clock.advance(60_000);
    expect(await idle.context.get(FilaHealth).state()).toBe('stale');
    expect(idle.context.get(FilaHealth).reason()).toMatch(/^no queue poll succeeded since /);
    await polling.run();
    expect(await idle.context.get(FilaHealth).state()).toBe('healthy');
  });

  it('health says paused (not stale, so no 503) while an operator has paused process_queue', async () => {
    const clock = new FakeClock(MONDAY_10H);
    const replica = await fila.worker({ QUEUE_POLL_INTERVAL: '30', JOB_TIMEOUT: '60' }, clock);
    await replica.context.get(JobControlService).pause(JobNames.processQueue, 'admin');
    clock.advance(600_000); // no poll for far longer than 3 × 30 s + 60 s
    const health = replica.context.get(FilaHealth);
    expect(await health.state()).toBe('paused');
    expect(health.reason()).toMatch(/^process_queue paused by admin since \d{4}-/);
    await replica.context.get(JobControlService).resume(JobNames.processQueue, 'admin');
    expect(await health.state()).toBe('stale');
  });

  // batches larger than the queue: one lane, so what is in flight is exactly one wave
  it.each([
    ['finishes the wave in flight', { rows: 30, concurrency: 5, batch: 40, replyMs: 100, sent: 5 }],
    // a wave of 80 over 64 provider connections: the 16 sends waiting for one have not left, and go back too
    ['finishes the sends in flight', { rows: 100, concurrency: 80, batch: 200, replyMs: 300, sent: 64 }],
  ])('on shutdown %s, puts the rest back untouched and ends as a success', async (_, scenario) => {
    for (let i = 0; i < scenario.rows; i++)
      await enqueue(await lead(`551190003${String(i).padStart(4, '0')}`));
    fila.evolution.respondAlways(fakeReply.ok(undefined, scenario.replyMs));
    const worker = await fila.worker({
      WORKER_CONCURRENCY: String(scenario.concurrency),
      QUEUE_BATCH_SIZE: String(scenario.batch),
    });
    const stopping = new AbortController();
    const running = worker.context.get(FilaService).processQueue(jobContext(worker.clock, stopping.signal));
    await waitUntil('the first wave under way', () => fila.evolution.requests.length > 0, 10_000, 5);
    stopping.abort();
    const result = await running;

    expect(result.details).toMatchObject({ stopped_for_shutdown: true, sent: scenario.sent });
    expect(fila.evolution.requests).toHaveLength(scenario.sent);
    const { rows } = await fila.db.sql.query(
      `SELECT status, tentativas, erro, count(*)::int AS n FROM fila_mensagens GROUP BY 1, 2, 3 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { status: 'enviada', tentativas: 0, erro: null, n: scenario.sent },
      { status: 'pendente', tentativas: 0, erro: null, n: scenario.rows - scenario.sent },
    ]);
    const { rows: marks } = await fila.db.sql.query(`SELECT count(*)::int AS n FROM fila_envios_iniciados`);
    expect(marks).toEqual([{ n: 0 }]);
  });

  it('a row put back untouched keeps why it was last retried: its erro is not wiped', async () => {
    const id = await enqueue(await lead(PHONE_A), 'Olá', {
      tentativas: 1,
      erro: 'temporary: HTTP 503: Service Unavailable',
    });
    const worker = await fila.worker();
    const stopping = new AbortController();
    stopping.abort(); // the deploy's SIGTERM came as the run claimed its batch
    const result = await worker.context
      .get(FilaService)
      .processQueue(jobContext(worker.clock, stopping.signal));

    expect(result.details).toMatchObject({ released: 1, stopped_for_shutdown: true });
    expect(await fila.message(id)).toMatchObject({
      status: 'pendente',
      tentativas: 1,
      erro: 'temporary: HTTP 503: Service Unavailable',
    });
  });

  it('with a backlog, two lanes share WORKER_CONCURRENCY: never more sends open at the provider, each row sent once', async () => {
    for (let i = 0; i < 60; i++) await enqueue(await lead(`551190004${String(i).padStart(4, '0')}`));
    fila.evolution.respondAlways(fakeReply.ok(undefined, 40));
    const worker = await fila.worker({ WORKER_CONCURRENCY: '6', QUEUE_BATCH_SIZE: '10' });
    const result = await worker.context.get(FilaService).processQueue(jobContext(worker.clock));

    expect(result.details).toMatchObject({ sent: 60, batches: 6 });
    expect(fila.evolution.peakOpen).toBeLessThanOrEqual(6);
    expect(fila.evolution.requests).toHaveLength(60);
    expect(new Set(fila.evolution.requests.map((request) => request.recipient)).size).toBe(60);
    const { rows: marks } = await fila.db.sql.query(`SELECT count(*)::int AS n FROM fila_envios_iniciados`);
    expect(marks).toEqual([{ n: 0 }]);
  });

  it("on shutdown with two lanes sending, finishes both lanes' sends in flight and puts the rest back untouched", async () => {
    for (let i = 0; i < 40; i++) await enqueue(await lead(`551190005${String(i).padStart(4, '0')}`));
    fila.evolution.respondAlways(fakeReply.ok(undefined, 200));
    const worker = await fila.worker({ WORKER_CONCURRENCY: '6', QUEUE_BATCH_SIZE: '10' });
    const stopping = new AbortController();
    const running = worker.context.get(FilaService).processQueue(jobContext(worker.clock, stopping.signal));
    // both lanes' first waves (3 sends each) reached the provider
    await waitUntil('both lanes under way', () => fila.evolution.requests.length >= 6, 10_000, 5);
    stopping.abort();
    const result = await running;

    const sent = fila.evolution.requests.length;
    expect(sent).toBeLessThanOrEqual(12);
    expect(fila.evolution.peakOpen).toBeLessThanOrEqual(6);
    expect(result.details).toMatchObject({ stopped_for_shutdown: true, sent });
    const { rows } = await fila.db.sql.query(
      `SELECT status, tentativas, erro, count(*)::int AS n FROM fila_mensagens GROUP BY 1, 2, 3 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { status: 'enviada', tentativas: 0, erro: null, n: sent },
      { status: 'pendente', tentativas: 0, erro: null, n: 40 - sent },
    ]);
    const { rows: marks } = await fila.db.sql.query(`SELECT count(*)::int AS n FROM fila_envios_iniciados`);
    expect(marks).toEqual([{ n: 0 }]);
  });

  it('re-drives chosen dead letters with their attempts reset', async () => {
    const dead = await enqueue(await lead(PHONE_A), 'x', {
      status: 'erro',
      tentativas: 3,
      erro: 'dead_letter',
    });
    const other = await enqueue(await lead(PHONE_B), 'y', {
      status: 'erro',
      tentativas: 3,
      erro: 'dead_letter',
    });
    const { context, clock, run } = await fila.worker();
    expect(await context.get(FilaRepository).redrive([dead], clock.now())).toBe(1);
    await run();
    expect(await fila.message(dead)).toMatchObject({ status: 'enviada', tentativas: 0 });
    expect(await fila.message(other)).toMatchObject({ status: 'erro', tentativas: 3 });
  });
});

/** what the runner hands process_queue, for runs made straight through the service */
function jobContext(clock: Clock, stopping = new AbortController().signal): JobContext {
  return {
    jobName: 'process_queue',
    executionId: 'test',
    trigger: 'manual',
    signal: new AbortController().signal,
    stopping,
    logger: new JobLogger('process_queue', 'test'),
    clock,
  };
}
