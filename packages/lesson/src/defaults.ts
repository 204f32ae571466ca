/** The Keras IMDB lesson's hyperparameters: the values every seqlab front end starts from. */
export interface LessonDefaults {
  /**
   * Maximum passes over the training data (`model.fit(epochs=100)`); early stopping usually ends sooner.
   * @default 100
   */
  readonly epochs: number;
  /**
   * Rows per gradient step (`batch_size=64`).
   * @default 64
   */
  readonly batchSize: number;
  /**
   * RMSprop learning rate (`RMSprop(learning_rate=1e-4)`).
   * @default 1e-4
   */
  readonly learningRate: number;
  /**
   * `EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)`.
   * @default 3
   */
  readonly patience: number;
  /**
   * Vocabulary size (`imdb.load_data(num_words=500)`).
   * @default 500
   */
  readonly numWords: number;
  /**
   * Sequence length (`pad_sequences(maxlen=100)`).
   * @default 100
   */
  readonly maxlen: number;
  /**
   * Validation fraction (`train_test_split(test_size=0.2)`).
   * @default 0.2
   */
  readonly testSize: number;
  /**
   * `train_test_split(random_state=42)`.
   * @default 42
   */
  readonly randomState: number;
  /**
   * Recurrent units (`SimpleRNN(8)`, `LSTM(8)`, `GRU(8)`).
   * @default 8
   */
  readonly units: number;
  /**
   * Embedding size (`Embedding(500, 16)`).
   * @default 16
   */
  readonly embeddingDim: number;
  /**
   * Input dropout of the recurrent layers (`LSTM(8, dropout=0.3)`).
   * @default 0.3
   */
  readonly dropout: number;
}

/**
 * The lesson's values. The CLI's flag defaults and the web app's form read them from here, so every front end
 * starts from the same recipe.
 */
export const LESSON_DEFAULTS: LessonDefaults = Object.freeze({
  epochs: 100,
  batchSize: 64,
  learningRate: 1e-4,
  patience: 3,
  numWords: 500,
  maxlen: 100,
  testSize: 0.2,
  randomState: 42,
  units: 8,
  embeddingDim: 16,
  dropout: 0.3,
});
