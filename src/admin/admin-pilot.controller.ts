import { Body, Controller, Get, HttpCode, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FeatureNames } from '../workers/pilot-mode/feature-flags.constants';
import { FeatureFlagsService } from '../workers/pilot-mode/feature-flags.service';
import { PilotModeRepository } from '../workers/pilot-mode/pilot-mode.repository';
import { AdminTokenGuard } from './admin-token.guard';
import { openApiSchema, pilotBody } from './admin.schemas';
import { Operator } from './operator.decorator';
import { ZodValidationPipe } from './zod-validation.pipe';

const SNAPSHOTS_SHOWN = 10;

@ApiTags('pilot')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('admin/pilot')
export class AdminPilotController {
  constructor(
    private readonly flags: FeatureFlagsService,
    private readonly snapshots: PilotModeRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The pilot switch, every feature flag with its reason, and the last snapshots' })
  async state() {
    const [flags, snapshots] = await Promise.all([
      this.flags.state(),
      this.snapshots.lastSnapshots(SNAPSHOTS_SHOWN),
    ]);
    const pilot = flags.find((flag) => flag.nome === FeatureNames.pilotMode);
    return { pilot_mode: pilot?.ativo ?? null, flags, snapshots };
  }

  @Put()
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn pilot mode on or off (shared by every replica at once)' })
  @ApiBody({ schema: openApiSchema(pilotBody) })
  async switch(
    @Body(new ZodValidationPipe(pilotBody)) body: { pilot_mode: boolean; motivo?: string },
    @Operator() by: string,
  ) {
    await this.flags.set(FeatureNames.pilotMode, body.pilot_mode, body.motivo ?? null, by);
    return { pilot_mode: await this.flags.isPilotMode() };
  }
}
