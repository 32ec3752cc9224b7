/** Fair use (R001-8 … R001-11): what a message breaks, read from its words. */
export { isNonsense, reportText, type ReportText } from './nonsense.ts';
export {
  isOffensive,
  offensiveLanguage,
  withoutInterjections,
  type OffensiveFinding,
} from './offensive.ts';
export { isVagueSubject } from './vague-subject.ts';
