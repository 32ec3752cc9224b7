/**
 * Builders for the shapes the flows repeat: what the bot says (`say`), the question it asks
 * and waits on (`question`, `yesNo`, `doneNotYet`, `menu`), and the answer that names a choice
 * (`chose`). A question state is tagged `awaitingInput`, asks on entry (remembered in context,
 * so answers are read against its choices), tries its answers in order, and — when none fits a
 * civil message — gives a hint and asks again (three times in a row, then a person takes over).
 */
import type { Choice, Reply } from '../contract.ts';
import type { ConversationContext, ProofResume } from '../context.ts';
import { YES_NO, DONE_NOT_YET } from '../choices.ts';
import { AWAITING_INPUT } from '../run-turn.ts';
import type { ConversationSetup } from './actions.ts';
import { reportText } from '../fair-use/index.ts';
import type { Params } from './facts.ts';
import { textOf } from './reading.ts';
import { TO } from './targets.ts';

type Ctx = ConversationContext;

/** A state config as the conversation's setup checks it. */
export type StateConfig = Parameters<ConversationSetup['createStateConfig']>[0];
type Elem<T> = T extends readonly (infer E)[] ? E : T;
/** One transition on a customer's answer (`customer.*`). */
export type Answer = Exclude<
  Elem<NonNullable<StateConfig['on']>['customer.*']>,
  string | undefined
>;
type Entry = Exclude<Elem<NonNullable<StateConfig['entry']>>, undefined>;
/** Where an answer goes: a target, or a whole transition (target and actions). */
export type Branch = string | Omit<Answer, 'guard'>;

/** The tags of every state that waits for the customer. */
export const AWAITING = [AWAITING_INPUT];

/** A value, or a function of the context that gives it when the reply is made. */
export type Dyn<T> = T | ((context: Ctx) => T);
const value = <T>(v: Dyn<T>, context: Ctx): T =>
  typeof v === 'function' ? (v as (c: Ctx) => T)(context) : v;

function reply(
  key: string,
  params: Dyn<Params> | undefined,
  choices: Dyn<Choice[]> | undefined,
  context: Ctx,
): Reply {
  const r: Reply = { key };
  if (params) r.params = value(params, context);
  if (choices) r.choices = value(choices, context);
  return r;
}

/** Tell the customer something (no answer awaited). */
export function say(key: string, params?: Dyn<Params>) {
  return {
    type: 'say' as const,
    params: ({ context }: { context: Ctx }) => reply(key, params, undefined, context),
  };
}

/** Ask a question: remembered in context so that answers are read against its choices. */
export function ask(key: string, choices?: Dyn<Choice[]>, params?: Dyn<Params>) {
  return {
    type: 'ask' as const,
    params: ({ context }: { context: Ctx }) => reply(key, params, choices, context),
  };
}

/** Not understood: a hint, then the question again. */
export function reask(hint = 'common.notUnderstood') {
  return { type: 'reask' as const, params: { hint } };
}

/** The answer is the choice `id` of the question waiting. */
export function chose(id: string) {
  return { type: 'chose' as const, params: { id } };
}

/**
 * R001-10: a report that is not one is re-asked, the files sent with it kept all the same —
 * nonsense with the fair-use reminder, data alone (a folio, a phone number) with a plain
 * request for words: an honest customer is never accused.
 */
export const NONSENSE: Answer = {
  guard: 'isNotAReport',
  actions: [
    {
      type: 'reask',
      params: ({ event }) => ({
        hint: reportText(textOf(event)) === 'nonsense' ? 'fairUse.nonsense' : 'fairUse.needsWords',
      }),
    },
    'keepAttachments',
  ],
};

/** What a question may add to its answers. */
export interface QuestionOptions {
  /** Said before the question, in the same turn. */
  before?: Entry[];
  /**
   * The hint when a civil answer fits none of the answers (default `common.notUnderstood`);
   * `null` when the last answer takes whatever comes.
   */
  hint?: string | null;
}

/** A question and its answers, tried in order. */
export function question(
  asking: Entry,
  answers: Answer[],
  { before, hint = 'common.notUnderstood' }: QuestionOptions = {},
) {
  return {
    tags: AWAITING,
    entry: before ? [...before, asking] : asking,
    on: {
      'customer.*':
        hint === null ? answers : [...answers, { guard: 'isCivil', actions: reask(hint) }],
    },
  } satisfies StateConfig;
}

function branch(guard: Answer['guard'], to: Branch): Answer {
  return typeof to === 'string' ? { guard, target: to } : { guard, ...to };
}

/** A yes/no question: where each answer goes. */
export function yesNo(
  key: string,
  to: { yes: Branch; no: Branch },
  options: QuestionOptions & { params?: Dyn<Params> } = {},
) {
  return question(
    ask(key, YES_NO, options.params),
    [branch(chose('yes'), to.yes), branch(chose('no'), to.no)],
    options,
  );
}

/** A step the customer performs (plug in, turn on, restart): "done" goes on, "not yet" waits. */
export function doneNotYet(key: string, done: Branch) {
  return question(ask(key, DONE_NOT_YET), [
    branch(chose('done'), done),
    { guard: chose('notYet'), actions: say('common.takeYourTime') },
  ]);
}

/** A choice among `choices`: any of them goes on with `chosen`. */
export function menu(key: string, choices: Dyn<Choice[]>, chosen: Branch) {
  return question(ask(key, choices), [branch('choseAnything', chosen)]);
}

/**
 * Issue 12: a gate before a step that shows account data or accepts a change. A session that
 * proved the account goes on to `next`; any other proves it first, then goes on at `resume`.
 */
export function proofGate(resume: ProofResume, next: string) {
  return {
    always: [
      {
        guard: 'isUnproven',
        target: TO.proof,
        actions: { type: 'awaitProof', params: { resume } },
      },
      { target: next },
    ],
  } satisfies StateConfig;
}
