import { ConsoleLogger, Logger } from '@nestjs/common';
import { SystemClock } from '../../common/clock';
import { parseConfig } from '../../config/load-config';
import { JobLogger } from '../../scheduler/job-logger';
import type { JobContext } from '../../scheduler/job.types';
import type { ClaimedMessage } from './claimed-message';
import type { FilaSenderService } from './fila-sender.service';
import type { FilaRepository } from './fila.repository';
import { FilaService } from './fila.service';
import type { PreparedBatch } from './prepared-batch';

// one lane: each claim's order is fixed
const oneLane = parseConfig({ QUEUE_BATCH_SIZE: '2', WORKER_CONCURRENCY: '1' });
const twoLanes = parseConfig({ QUEUE_BATCH_SIZE: '2', WORKER_CONCURRENCY: '4' });

const row = (id: string): ClaimedMessage => ({
  id,
  leadId: `lead-${id}`,
  conteudo: 'texto',
  tipo: 'resposta',
  liveReply: true,
  tentativas: 0,
  maxTentativas: 3,
  claimedAt: new Date(),
  lead: { telefone: '5511900000001', optedOut: false, numeroEnvio: null },
});

/** The first claim finds a full batch; the one made ahead while it is sent fails (the database restarting). */
class RestartingDatabase {
  claims = 0;
  async reclaimStuck() {
    return { requeued: 0, deadLettered: 0, unknown: 0 };
  }
  async cancelExpiredCampaigns() {
    return 0;
  }
  async claim(): Promise<ClaimedMessage[]> {
    if (++this.claims === 1) return [row('a'), row('b')];
    throw new Error('Connection terminated unexpectedly');
  }
}

/** Sending takes a while, so the claim made ahead fails in the middle of it. */
class SlowSender {
  readonly sent: string[][] = [];
  flushes = 0;
  prepare(claimed: readonly ClaimedMessage[]): PreparedBatch {
    const screened = claimed.map((message) => ({
      message,
      request: { phone: '5511900000001', preferredNumber: null, paced: false },
    }));
    return { size: claimed.length, claimedAt: new Date(), settled: [], screened };
  }
  async send(batch: PreparedBatch): Promise<string | null> {
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.sent.push(batch.screened.map(({ message }) => message.id));
    return null;
  }
  abandon() {}
  openWriter() {
    return { flush: async () => void this.flushes++, counts: () => ({}) };
  }
}

function serviceOn(database: RestartingDatabase, sender: object, config: typeof oneLane): FilaService {
  return new FilaService(
    database as unknown as FilaRepository,
    sender as unknown as FilaSenderService,
    new SystemClock(),
    config,
  );
}

const context: JobContext = {
  jobName: 'process_queue',
  executionId: 'e',
  trigger: 'manual',
  signal: new AbortController().signal,
  stopping: new AbortController().signal,
  logger: new JobLogger('process_queue', 'e'),
  clock: new SystemClock(),
};

describe('FilaService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  it('a claim made ahead that fails while a batch is sent fails the run (not the process): the batch in hand is sent and written first', async () => {
    const database = new RestartingDatabase();
    const sender = new SlowSender();
    // an unhandled rejection ends `node dist/main` (Node's default); jest reports it as this test's failure
    await expect(serviceOn(database, sender, oneLane).processQueue(context)).rejects.toThrow(
      'Connection terminated unexpectedly',
    );
    expect(database.claims).toBe(2);
    expect(sender.sent).toEqual([['a', 'b']]);
    expect(sender.flushes).toBe(1);
  });

  it('a lane whose claim fails fails the run only once the other lane has sent and written the batch in hand', async () => {
    const database = new RestartingDatabase();
    const sender = new SlowSender();
    await expect(serviceOn(database, sender, twoLanes).processQueue(context)).rejects.toThrow(
      'Connection terminated unexpectedly',
    );
    expect(sender.sent).toEqual([['a', 'b']]);
    expect(sender.flushes).toBe(2);
  });
});

describe('FilaService with two lanes, one failing', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  /** the second lane's claim fails; the first lane's claim made ahead finds nothing more */
  class SecondLaneClaimFails extends RestartingDatabase {
    async claim(): Promise<ClaimedMessage[]> {
      this.claims++;
      if (this.claims === 1) return [row('a'), row('b')];
      if (this.claims === 2) throw new Error('Connection terminated unexpectedly');
      return [];
    }
  }

  /** asks its lane's wave size at every turn of the event loop's microtasks, as a wave about to start would */
  class WaveAskingSender {
    readonly asked: number[] = [];
    private readonly slow = new SlowSender();
    prepare(claimed: readonly ClaimedMessage[]): PreparedBatch {
      return this.slow.prepare(claimed);
    }
    async send(
      batch: PreparedBatch,
      _writer: unknown,
      signal: AbortSignal,
      _logger: unknown,
      waveSize: () => number,
    ): Promise<string | null> {
      for (let turn = 0; turn < 10_000 && !signal.aborted; turn++) {
        this.asked.push(waveSize());
        await Promise.resolve();
      }
      return this.slow.send(batch);
    }
    abandon() {}
    openWriter() {
      return this.slow.openWriter();
    }
  }

  it('the lane left sending is stopped before the failed lane leaves: it never takes all of WORKER_CONCURRENCY meanwhile', async () => {
    const sender = new WaveAskingSender();
    await expect(
      serviceOn(new SecondLaneClaimFails(), sender, twoLanes).processQueue(context),
    ).rejects.toThrow('Connection terminated unexpectedly');
    expect(sender.asked.length).toBeGreaterThan(0);
    expect(Math.max(...sender.asked)).toBe(2);
  });
});
