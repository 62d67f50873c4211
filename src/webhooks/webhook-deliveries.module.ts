import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookDeliveries } from './webhook-deliveries.service';

/**
 * The deliveries table's owner alone, for the modules whose state changes queue events (write
 * sync, conflicts, the credentials pause) and for the CLI, which must not run a dispatcher.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookDelivery])],
  providers: [WebhookDeliveries],
  exports: [WebhookDeliveries],
})
export class WebhookDeliveriesModule {}
