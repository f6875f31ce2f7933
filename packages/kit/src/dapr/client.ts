import { CommunicationProtocolEnum, DaprClient, LogLevel, type LoggerService } from '@dapr/dapr';
import type { Logger } from '../logger';

export interface SidecarAddress {
  daprHost: string;
  daprHttpPort: number;
  daprApiToken?: string | undefined;
}

/** A DaprClient over the sidecar's HTTP API whose own log lines go through the service's logger. */
export function createDaprClient(address: SidecarAddress, logger: Logger): DaprClient {
  return new DaprClient({
    daprHost: address.daprHost,
    daprPort: String(address.daprHttpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    ...(address.daprApiToken ? { daprApiToken: address.daprApiToken } : {}),
    logger: { level: LogLevel.Warn, service: sdkLogger(logger) },
  });
}

function sdkLogger(logger: Logger): LoggerService {
  const log =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) =>
      logger.log(level, String(message), rest.length ? { 'dapr.sdk': rest.map(String) } : {});
  return { error: log('error'), warn: log('warn'), info: log('info'), verbose: log('debug'), debug: log('debug') };
}
