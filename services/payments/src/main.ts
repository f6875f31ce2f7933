import '@shop/kit/tracing';
import { runService } from '@shop/kit';
import { paymentsService } from './service';

runService(paymentsService);
