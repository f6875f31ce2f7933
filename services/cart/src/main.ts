import '@shop/kit/tracing';
import { runService } from '@shop/kit';
import { cartService } from './service';

runService(cartService);
