import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Logger as PinoLogger } from 'nestjs-pino';
import { LineCapture } from '../../../test/logging/line-capture';
import { testConfig } from '../../../test/utils/test-config';
import { ConfigModule } from '../../config/config.module';
import { LoggingModule } from '../../logging/logging.module';
import { ConsoleProvider } from './console.provider';

const PHONE = '5511987654321';
const TEXT = 'Olá Dra. Ana, temos um plantão de UTI no sábado';
const message = { to: PHONE, text: TEXT, instance: null };

class RecordingLogger implements LoggerService {
  readonly calls: { level: string; message: unknown }[] = [];
  log = (message: unknown) => this.calls.push({ level: 'log', message });
  debug = (message: unknown) => this.calls.push({ level: 'debug', message });
  warn = (message: unknown) => this.calls.push({ level: 'warn', message });
  error = (message: unknown) => this.calls.push({ level: 'error', message });
}

describe('ConsoleProvider', () => {
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it('returns sent with a console-<uuid> id and has one sending number', async () => {
    Logger.overrideLogger(false);
    const provider = new ConsoleProvider();
    const first = await provider.send(message);
    const second = await provider.send(message);

    expect(first).toEqual({
      kind: 'sent',
      providerMessageId: expect.stringMatching(/^console-[0-9a-f-]{36}$/),
    });
    expect(second).not.toEqual(first);
    expect(provider.name).toBe('console');
    expect(provider.sendingNumbers()).toEqual(['console']);
  });

  it('sends nothing, and logs nothing, once withdrawn or aborted', async () => {
    const recording = new RecordingLogger();
    Logger.overrideLogger(recording);
    const provider = new ConsoleProvider();
    const fired = AbortSignal.abort();
    await expect(provider.send(message, undefined, fired)).resolves.toEqual({ kind: 'withdrawn' });
    await expect(provider.send(message, fired)).resolves.toMatchObject({
      kind: 'temporary_failure',
      aborted: true,
    });
    expect(recording.calls).toEqual([]);
  });

  it('masks the phone itself and gives the text only to the debug level', async () => {
    const recording = new RecordingLogger();
    Logger.overrideLogger(recording);
    await new ConsoleProvider().send(message);

    const info = recording.calls.filter((call) => call.level === 'log');
    const debug = recording.calls.filter((call) => call.level === 'debug');
    expect(info).toEqual([
      {
        level: 'log',
        message: expect.objectContaining({ to: '*********4321', chars: TEXT.length }),
      },
    ]);
    expect(JSON.stringify(info)).not.toContain(PHONE);
    expect(JSON.stringify(info)).not.toContain('plantão');
    expect(debug).toEqual([
      { level: 'debug', message: expect.objectContaining({ to: '*********4321', text: TEXT }) },
    ]);
  });

  it('writes a masked phone and no text to the service log at LOG_LEVEL=info', async () => {
    const capture = new LineCapture();
    const config = testConfig({ LOG_LEVEL: 'info' });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(config, { destination: capture })],
    }).compile();
    moduleRef.useLogger(moduleRef.get(PinoLogger));

    await new ConsoleProvider().send(message);

    expect(capture.lines).toEqual([
      expect.objectContaining({ level: 'INFO', context: 'whatsapp', to: '*********4321' }),
    ]);
    expect(capture.raw.join('\n')).not.toContain(PHONE);
    expect(capture.raw.join('\n')).not.toContain('plantão');
    await moduleRef.close();
  });

  it('does not send once the caller has aborted', async () => {
    Logger.overrideLogger(false);
    const result = await new ConsoleProvider().send(message, AbortSignal.abort());
    expect(result).toEqual({
      kind: 'temporary_failure',
      reason: 'aborted',
      aborted: true,
      surelyNotSent: true,
    });
  });
});
