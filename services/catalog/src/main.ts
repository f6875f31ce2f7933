import '@shop/kit/tracing';
import { runService } from '@shop/kit';
import { catalogService } from './service';

runService(catalogService);
