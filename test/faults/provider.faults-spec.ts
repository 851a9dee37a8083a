import type { Client } from 'pg';
import { FakeEvolutionServer } from '../fakes/fake-evolution-server';
import { fakeReply, type FakeReply } from '../fakes/fake-reply';
import { statusCounts, waitUntil } from '../processes/queue-fixture';
import { WorkerFleet, type Worker } from '../processes/worker-fleet';
import { testRedisPrefix } from '../utils/test-context';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../utils/test-database';
import {
  circuitEvents,
  failureOf,
  openWindows,
  requestsByText,
  retryGaps,
  textOf,
  type CircuitEvent,
} from './provider-audit';

// Issue 7, scenario 5: the provider answers 429, then 500, then hangs past the request timeout, then
// recovers, while one `node dist/main` replica sends. The SPEC's minutes are shortened through the
// environment (RETRY_BACKOFF_SECONDS, CIRCUIT_OPEN_SECONDS, ...), so the same code runs in seconds.
//
// Each row is pinned to a sending number (leads.numero_envio) and each number has its own circuit:
// - `circuit`: 30 rows play the phases together; 5 failures open its circuit, probes fail and double the
//   open period, the provider recovers and the circuit closes;
// - `backoff1..4`: one row each, failing three times then accepted. Three failures never open a circuit,
//   so nothing but the backoff decides when these rows come back;
// - `dead1..3`: one row each with max_tentativas 1, 2, 3 and a provider that never accepts: dead letters.
// One replica only: circuits live in each process, so the provider's log of a number is the log of one
// circuit.

const SECOND = 1000;
const BACKOFF_S = [2, 4, 8];
const CIRCUIT_OPEN_S = 4;
const CIRCUIT_MAX_OPEN_S = 12;
const TIMEOUT_S = 2;
const CONCURRENCY = 4;
const FAILURE_THRESHOLD = 5;
/** one machine's clock, whole milliseconds; a hung request's timeout starts just before the fake reads it */
const CLOCK_SLACK_MS = 50;
const IN_FLIGHT_GRACE_MS = 500;

const CIRCUIT = 'circuit';
const CIRCUIT_ROWS = 30;

interface Phase {
  readonly name: string;
  readonly replies: readonly FakeReply[];
  /** the phase ends once the circuit of CIRCUIT has opened this many times */
  readonly untilOpenings: number;
}

const PHASES: readonly Phase[] = [
  {
    // without Retry-After: a 429 that says when to come back holds the number until then at once
    name: '429',
    replies: [fakeReply.tooManyRequests()],
    untilOpenings: 1,
  },
  { name: '500', replies: [fakeReply.serverError()], untilOpenings: 2 },
  { name: 'timeout', replies: [fakeReply.hang()], untilOpenings: 4 },
];
const RECOVERED: readonly FakeReply[] = [fakeReply.ok()];
// 4 s, doubled by the failed probes (500, timeout, timeout) up to 12 s
const EXPECTED_OPEN_MS = [4, 8, 12, 12].map((seconds) => seconds * SECOND);
const EXPECTED_PROBES = ['HTTP 500', 'hang', 'hang', null];

const BACKOFF_SCRIPTS: Readonly<Record<string, readonly FakeReply[]>> = {
  // a Retry-After longer than the backoff wins
  backoff1: [fakeReply.tooManyRequests('5'), fakeReply.serverError(), fakeReply.hang()],
  backoff2: [fakeReply.tooManyRequests(), fakeReply.serverError(503), fakeReply.hang()],
  // a Retry-After shorter than the backoff does not shorten it
  backoff3: [fakeReply.serverError(), fakeReply.tooManyRequests('1'), fakeReply.hang()],
  backoff4: [fakeReply.hang(), fakeReply.tooManyRequests(), fakeReply.serverError(502)],
};

