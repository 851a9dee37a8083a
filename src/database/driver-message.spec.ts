import { driverMessage } from './driver-message';

describe('driverMessage', () => {
  it("keeps the last line of Prisma's message: the driver's, not the call site and source it quotes", () => {
    const error = new Error(
      "\nInvalid `this.prisma.$queryRaw()` invocation in\n/app/dist/workers/fila/fila.repository.js:42:7\n\n  41 const rows = await\n→ 42 this.prisma.$queryRaw`...`\n\nCan't reach database server at 127.0.0.1:5432\n",
    );
    expect(driverMessage(error)).toBe("Can't reach database server at 127.0.0.1:5432");
  });

  it('cuts long messages and names an empty one', () => {
    expect(driverMessage(new Error('x'.repeat(1000)), 50)).toBe('x'.repeat(50));
    expect(driverMessage(new Error(' \n '))).toBe('unknown error');
    expect(driverMessage('plain text')).toBe('plain text');
  });
});
