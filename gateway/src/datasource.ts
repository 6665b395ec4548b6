/**
 * The gateway's subgraph client. A subgraph that cannot be reached becomes a
 * SUBGRAPH_UNAVAILABLE error naming the subgraph, never the fetch error (which carries the
 * subgraph's host and port). Counts requests per subgraph for tests and the bench.
 */
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { appError } from '@mlops/kit';

export interface SubgraphRequestCounter {
  byService: Map<string, number>;
  reset(): void;
}

export function createRequestCounter(): SubgraphRequestCounter {
  const byService = new Map<string, number>();
  return { byService, reset: () => byService.clear() };
}

export class GatewayDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly serviceName: string,
    url: string,
    private readonly counter: SubgraphRequestCounter,
  ) {
    super({ url });
  }

  override willSendRequest(): void {
    this.counter.byService.set(this.serviceName, (this.counter.byService.get(this.serviceName) ?? 0) + 1);
  }

  override didEncounterError(): void {
    throw appError('SUBGRAPH_UNAVAILABLE', `The ${this.serviceName} subgraph is unavailable; fields it provides are null`, {
      serviceName: this.serviceName,
    });
  }
}
