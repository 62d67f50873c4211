import { Module } from '@nestjs/common';
import { PemsHostPolicy } from './pems-host-policy';

/** Which PEMS hosts may be called (PEMS_ALLOWED_HOSTS): one policy for saving API servers and for connecting. */
@Module({
  providers: [PemsHostPolicy],
  exports: [PemsHostPolicy],
})
export class PemsHostsModule {}
