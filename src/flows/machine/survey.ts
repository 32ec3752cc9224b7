/** R002-8: the satisfaction survey after a solved case — a score and an optional comment. */
import { SCORE_CHOICES, SKIP } from '../choices.ts';
import type { ConversationSetup } from './actions.ts';
import { ask, chose, menu, question, say } from './builders.ts';
import { currentCase } from './facts.ts';
import { TO } from './targets.ts';

/** The `survey` state: score, comment, recorded, thanks (R002-8). */
export function survey(s: ConversationSetup) {
  return s.createStateConfig({
    initial: 'askingScore',
    states: {
      askingScore: menu('survey.askScore', SCORE_CHOICES, {
        target: 'askingComment',
        actions: 'takeScore',
      }),
      askingComment: question(ask('survey.askComment', SKIP), [
        { guard: chose('skip'), target: 'recording', actions: 'skipComment' },
        { guard: 'isText', target: 'recording', actions: 'takeComment' },
      ]),
      // A survey that cannot be recorded does not keep the customer: thanks all the same.
      recording: {
        invoke: {
          src: 'recordSurvey',
          input: ({ context }) => ({
            caseNumber: currentCase(context),
            score: context.surveyScore ?? 0,
            comment: context.description,
          }),
          // Issue 13: then "anything else?" — a new matter starts at triage, not identification.
          onDone: { target: TO.anythingElse, actions: say('survey.thanks') },
          onError: { target: TO.anythingElse, actions: say('survey.thanks') },
        },
      },
    },
  });
}
