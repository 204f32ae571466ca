export {
  type DataReport,
  type ImdbSourceOptions,
  imdbSource,
  type LabelledSequences,
  type LessonData,
  type LessonDataSource,
  type LessonSplits,
  type PreparedData,
  type PreparedLessonData,
  prepareLessonData,
} from './data.js';
export { LESSON_DEFAULTS, type LessonDefaults } from './defaults.js';
export { LessonError, type LessonErrorCode } from './errors.js';
export { evaluateModel, type TestMetrics } from './evaluate.js';
export type { LessonEvent } from './events.js';
export {
  type EpochRecord,
  type LessonConfig,
  type LessonResult,
  type RunLessonOptions,
  runLesson,
} from './run_lesson.js';
export {
  type LabelledTexts,
  type TextDataOptions,
  type TextLessonData,
  textData,
  type VectorizerOptions,
} from './text.js';
