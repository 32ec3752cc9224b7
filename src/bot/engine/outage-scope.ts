/**
 * A flow service that fails because the database did not answer must fail its turn, not steer
 * the flow. The flows take a service's failure for a business one (a case that could not be
 * opened: "technical problem, passing you to a person"); when the database itself was down or
 * restarting, the version would then be stored — once it is back — with that hand-off instead
 * of the case, and the message never sent again. Instead the turn fails `DatabaseUnreachable`,
 * nothing of it stored, and the network (or the customer) sends the message again.
 *
 * Read services are not told their conversation, so the turn is found by the async context
 * the engine runs its flow in.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FlowServices } from '../../flows/contract.ts';
import { isDatabaseUnreachable } from '../database/unreachable.ts';

/** What a turn's flow ran into: the first "the database did not answer" of its services. */
interface OutageScope {
  unreachable: unknown;
}

const scopes = new AsyncLocalStorage<OutageScope>();

/**
 * Runs a turn's flow, then throws the first database outage one of its services met (the
 * caller turns it into `DatabaseUnreachable`), whatever the flow made of it.
 */
export async function failOnOutage<T>(run: () => Promise<T>): Promise<T> {
  const scope: OutageScope = { unreachable: null };
  const result = await scopes.run(scope, run);
  if (scope.unreachable !== null) throw scope.unreachable;
  return result;
}

type AnyService = (...args: unknown[]) => Promise<unknown>;

/** The services, each noting a database outage it fails with on the running turn. */
export function noteOutages(services: FlowServices): FlowServices {
  const noted: Record<string, AnyService> = {};
  for (const [name, service] of Object.entries(services) as [string, AnyService][]) {
    noted[name] = async (...args) => {
      try {
        return await service(...args);
      } catch (error) {
        const scope = scopes.getStore();
        if (scope && scope.unreachable === null && isDatabaseUnreachable(error))
          scope.unreachable = error;
        throw error;
      }
    };
  }
  return noted as unknown as FlowServices;
}
