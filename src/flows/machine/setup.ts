/**
 * The machine's setup, in three steps: here its types and its actors — one `fromPromise` actor
 * per `FlowServices` function, a placeholder that throws `NotProvided` until the engine (or a
 * test) provides the real one; `guards.ts` extends it with the guards, `actions.ts` with the
 * actions, for a deployment's policy. Sub-flows build their state configs with the result.
 */
import { fromPromise, setup } from 'xstate';
import type { ConversationContext } from '../context.ts';
import type { FlowEmitted, FlowEvent, FlowInput, FlowServices } from '../contract.ts';
import { NotProvided } from '../errors.ts';

type ServiceInput<K extends keyof FlowServices> = Parameters<FlowServices[K]>[0];
type ServiceOutput<K extends keyof FlowServices> = Awaited<ReturnType<FlowServices[K]>>;

/** A placeholder actor: the engine (or a test) must provide the real one. */
function placeholder<K extends keyof FlowServices>(name: K) {
  return fromPromise<ServiceOutput<K>, ServiceInput<K>>(async () => {
    throw new NotProvided(name);
  });
}

/** Types and actors of the conversation machine, the same for every policy. */
export const typedSetup = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as FlowEvent,
    input: {} as FlowInput,
    emitted: {} as FlowEmitted,
  },
  actors: {
    findCustomer: placeholder('findCustomer'),
    openCase: placeholder('openCase'),
    closeCase: placeholder('closeCase'),
    listOpenCases: placeholder('listOpenCases'),
    openCaseOfMatter: placeholder('openCaseOfMatter'),
    recordFollowUp: placeholder('recordFollowUp'),
    officeHours: placeholder('officeHours'),
    proposeVisitSlots: placeholder('proposeVisitSlots'),
    openFolio: placeholder('openFolio'),
    listVisits: placeholder('listVisits'),
    quoteVisitMove: placeholder('quoteVisitMove'),
    moveVisit: placeholder('moveVisit'),
    confirmVisit: placeholder('confirmVisit'),
    checkCoverage: placeholder('checkCoverage'),
    recordAbuse: placeholder('recordAbuse'),
    recordSurvey: placeholder('recordSurvey'),
    registerCancellation: placeholder('registerCancellation'),
    sendAccountCode: placeholder('sendAccountCode'),
    checkAccountCode: placeholder('checkAccountCode'),
  },
});
