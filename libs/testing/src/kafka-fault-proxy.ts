import { connect, createServer, type Server, type Socket } from 'node:net';

/** kafkajs' `socketFactory` argument, as far as the proxy needs it (no kafkajs import here). */
export interface SocketFactoryArgs {
  host: string;
  port: number;
  onConnect: () => void;
}

const HEARTBEAT = 12;
const FIND_COORDINATOR = 10;
const NOT_COORDINATOR = 16;

interface PendingFault {
  /** The group whose coordinator goes away. */
  groupId: string;
  /** The next heartbeat answer of the group is turned into NOT_COORDINATOR. */
  heartbeatRewritten: boolean;
  /** Then the connection carrying the group's coordinator lookup is reset. */
  resolve: () => void;
}

/** Splits a Kafka byte stream into frames (int32 size prefix); calls `frame` with each. */
function framer(frame: (bytes: Buffer) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      const size = buffered.readInt32BE(0);
      frame(buffered.subarray(0, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  };
}

/** The first string of a request body (group id of Heartbeat, key of FindCoordinator). */
function firstBodyString(frame: Buffer): string | undefined {
  // size(4) api_key(2) api_version(2) correlation_id(4) client_id(int16 length + bytes)
  if (frame.length < 14) return undefined;
  const clientIdLength = frame.readInt16BE(12);
  const at = 14 + Math.max(0, clientIdLength);
  if (frame.length < at + 2) return undefined;
  const length = frame.readInt16BE(at);
  if (length < 0 || frame.length < at + 2 + length) return undefined;
  return frame.toString('utf8', at + 2, at + 2 + length);
}

/**
 * A TCP proxy in front of a real Kafka broker, for fault tests that must not stop the
 * shared broker: clients built with `socketFactory` reach the broker only through it (every
 * broker address maps to `target`). `coordinatorGone(groupId)` replays what a broker does
 * when it shuts down under a consumer group: the group's next heartbeat is answered "not the
 * coordinator" (so the member rejoins) and its coordinator lookup then finds the broker gone
 * (connection reset). kafkajs treats that crash ("Failed to find group coordinator") as
 * non-retriable and does not restart the consumer itself.
 *
 * Understands Heartbeat v1–v3 and FindCoordinator v1–v3 (not flexible versions), which is
 * what kafkajs 2.x sends.
 */
export class KafkaFaultProxy {
  private server?: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private fault?: PendingFault;

  constructor(private readonly target: { host: string; port: number }) {}

  /** "host:port" of the broker behind the proxy (e.g. KAFKA_BROKERS of the stack). */
  static to(brokers: string): KafkaFaultProxy {
    const [host, port] = brokers.split(',')[0].trim().split(':');
    return new KafkaFaultProxy({ host, port: Number(port) });
  }

  async start(): Promise<void> {
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Give it to kafkajs (`new Kafka({ socketFactory })`, createKafka's `socketFactory`). */
  readonly socketFactory = ({ onConnect }: SocketFactoryArgs): Socket => {
    const socket = connect({ host: '127.0.0.1', port: this.port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };

  /** Resolves once the group's coordinator lookup has been cut (see the class comment). */
  coordinatorGone(groupId: string): Promise<void> {
    return new Promise((resolve) => {
      this.fault = { groupId, heartbeatRewritten: false, resolve };
    });
  }

  private pipe(client: Socket): void {
    const broker = connect(this.target);
    this.sockets.add(client).add(broker);
    /** Correlation ids of this connection's heartbeats of the faulted group. */
    const heartbeats = new Set<number>();
    const cut = () => {
      client.resetAndDestroy();
      broker.destroy();
    };
    client.on(
      'data',
      framer((frame) => {
        if (this.onRequest(frame, heartbeats)) cut();
        else broker.write(frame);
      }),
    );
    broker.on(
      'data',
      framer((frame) => client.write(this.onResponse(frame, heartbeats))),
    );
    const close = () => {
      this.sockets.delete(client);
      this.sockets.delete(broker);
      client.destroy();
      broker.destroy();
    };
    client.on('error', close).on('close', close);
    broker.on('error', close).on('close', close);
  }

  /** True when the connection must be cut instead of forwarding the request. */
  private onRequest(frame: Buffer, heartbeats: Set<number>): boolean {
    const fault = this.fault;
    if (!fault || frame.length < 12) return false;
    const apiKey = frame.readInt16BE(4);
    const version = frame.readInt16BE(6);
    if (apiKey === HEARTBEAT && version >= 1 && version <= 3 && !fault.heartbeatRewritten) {
      if (firstBodyString(frame) === fault.groupId) heartbeats.add(frame.readInt32BE(8));
      return false;
    }
    if (apiKey === FIND_COORDINATOR && fault.heartbeatRewritten) {
      if (firstBodyString(frame) !== fault.groupId) return false;
      this.fault = undefined;
      fault.resolve();
      return true;
    }
    return false;
  }

  /** The response as the client gets it (a faulted heartbeat's error code rewritten). */
  private onResponse(frame: Buffer, heartbeats: Set<number>): Buffer {
    const fault = this.fault;
    if (!fault || heartbeats.size === 0 || frame.length < 14) return frame;
    const correlationId = frame.readInt32BE(4);
    if (!heartbeats.delete(correlationId) || fault.heartbeatRewritten) return frame;
    // Heartbeat v1-v3 response: size(4) correlation_id(4) throttle_time_ms(4) error_code(2)
    const rewritten = Buffer.from(frame);
    rewritten.writeInt16BE(NOT_COORDINATOR, 12);
    fault.heartbeatRewritten = true;
    return rewritten;
  }
}
