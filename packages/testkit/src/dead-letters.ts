import { AmqpConnection } from './amqp';
import { readMqttDeadLetters } from './brokers';
import { streamMessages } from './nats';
import { redisCommand } from './redis';
import type { Stack } from './stack';

/**
 * What the sidecars of a running stack dead-lettered (topic `deadletter`), read from the broker itself —
 * no app may subscribe to that topic (publishingScopes/subscriptionScopes), so this is how an operator
 * sees them too: the Redis stream, the RabbitMQ queue `deadletter`, the JetStream stream, the MQTT
 * persistent session the start-up step created. Each item is the dead-lettered CloudEvent as JSON.
 * RabbitMQ and MQTT hand a message out once: reading consumes it there.
 */
export async function readDeadLetters(stack: Stack, topic = 'deadletter'): Promise<string[]> {
  const pubsub = stack.infrastructure.components.find((c) => c.name === 'pubsub');
  if (!pubsub) throw new Error('this stack has no pubsub component');
  const from = (metadata: string) => {
    const variable = pubsub.metadata.find((m) => m.name === metadata)?.envRef;
    const value = variable ? stack.infrastructure.env[variable] : pubsub.metadata.find((m) => m.name === metadata)?.value;
    if (!value) throw new Error(`pubsub ${pubsub.type}: no ${metadata}`);
    return value;
  };
  switch (pubsub.type) {
    case 'pubsub.redis': {
      const entries = (await redisCommand(Number(from('redisDB')), ['XRANGE', topic, '-', '+'])) as [string, string[]][];
      return entries.map(([, fields]) => fields[fields.indexOf('data') + 1] ?? '');
    }
    case 'pubsub.rabbitmq': {
      const amqp = await AmqpConnection.connect(from('connectionString'));
      const out: string[] = [];
      try {
        for (let m = await amqp.get(topic); m; m = await amqp.get(topic)) out.push(m.toString());
      } finally {
        await amqp.close();
      }
      return out;
    }
    case 'pubsub.jetstream':
      return streamMessages(from('natsURL'), topic);
    case 'pubsub.mqtt3':
      return readMqttDeadLetters(from('url'), topic);
    default:
      throw new Error(`no dead-letter reader for ${pubsub.type}`);
  }
}
