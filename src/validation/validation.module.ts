import { Module } from '@nestjs/common';
import { PfaValidationService } from './pfa-validation.service';

@Module({
  providers: [PfaValidationService],
  exports: [PfaValidationService],
})
export class ValidationModule {}
