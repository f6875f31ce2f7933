import '@shop/kit/tracing';
import { runService } from '@shop/kit';
import { gatewayService } from './service';

runService(gatewayService);
