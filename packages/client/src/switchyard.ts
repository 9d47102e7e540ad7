import { Admin } from './admin.ts';
import { Consumer } from './consumer.ts';
import type { ConsumerOptions } from './consumer-options.ts';
import { HttpClient, type HttpClientOptions } from './http-client.ts';
import { Producer, type ProducerOptions } from './producer.ts';

/** Options of a Switchyard client: the server URL, retries, timeouts and extra headers. */
export type SwitchyardOptions = HttpClientOptions;

/**
 * One connection to a Switchyard server: `admin` for streams and groups, `producer()` and
 * `consumer()` for records. They share keep-alive connections; `close()` releases them.
 */
export class Switchyard {
  readonly http: HttpClient;
  readonly admin: Admin;
  #closers: (() => Promise<void>)[] = [];

  constructor(options: SwitchyardOptions = {}) {
    this.http = new HttpClient(options);
    this.admin = new Admin(this.http);
  }

  /** A batching, idempotent producer for one stream. */
  producer(options: ProducerOptions): Producer {
    const p = new Producer(this.http, this.admin, options);
    this.#closers.push(() => p.close());
    return p;
  }

  /** A consumer: in a group (partitions shared, offsets committed) or of given streams/partitions. */
  consumer(options: ConsumerOptions): Consumer {
    const c = new Consumer(this.http, this.admin, options);
    this.#closers.push(() => c.close());
    return c;
  }

  /** Closes the producers and consumers made here, then the connections. */
  async close(): Promise<void> {
    const closers = this.#closers.splice(0);
    await Promise.allSettled(closers.map((c) => c()));
    this.http.close();
  }
}
