import { Module } from '@nestjs/common';
import { ShiftConfirmationRepository } from './shift-confirmation.repository';
import { ShiftConfirmationService } from './shift-confirmation.service';
import { ShiftConfirmationWorker } from './shift-confirmation.worker';

@Module({ providers: [ShiftConfirmationWorker, ShiftConfirmationService, ShiftConfirmationRepository] })
export class ShiftConfirmationModule {}
