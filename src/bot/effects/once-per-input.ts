/**
 * Every side effect once per input (issue 12, decision 0): the flows' effectful services run
 * through the domain's `EffectLedger` under the key of the running turn's next effect. A turn
 * run again for the same input — after a lost race, a crash and a resend, or on another
 * process given the same message — gets each effect's first result back and takes the same
 * path: no second folio, no "joined" for the customer's own new case, no warning counted twice.
 */
import type { FlowServices, ServiceCall } from '../../flows/contract.ts';

/** The services that change something, and so run once per input. Reads need no key. */
export const EFFECTFUL_SERVICES = [
  'openCase',
  'closeCase',
  'recordFollowUp',
  'openFolio',
  'moveVisit',
  'confirmVisit',
  'recordAbuse',
  'recordSurvey',
  'registerCancellation',
] as const satisfies readonly (keyof FlowServices)[];

/** What keys and records an effect: the ledger's `once`. */
export interface EffectRunner {
  once<T>(key: string, effect: () => Promise<T>): Promise<T>;
}

/** The running turn of a conversation, as far as effects need it. */
export interface EffectTurn {
  effectKey(service: string): string;
}

type Effect = (input: unknown, call?: ServiceCall) => Promise<unknown>;

/**
 * The services with each effect run once per input. An effect called outside a running turn
 * (no conversation, no turn: a test, a tool) runs as it is.
 */
export function oncePerInput(
  services: FlowServices,
  ledger: EffectRunner,
  turnOf: (conversationId: string) => EffectTurn | undefined,
): FlowServices {
  const keyed: Partial<Record<keyof FlowServices, Effect>> = {};
  for (const name of EFFECTFUL_SERVICES) {
    const effect = services[name] as Effect;
    keyed[name] = (input, call) => {
      const key = call && turnOf(call.conversationId)?.effectKey(name);
      if (!key) return effect(input, call);
      return ledger.once(key, () => effect(input, { ...call, effectKey: key }));
    };
  }
  // Each keyed function keeps its service's signature: it calls the service with its input.
  return { ...services, ...(keyed as Partial<FlowServices>) };
}