const DEAD_LETTERS: ReadonlyArray<{
  number: string;
  maxTentativas: number;
  reply: FakeReply;
  reason: RegExp;
}> = [
  {
    number: 'dead1',
    maxTentativas: 1,
    reply: fakeReply.tooManyRequests(),
    reason: /^dead_letter after 1 attempts: temporary: HTTP 429/,
  },
  {
    number: 'dead2',
    maxTentativas: 2,
    reply: fakeReply.serverError(),
    reason: /^dead_letter after 2 attempts: temporary: HTTP 500/,
  },
  {
    number: 'dead3',
    maxTentativas: 3,
    reply: fakeReply.hang(),
    reason: new RegExp(`^dead_letter after 3 attempts: temporary: timeout after ${TIMEOUT_S * SECOND} ms`),
  },
];

const NUMBERS = [CIRCUIT, ...Object.keys(BACKOFF_SCRIPTS), ...DEAD_LETTERS.map((dead) => dead.number)];

/** `count` replies (any hour) to new leads pinned to one sending number; texts `<label>-<n>`. */
async function enqueueOn(
  sql: Client,
  rows: { label: string; count: number; sendingNumber: string; maxTentativas: number; firstPhone: number },
): Promise<void> {
  await sql.query(
    `WITH numbered AS (
       SELECT n, '55119' || lpad(($3::int + n)::text, 8, '0') AS telefone FROM generate_series(1, $2::int) AS n
     ), new_leads AS (
       INSERT INTO leads (telefone, nome, numero_envio)
       SELECT telefone, 'Dr. ' || n, $4 FROM numbered RETURNING id, telefone
     )
     INSERT INTO fila_mensagens (lead_id, conteudo, tipo, max_tentativas)
     SELECT l.id, $1 || '-' || n, 'resposta', $5 FROM numbered JOIN new_leads l USING (telefone)`,
    [rows.label, rows.count, rows.firstPhone, rows.sendingNumber, rows.maxTentativas],
  );
}

async function finalRows(
  sql: Client,
): Promise<Map<string, { status: string; erro: string | null; tentativas: number }>> {
  const { rows } = await sql.query<{
    conteudo: string;
    status: string;
    erro: string | null;
    tentativas: number;
  }>(`SELECT conteudo, status, erro, tentativas FROM fila_mensagens`);
  return new Map(rows.map(({ conteudo, ...row }) => [conteudo, row]));
}

