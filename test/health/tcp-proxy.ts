import { AddressInfo, createServer, connect, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server, so a test can make a healthy dependency fail the way it fails in
 * production, after the application has connected:
 * - `forward`: pass bytes both ways;
 * - `hang`: accept connections and never answer (a stuck server, a dropped network path);
 * - `refuse`: close every connection at once.
 * Switching mode cuts the connections already open, as a network failure would.
 */
export class TcpProxy {
  private mode: 'forward' | 'hang' | 'refuse' = 'forward';
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  forward(): void {
    this.switchTo('forward');
  }

  hang(): void {
    this.switchTo('hang');
  }

  refuse(): void {
    this.switchTo('refuse');
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private switchTo(mode: TcpProxy['mode']): void {
    this.mode = mode;
    this.cutAll();
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'refuse') return void client.destroy();
    if (this.mode === 'hang') return;
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }
}
