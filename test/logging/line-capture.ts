import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown> & { level: string; time: string; msg?: string };

/** A pino destination that keeps every line, so tests read back exactly what would reach stdout. */
export class LineCapture extends Writable {
  readonly raw: string[] = [];

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    this.raw.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }

  get lines(): LogLine[] {
    return this.raw.map((line) => JSON.parse(line) as LogLine);
  }

  find(predicate: (line: LogLine) => boolean): LogLine | undefined {
    return this.lines.find(predicate);
  }

  clear(): void {
    this.raw.length = 0;
  }
}