async function circuitStates(worker: Worker): Promise<Record<string, number>> {
  const body = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
  const states: Record<string, number> = {};
  for (const match of body.matchAll(/^circuit_state\{provider="evolution",number="([^"]+)"\} (\d+)$/gm))
    states[match[1]] = Number(match[2]);
  return states;
}

describe('provider answering 429, then 500, then timing out, then recovering', () => {
  let db: TestDatabase;
  let evolution: FakeEvolutionServer;
  let fleet: WorkerFleet | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(`faults_provider_${process.pid}`);
    evolution = await new FakeEvolutionServer({ apiKey: 'evo-key', instances: NUMBERS }).start();
  });
  afterAll(async () => {
    await fleet?.stopAll();
    await evolution?.close();
    await db?.drop();
  });

  it('honours the backoff, opens the circuit, doubles it on failed probes and closes it on recovery', async () => {
    evolution.respondAlwaysOn(CIRCUIT, ...PHASES[0].replies);
    for (const [number, script] of Object.entries(BACKOFF_SCRIPTS)) evolution.respondOn(number, ...script);
    for (const dead of DEAD_LETTERS) evolution.respondAlwaysOn(dead.number, dead.reply);

    fleet = await WorkerFleet.start(1, {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: testRedisPrefix('faults-provider'),
      APP_ENV: 'production',
      WHATSAPP_PROVIDER: 'evolution',
      EVOLUTION_API_URL: evolution.url,
      EVOLUTION_API_KEY: 'evo-key',
      EVOLUTION_INSTANCE: NUMBERS.join(','),
      RATE_LIMIT_PER_HOUR: '100000',
      RATE_LIMIT_PER_DAY: '1000000',
      RATE_LIMIT_PHONE_INTERVAL: '0',
      RATE_LIMIT_NUMBER_INTERVAL: '0',
      QUEUE_POLL_INTERVAL: '1',
      JOB_TIMEOUT: '30',
      WORKER_CONCURRENCY: String(CONCURRENCY),
      RETRY_BACKOFF_SECONDS: BACKOFF_S.join(','),
      CIRCUIT_OPEN_SECONDS: String(CIRCUIT_OPEN_S),
      CIRCUIT_MAX_OPEN_SECONDS: String(CIRCUIT_MAX_OPEN_S),
      PROVIDER_TIMEOUT_SECONDS: String(TIMEOUT_S),
    });
    const [worker] = fleet.workers;

    let firstPhone = 0;
    for (const number of Object.keys(BACKOFF_SCRIPTS))
      await enqueueOn(db.sql, {
        label: number,
        count: 1,
        sendingNumber: number,
        maxTentativas: 10,
        firstPhone: firstPhone++,
      });
    for (const dead of DEAD_LETTERS) {
      await enqueueOn(db.sql, {
        label: dead.number,
        count: 1,
        sendingNumber: dead.number,
        maxTentativas: dead.maxTentativas,
        firstPhone: firstPhone++,
      });
    }
    await enqueueOn(db.sql, {
      label: CIRCUIT,
      count: CIRCUIT_ROWS,
      sendingNumber: CIRCUIT,
      maxTentativas: 10,
      firstPhone: 100,
    });
    const enqueuedAt = Date.now();
    const events = () => circuitEvents(worker.process.lines(), CIRCUIT);
    const openings = () => events().filter((event) => event.state === 'open').length;

    // each phase ends while the circuit is open, so the next probe meets the next phase
    const phaseSwitches: Array<{ phase: string; at: number }> = [{ phase: PHASES[0].name, at: enqueuedAt }];
    let metricsWhileOpen: Record<string, number> = {};
    for (const [index, phase] of PHASES.entries()) {
      await waitUntil(
        `circuit opened ${phase.untilOpenings} times`,
        () => openings() >= phase.untilOpenings,
        60_000,
      );
      if (index === 0) metricsWhileOpen = await circuitStates(worker);
      const next = PHASES[index + 1];
      evolution.respondAlwaysOn(CIRCUIT, ...(next?.replies ?? RECOVERED));
      phaseSwitches.push({ phase: next?.name ?? 'recovered', at: Date.now() });
    }
    const recoveredAt = Date.now();
    await waitUntil('circuit closed', () => events().at(-1)?.state === 'closed', 60_000);
    await waitUntil(
      'every row final',
      async () => {
        const counts = await statusCounts(db.sql);
        return !counts.pendente && !counts.processando;
      },
      60_000,
    );
    const allFinalAt = Date.now();
    const metricsAfter = await circuitStates(worker);

    const rows = await finalRows(db.sql);
    const byText = requestsByText(evolution.requests);
    const gaps = retryGaps(
      byText,
      BACKOFF_S.map((seconds) => seconds * SECOND),
      TIMEOUT_S * SECOND,
    );
    const circuit = events();
    const onCircuit = evolution.receivedOn(CIRCUIT).sort((a, b) => a.receivedAt - b.receivedAt);
    const firstOpening = circuit.find(
      (event): event is Extract<CircuitEvent, { state: 'open' }> => event.state === 'open',
    );
    const burst = onCircuit.filter(
      (request) => request.receivedAt <= (firstOpening?.at ?? 0) + IN_FLIGHT_GRACE_MS,
    );
    const windows = openWindows(circuit, onCircuit, IN_FLIGHT_GRACE_MS);
    const closedAt = circuit.at(-1)?.at ?? Number.NaN;
    const accepted = [...byText].map(([text, requests]) => ({
      text,
      accepted: requests.filter((request) => request.answeredWith === 'ok').length,
    }));
    const otherOpenings = NUMBERS.filter((number) => number !== CIRCUIT).flatMap((number) =>
      circuitEvents(worker.process.lines(), number).map((event) => ({ number, ...event })),
    );
    const late = gaps.filter((gap) => gap.observedMs < gap.requiredMs - CLOCK_SLACK_MS);

    const byAttempt = [1, 2, 3, 4, 5].flatMap((attempt) => {
      const ofAttempt = gaps.filter((gap) => gap.attempt === attempt);
      if (!ofAttempt.length) return [];
      const margins = ofAttempt.map((gap) => gap.observedMs - gap.requiredMs);
      return [
        {
          attempt,
          retries: ofAttempt.length,
          configured_backoff_ms: ofAttempt[0].backoffMs,
          min_observed_ms: Math.min(...ofAttempt.map((gap) => gap.observedMs)),
          max_observed_ms: Math.max(...ofAttempt.map((gap) => gap.observedMs)),
          min_margin_over_required_ms: Math.min(...margins),
        },
      ];
    });
    const figures = {
      config: {
        backoff_s: BACKOFF_S,
        circuit_open_s: CIRCUIT_OPEN_S,
        circuit_max_open_s: CIRCUIT_MAX_OPEN_S,
        provider_timeout_s: TIMEOUT_S,
        concurrency: CONCURRENCY,
        rows: rows.size,
      },
      retry_delays_by_attempt: byAttempt,
      // rows whose circuit never opened: only the backoff decided when they came back
      isolated_retries: gaps
        .filter((gap) => !gap.text.startsWith(`${CIRCUIT}-`))
        .map((gap) => ({
          text: gap.text,
          attempt: gap.attempt,
          failed_with: gap.failedWith,
          backoff_ms: gap.backoffMs,
          retry_after_ms: gap.retryAfterMs,
          required_ms: gap.requiredMs,
          observed_ms: gap.observedMs,
          observed_over_required: Number((gap.observedMs / gap.requiredMs).toFixed(3)),
        })),
      retries_earlier_than_backoff: late.length,
      circuit: {
        failures_before_opening: burst.length,
        openings: windows.map((window) => ({
          opened_at: new Date(window.openedAt).toISOString(),
          open_ms: window.openMs,
          quiet_ms: window.quietMs,
          requests_while_open: window.whileOpen.length,
          probes: window.probes.map((probe) => failureOf(probe) ?? 'ok'),
        })),
        closed_at: Number.isNaN(closedAt) ? null : new Date(closedAt).toISOString(),
        state_metric_while_open: metricsWhileOpen,
        state_metric_after: metricsAfter,
        openings_on_other_numbers: otherOpenings.length,
      },
      phases: phaseSwitches.map((change) => ({ phase: change.phase, at_ms: change.at - enqueuedAt })),
      time_to_recover: {
        circuit_closed_after_recovery_ms: closedAt - recoveredAt,
        all_final_after_recovery_ms: allFinalAt - recoveredAt,
        total_ms: allFinalAt - enqueuedAt,
      },
      requests: evolution.requests.length,
      duplicates: accepted.filter((text) => text.accepted > 1).length,
      statuses: await statusCounts(db.sql),
      dead_letters: DEAD_LETTERS.map((dead) => ({
        text: `${dead.number}-1`,
        requests: byText.get(`${dead.number}-1`)?.length ?? 0,
        ...rows.get(`${dead.number}-1`),
      })),
    };
    console.log(`provider fault figures\n${JSON.stringify(figures, null, 2)}`);
    if (late.length) console.log(`retries earlier than their backoff\n${JSON.stringify(late, null, 2)}`);

    // backoff honoured: no row came back before its backoff (or a longer Retry-After), jitter only adds
    expect(late).toEqual([]);
    // the isolated rows saw every configured step: 2, 4 and 8 s after a timeout
    const isolated = gaps.filter((gap) => gap.text.startsWith('backoff'));
    expect(isolated.map((gap) => gap.attempt).sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);

    // attempts counted: one per failed request, none for the waits behind an open circuit
    for (const [text, row] of rows) {
      const requests = byText.get(text) ?? [];
      const failures = requests.filter((request) => failureOf(request) !== null).length;
      expect({ text, tentativas: row.tentativas }).toEqual({ text, tentativas: failures });
    }
    for (const number of Object.keys(BACKOFF_SCRIPTS))
      expect({ number, ...rows.get(`${number}-1`) }).toMatchObject({
        number,
        status: 'enviada',
        tentativas: 3,
      });

    // dead letters: erro with the reason, after exactly max_tentativas requests
    for (const dead of DEAD_LETTERS) {
      const text = `${dead.number}-1`;
      expect({ text, requests: byText.get(text)?.length, ...rows.get(text) }).toEqual({
        text,
        requests: dead.maxTentativas,
        status: 'erro',
        tentativas: dead.maxTentativas,
        erro: expect.stringMatching(dead.reason),
      });
    }

    // the circuit: opened by the 5th consecutive failure (the rest of that wave was already sent)...
    expect(burst.length).toBeGreaterThanOrEqual(FAILURE_THRESHOLD);
    expect(burst.length).toBeLessThan(FAILURE_THRESHOLD + CONCURRENCY);
    expect(burst.every((request) => failureOf(request)?.startsWith('HTTP 429'))).toBe(true);
    expect(metricsWhileOpen[CIRCUIT]).toBe(2);
    const openedLines = worker.process
      .lines()
      .filter((line) => line.msg === 'whatsapp circuit opened' && line.sending_number === CIRCUIT);
    expect(openedLines.map((line) => [line.level, line.sending_number])).toEqual(
      EXPECTED_OPEN_MS.map(() => ['WARN', CIRCUIT]),
    );
    // ...quiet while open, one probe each time it half-opened, doubling up to the maximum, closed at last
    expect(circuit.map((event) => event.state)).toEqual(['open', 'open', 'open', 'open', 'closed']);
    expect(windows.map((window) => window.openMs)).toEqual(EXPECTED_OPEN_MS);
    expect(windows.map((window) => window.whileOpen.length)).toEqual([0, 0, 0, 0]);
    expect(windows.map((window) => window.probes.map(failureOf))).toEqual(
      EXPECTED_PROBES.map((probe) => [probe]),
    );
    expect(metricsAfter[CIRCUIT]).toBe(0);
    // one number's circuit does not stop the others; theirs never opened (at most 3 failures each), but
    // for the two whose 429 said Retry-After: held until then (and re-opened by the failed probe after it)
    expect(otherOpenings.filter((opening) => !['backoff1', 'backoff3'].includes(opening.number))).toEqual([]);
    for (const number of ['backoff1', 'backoff3'])
      expect(otherOpenings.find((opening) => opening.number === number)).toMatchObject({
        state: 'open',
        openMs: number === 'backoff1' ? 5 * SECOND : 1 * SECOND,
      });

    // after recovery every other row is sent, exactly once
    const sent = [...rows].filter(([, row]) => row.status === 'enviada');
    expect(sent.length).toBe(rows.size - DEAD_LETTERS.length);
    expect(figures.statuses).toEqual({ enviada: rows.size - DEAD_LETTERS.length, erro: DEAD_LETTERS.length });
    expect(accepted.filter((text) => text.accepted > 1)).toEqual([]);
    for (const [text] of sent) {
      const requests = byText.get(text) ?? [];
      expect({ text, last: requests.at(-1)?.answeredWith }).toEqual({ text, last: 'ok' });
    }
    expect(evolution.requests.every((request) => textOf(request) !== undefined)).toBe(true);
  }, 240_000);
});
