import { Injectable } from '@nestjs/common';

// TODO(scheduler): timers, due-tick claims, catch-up, drain
@Injectable()
export class JobScheduler {
  private running = false;

  isRunning(): boolean {
    return this.running;
  }
}
