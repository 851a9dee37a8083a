import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { OutboundQueueService } from '../queue/outbound-queue.service';
import { FilaRepository } from '../workers/fila/fila.repository';
import { AdminQueueRepository } from './admin-queue.repository';
import { AdminTokenGuard } from './admin-token.guard';
import {
  enqueueBody,
  openApiSchema,
  pageQuery,
  redriveBody,
  type EnqueueBody,
  type PageQuery,
} from './admin.schemas';
import { Operator } from './operator.decorator';
import { ZodValidationPipe } from './zod-validation.pipe';

@ApiTags('queue')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin')
export class AdminQueueController {
  private readonly logger = new Logger('admin');

  constructor(
    private readonly repository: AdminQueueRepository,
    private readonly fila: FilaRepository,
    private readonly queue: OutboundQueueService,
    private readonly clock: Clock,
  ) {}

  @Get('dead-letters')
  @ApiOperation({ summary: 'The dead-letter set: fila_mensagens in erro, newest first, paged' })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'per_page', required: false })
  async deadLetters(@Query(new ZodValidationPipe(pageQuery)) page: PageQuery) {
    const { total, items } = await this.repository.deadLetters(page);
    return { page: page.page, per_page: page.per_page, total, items };
  }

  @Post('dead-letters/redrive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Put chosen dead letters back in the queue, attempts reset (rows not in erro are left alone)',
  })
  @ApiBody({ schema: openApiSchema(redriveBody) })
  async redrive(@Body(new ZodValidationPipe(redriveBody)) body: { ids: string[] }, @Operator() by: string) {
    const redriven = await this.fila.redrive(body.ids, this.clock.now());
    // the rows keep no trace of it (attempts and error reset): the log answers "who re-sent this message?"
    this.logger.log({
      msg: 'dead letters re-driven',
      requested: body.ids.length,
      redriven,
      by,
      ids: body.ids,
    });
    return { requested: body.ids.length, redriven };
  }

  @Post('messages')
  @ApiOperation({
    summary: 'Enqueue a message for a lead (limits, quiet hours and opt-out apply when it is sent)',
  })
  @ApiBody({ schema: openApiSchema(enqueueBody) })
  async enqueue(
    @Body(new ZodValidationPipe(enqueueBody)) body: EnqueueBody,
    @Operator() by: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (!(await this.repository.leadExists(body.lead_id)))
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'lead_id: no lead has this id',
        errors: [{ field: 'lead_id', reason: 'no lead has this id' }],
      });
    const key = body.chave_idempotencia ?? `admin:${randomUUID()}`;
    const result = await this.queue.enqueue({
      leadId: body.lead_id,
      conteudo: body.conteudo,
      tipo: body.tipo,
      prioridade: body.prioridade,
      agendarPara: body.agendar_para,
      metadata: { origem: 'admin', por: by },
      chaveIdempotencia: key,
    });
    if (result.enqueued) return { enqueued: true, id: result.id };
    // a retry (the first answer was lost) created nothing: it learns the id of the message it did create
    response.status(200);
    return { enqueued: false, reason: result.reason, id: await this.repository.messageIdByKey(key) };
  }
}
