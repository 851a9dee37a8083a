import { Controller, Get, INestApplication, Logger as NestLogger, Module, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import request from 'supertest';
import { App } from 'supertest/types';
import { ConfigModule } from '../../src/config/config.module';
import { LoggingModule } from '../../src/logging/logging.module';
import { buildPinoOptions } from '../../src/logging/pino-options';
import { testConfig } from '../utils/test-config';
import { LineCapture, LogLine } from './line-capture';

const PHONE = '5511987654321';
const MASKED = '*********4321';
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('log lines (pino options of the service)', () => {
  function logger(level = 'debug') {
    const capture = new LineCapture();
    return { capture, log: pino(buildPinoOptions(testConfig({ LOG_LEVEL: level })), capture) };
  }

  it('writes one JSON object per line with an upper-case level, an ISO time and msg', () => {
    const { capture, log } = logger();
    log.debug('one');
    log.info('two');
    log.warn('three');
    log.error('four');
    log.fatal('five');

    expect(capture.raw).toHaveLength(5);
    expect(capture.lines.map((line) => line.level)).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']);
    expect(capture.lines.map((line) => line.msg)).toEqual(['one', 'two', 'three', 'four', 'five']);
    for (const line of capture.lines) {
      expect(line.time).toMatch(ISO_8601);
      expect(Math.abs(Date.parse(line.time) - Date.now())).toBeLessThan(60_000);
    }
  });

  it('honours LOG_LEVEL', () => {
    const { capture, log } = logger('warn');
    log.debug('hidden');
    log.info('hidden too');
    log.warn('shown');
    expect(capture.lines.map((line) => line.msg)).toEqual(['shown']);
  });

  it('masks a phone number inside the message, its arguments and string fields, at any depth', () => {
    const { capture, log } = logger();
    log.info({ telefone: PHONE, lead: { contatos: [`+${PHONE}`] } }, `sent to ${PHONE}`);
    log.info('sent to %s', PHONE);

    const [fields, interpolated] = capture.lines;
    expect(fields.msg).toBe(`sent to ${MASKED}`);
    expect(fields.telefone).toBe(MASKED);
    expect(fields.lead).toEqual({ contatos: [MASKED] });
    expect(interpolated.msg).toBe(`sent to ${MASKED}`);
    expect(capture.raw.join('\n')).not.toContain('987654');
  });

  it('leaves numbers alone, even 13 digits long', () => {
    const { capture, log } = logger();
    log.info({ duration_ms: 1234567890123, items_processed: 3 }, 'job finished');
    expect(capture.lines[0]).toMatchObject({ duration_ms: 1234567890123, items_processed: 3 });
  });

  it('keeps execution ids (UUIDs) intact', () => {
    const { capture, log } = logger();
    const executionId = '550e8400-e29b-41d4-a716-446655440000';
    log.info({ execution_id: executionId }, `job started ${executionId}`);
    expect(capture.lines[0]).toMatchObject({ execution_id: executionId, msg: `job started ${executionId}` });
  });

  it('masks phone numbers in a logged error’s message and stack', () => {
    const { capture, log } = logger();
    log.error({ err: new Error(`provider rejected ${PHONE}`) }, 'send failed');
    const err = capture.lines[0].err as { message: string; stack: string; type: string };
    expect(err.type).toBe('Error');
    expect(err.message).toBe(`provider rejected ${MASKED}`);
    expect(err.stack).toContain(`provider rejected ${MASKED}`);
    expect(capture.raw[0]).not.toContain(PHONE);
  });

  it('masks phone numbers in an error nested inside a logged error’s fields (Prisma’s driver error)', () => {
    const { capture, log } = logger();
    log.error({ err: driverError(UNIQUE_PHONE) }, 'write failed');
    expect(capture.raw[0]).toContain(`Key (telefone)=(${MASKED}) already exists`);
    expect(capture.raw[0]).not.toContain(PHONE);
  });

  it('keeps the row PostgreSQL quotes in a violation’s detail out of the line: it holds message texts', () => {
    const { capture, log } = logger();
    log.error({ err: driverError(ROW_WITH_MESSAGE) }, 'write failed');
    expect(capture.raw[0]).toContain('Failing row contains');
    expect(capture.raw[0]).toContain('fila_mensagens_prioridade_range');
    expect(capture.raw[0]).not.toContain(MESSAGE_TEXT);
    expect(capture.raw[0]).not.toContain('4321');
  });
});

const MESSAGE_TEXT = 'Oi Dra. Ana, o plantão de sábado no Hospital Santa Cruz ainda está aberto';
const UNIQUE_PHONE = {
  code: '23505',
  message: 'duplicate key value violates unique constraint "leads_telefone_key"',
  detail: `Key (telefone)=(${PHONE}) already exists.`,
};
const ROW_WITH_MESSAGE = {
  code: '23514',
  message:
    'new row for relation "fila_mensagens" violates check constraint "fila_mensagens_prioridade_range"',
  detail:
    'Failing row contains (e88e3bd6-059d-4a80-9345-d608763c7ce5, e85752a7-477c-4582-abd7-6cee25f960da, ' +
    `${MESSAGE_TEXT}, me liga no ${PHONE}, campanha, 99, pendente, 2026-12-01 18:56:44.542999+00, 0, 3, ` +
    'null, null, null, null, null, 2026-12-01 18:56:44.542999+00, 2026-12-01 18:56:44.542999+00, null).',
};

/**
 * How Prisma 7's pg adapter reports a constraint violation: the message names the constraint, and
 * PostgreSQL's `detail` (the key, or for a check violation the whole row) sits in an Error nested in `meta`.
 */
function driverError(violation: { code: string; message: string; detail: string }): Error {
  return Object.assign(new Error(`Raw query failed. Code: \`${violation.code}\`. Message: \`violation\``), {
    code: 'P2010',
    meta: {
      driverAdapterError: new DriverAdapterError({
        kind: 'postgres',
        code: violation.code,
        severity: 'ERROR',
        message: violation.message,
        detail: violation.detail,
        column: undefined,
        hint: undefined,
      }),
    },
  });
}

@Controller()
class ProbeController {
  @Get('health')
  live() {
    return { status: 'ok' };
  }

  @Get('health/workers')
  workers() {
    return { status: 'ok' };
  }

  @Get('failing-write')
  failingWrite() {
    throw driverError(ROW_WITH_MESSAGE);
  }

  @Get('leads/:telefone')
  lead(@Param('telefone') telefone: string) {
    new NestLogger('admin').log({ msg: 'lead looked up', telefone });
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('LoggingModule in a Nest application', () => {
  const capture = new LineCapture();
  let app: INestApplication<App>;
  let startup: LogLine[] = [];

  beforeAll(async () => {
    const config = testConfig({ LOG_LEVEL: 'info' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, { destination: capture }),
        ProbeModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    app.useLogger(app.get(Logger));
    await app.init();
    startup = capture.lines;
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => capture.clear());

  it('sends the framework’s start-up logs through pino (bufferLogs + useLogger)', () => {
    expect(startup).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        context: 'NestApplication',
        msg: 'Nest application successfully started',
      }),
    );
  });

  it('sends Nest’s own logs through pino', () => {
    const nest = new NestLogger('fila_worker');
    nest.log(`sent to ${PHONE}`);
    nest.warn({ msg: 'job failed', job: 'process_queue', execution_id: 'e-1', telefone: PHONE });

    const [info, warn] = capture.lines;
    expect(info).toMatchObject({ level: 'INFO', context: 'fila_worker', msg: `sent to ${MASKED}` });
    expect(info.time).toMatch(ISO_8601);
    expect(warn).toMatchObject({
      level: 'WARN',
      context: 'fila_worker',
      msg: 'job failed',
      job: 'process_queue',
      execution_id: 'e-1',
      telefone: MASKED,
    });
  });

  it('logs a request with the phone in its URL masked and credentials redacted', async () => {
    await request(app.getHttpServer())
      .get(`/leads/${PHONE}?telefone=${PHONE}`)
      .set('Authorization', 'Bearer super-secret-admin-token')
      .set('apikey', 'evolution-secret-key')
      .expect(200);

    const completed = capture.find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({
      level: 'INFO',
      req: {
        method: 'GET',
        url: `/leads/${MASKED}?telefone=${MASKED}`,
        query: { telefone: MASKED },
        headers: { authorization: '[REDACTED]', apikey: '[REDACTED]' },
      },
      res: { statusCode: 200 },
    });
    expect(typeof completed?.responseTime).toBe('number');
    const inside = capture.find((line) => line.msg === 'lead looked up');
    expect(inside).toMatchObject({
      context: 'admin',
      telefone: MASKED,
      reqId: (completed?.req as { id: string }).id,
    });
    const everything = capture.raw.join('\n');
    expect(everything).not.toContain(PHONE);
    expect(everything).not.toContain('super-secret-admin-token');
    expect(everything).not.toContain('evolution-secret-key');
  });

  it('logs a route’s unexpected database error (a 500) without the row PostgreSQL quotes', async () => {
    const response = await request(app.getHttpServer()).get('/failing-write').expect(500);
    expect(JSON.stringify(response.body)).not.toContain(PHONE);
    const logged = capture.find((line) => line.level === 'ERROR' && line.context === 'ExceptionsHandler');
    expect(JSON.stringify(logged)).toContain('fila_mensagens_prioridade_range');
    expect(capture.raw.join('\n')).not.toContain(PHONE);
    expect(capture.raw.join('\n')).not.toContain(MESSAGE_TEXT);
  });

  it('masks a phone whose + is URL-encoded (%2B) in the logged URL', async () => {
    await request(app.getHttpServer()).get(`/leads/lookup?telefone=%2B${PHONE}`).expect(200);

    const completed = capture.find((line) => line.msg === 'request completed');
    expect(completed?.req).toMatchObject({
      url: `/leads/lookup?telefone=${MASKED}`,
      query: { telefone: MASKED },
    });
    expect(capture.raw.join('\n')).not.toContain(PHONE);
  });

  it('keeps a caller’s request id, but replaces one that holds a phone number', async () => {
    const kept = await request(app.getHttpServer())
      .get('/leads/lookup')
      .set('X-Request-Id', 'batch-7.retry:2');
    expect(kept.headers['x-request-id']).toBe('batch-7.retry:2');
    expect(capture.find((line) => line.msg === 'request completed')).toMatchObject({
      reqId: 'batch-7.retry:2',
    });
    capture.clear();

    const replaced = await request(app.getHttpServer())
      .get('/leads/lookup')
      .set('X-Request-Id', `lead-${PHONE}`);
    const id = replaced.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const completed = capture.find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({ reqId: id, req: { id }, res: { headers: { 'x-request-id': id } } });
    expect(capture.raw.join('\n')).not.toContain(PHONE);
  });

  it('does not log health probes', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    await request(app.getHttpServer()).get('/health/workers').expect(200);
    expect(capture.lines).toEqual([]);
  });
});
