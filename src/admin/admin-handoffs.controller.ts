import {
  Body,
  ConflictException,
  Controller,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HandoffAnswerService, type PosterAnswer } from '../workers/handoff/handoff-answer.service';
import { AdminTokenGuard } from './admin-token.guard';
import { handoffAnswerBody, openApiSchema, uuidParam } from './admin.schemas';
import { Operator } from './operator.decorator';
import { ZodValidationPipe } from './zod-validation.pipe';

@ApiTags('handoffs')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/handoffs')
export class AdminHandoffsController {
  constructor(private readonly answers: HandoffAnswerService) {}

  @Post(':id/answer')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the shift poster's answer: confirmed or not_confirmed" })
  @ApiBody({ schema: openApiSchema(handoffAnswerBody) })
  async answer(
    @Param('id', new ZodValidationPipe(uuidParam)) id: string,
    @Body(new ZodValidationPipe(handoffAnswerBody)) body: { answer: PosterAnswer },
    @Operator() by: string,
  ) {
    const result = await this.answers.record(id, body.answer, by);
    if (result.outcome === 'not_found') throw new NotFoundException(`no handoff ${id}`);
    if (result.outcome === 'already_closed')
      throw new ConflictException(`handoff ${id} is already ${result.status}`);
    if (result.outcome === 'busy')
      throw new ServiceUnavailableException(
        `handoff ${id} or its shift is held by another database session; try again`,
      );
    return { id, status: result.status, vaga_status: result.vagaStatus };
  }
}
