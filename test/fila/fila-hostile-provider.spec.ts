import { fakeReply } from '../fakes/fake-reply';
import { useFilaHarness } from '../utils/fila-harness';

const PHONE_A = '5511900000001';
const PHONE_B = '5511900000002';

/** What a provider (or something between it and us) can answer that no API documents. */
describe('fila_worker against a provider that answers oddly (real PostgreSQL, Redis and fake providers)', () => {
  const fila = useFilaHarness({
    database: 'fila_hostile_provider',
    redisLabel: 'fila-hostile',
    env: { RATE_LIMIT_PER_HOUR: '1000', RATE_LIMIT_PER_DAY: '10000' },
  });

  const enqueue = async (telefone: string) =>
    fila.enqueue({ lead_id: await fila.lead(telefone), conteudo: 'Plantão UTI sábado 19h' });

  it('a reply with NUL bytes (a binary or compressed error page) fails its own message, not the wave it was sent in', async () => {
    const refused = await enqueue(PHONE_A);
    const sent = await enqueue(PHONE_B);
    // PostgreSQL text cannot hold U+0000: quoted as it came, it would make the whole wave's write fail
    fila.evolution.respondWith(fakeReply.status(502, '\u001f\u008b\u0008\u0000\u0000\u0000bad\u0000gateway'));
    const { run } = await fila.worker({ EVOLUTION_INSTANCE: 'numero1' });
    expect(await run()).toMatchObject({ status: 'success', itemsProcessed: 1 });
    const [first] = fila.evolution.requests;
    const [refusedRow, sentRow] = await Promise.all(
      (first.recipient === PHONE_A ? [refused, sent] : [sent, refused]).map((id) => fila.message(id)),
    );
    expect(refusedRow).toMatchObject({ status: 'pendente', tentativas: 1 });
    expect(refusedRow.erro).toMatch(/^temporary: HTTP 502: .*bad gateway$/);
    expect(refusedRow.erro).not.toContain('\u0000');
    expect(sentRow).toMatchObject({ status: 'enviada', provider_message_id: expect.any(String) });
  });

  it("a proxy's 404 while the gateway restarts dead-letters nothing: the messages wait and the circuit opens", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await enqueue(`55119000001${10 + i}`));
    // what Traefik answers once the gateway's container is gone: its route went with it
    fila.evolution.respondAlways(fakeReply.status(404, '404 page not found'));
    await (await fila.worker({ WORKER_CONCURRENCY: '1', EVOLUTION_INSTANCE: 'numero1' })).run();
    const rows = await Promise.all(ids.map((id) => fila.message(id)));
    expect(rows.filter((row) => row.status === 'erro')).toEqual([]);
    expect(fila.evolution.requests).toHaveLength(5);
    const retried = rows.filter((row) => row.tentativas === 1);
    expect(retried).toHaveLength(5);
    for (const row of retried)
      expect(row).toMatchObject({ status: 'pendente', erro: 'temporary: HTTP 404: 404 page not found' });
    expect(rows.filter((row) => row.erro === 'circuit_open')).toHaveLength(3);
  });

  it('a long error reply cut inside an emoji is still written: half a character would fail the wave', async () => {
    const retried = await enqueue(PHONE_A);
    // the excerpt keeps 199 characters: the 199th is the first half of the emoji
    fila.evolution.respondWith(fakeReply.status(500, `${'x'.repeat(198)}😀 Plantão não enviado`));
    const { run } = await fila.worker({ WORKER_CONCURRENCY: '1' });
    expect(await run()).toMatchObject({ status: 'success' });
    const row = await fila.message(retried);
    expect(row).toMatchObject({ status: 'pendente', tentativas: 1 });
    expect(row.erro).toMatch(/^temporary: HTTP 500: x{198}…$/);
  });

  it('a 200 whose message id holds a NUL is not an id it can store: erro, never sent again, the wave still written', async () => {
    const odd = await enqueue(PHONE_A);
    const sent = await enqueue(PHONE_B);
    fila.evolution.respondWith(fakeReply.status(200, { key: { id: '3EB0\u0000ABC' } }));
    const { run, clock } = await fila.worker({ EVOLUTION_INSTANCE: 'numero1' });
    expect(await run()).toMatchObject({ status: 'success', itemsProcessed: 1 });
    const [first] = fila.evolution.requests;
    const [oddRow, sentRow] = await Promise.all(
      (first.recipient === PHONE_A ? [odd, sent] : [sent, odd]).map((id) => fila.message(id)),
    );
    expect(oddRow).toMatchObject({ status: 'erro', tentativas: 1, provider_message_id: null });
    expect(oddRow.erro).toBe(
      'permanent: no message id in reply (HTTP 200): the message may have been delivered',
    );
    expect(sentRow).toMatchObject({ status: 'enviada' });
    clock.advance(60 * 60_000);
    await run();
    expect(fila.evolution.requests).toHaveLength(2);
  });
});
