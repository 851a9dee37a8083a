import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsRegistry } from './metrics-registry';

/** GET /metrics in the Prometheus text format (CONTRACT §7). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: Response): Promise<void> {
    const body = await this.registry.metrics();
    response.type(this.registry.contentType).send(body);
  }
}
