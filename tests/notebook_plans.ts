/**
 * How each notebook runs small in the tests: overrides injected after its `parameters` cell, and
 * the figures it must show at least. Shared by the headless run (notebooks_test.ts) and the
 * JupyterLab suite (jupyterlab_test.ts). Each test file writes into its own scratch folder.
 *
 * @module
 */

/** A notebook's small run. */
export interface NotebookPlan {
  overrides: (dataset: string) => Record<string, unknown>;
  figures: number;
  /** The notebooks whose files this one reads (a model they save): it runs after them, never beside. */
  needs?: string[];
}

/**
 * The plans, for notebooks that write their models and figures under `scratch`.
 *
 * @param scratch a temporary folder (never the user's data/)
 */
export function notebookPlans(scratch: string): Record<string, NotebookPlan> {
  const model = (dataset: string) => `${scratch}/model-${dataset}.json`;
  const cnnModel = (dataset: string) => `${scratch}/cnn-${dataset}.json`;
  return PLANS(scratch, model, cnnModel);
}

const PLANS = (
  scratch: string,
  model: (dataset: string) => string,
  cnnModel: (dataset: string) => string,
): Record<string, NotebookPlan> => ({
  "01-acquire.ipynb": {
    overrides: (dataset) => ({ dataset, samplesPerClassShown: 3 }),
    figures: 3,
  },
  "02-preprocess.ipynb": {
    overrides: (dataset) => ({ dataset, balancedPerClass: 20, oneHotRowsShown: 3 }),
    figures: 3,
  },
  "03-init.ipynb": { overrides: (dataset) => ({ dataset, batchRows: 32 }), figures: 5 },
  "04-feed-forward.ipynb": {
    overrides: (dataset) => ({ dataset, batchRows: 16, digitsShown: 2 }),
    figures: 2,
  },
  "05-backprop.ipynb": {
    overrides: (dataset) => ({
      dataset,
      batchSize: 32,
      unitsShown: 4,
      checkSizes: [784, 3, 10],
      checkRows: 4,
    }),
    figures: 1,
  },
  // Each data set's 06 saves its own model, which its 07 then evaluates.
  "06-train.ipynb": {
    overrides: (dataset) => ({
      overrides: { dataset, epochs: 2, limitTrainingRows: 2000 },
      modelPath: model(dataset),
      figuresFolder: `${scratch}/figures-06-${dataset}`,
    }),
    figures: 2,
  },
  "07-evaluate.ipynb": {
    overrides: (dataset) => ({
      modelPath: model(dataset),
      figuresFolder: `${scratch}/figures-07-${dataset}`,
      examplesShown: 5,
    }),
    figures: 8,
    needs: ["06-train.ipynb"],
  },
  "08-experiments.ipynb": {
    overrides: (dataset) => ({
      dataset,
      trainingRows: 1000,
      epochs: 2,
      optimizers: [
        { optimizer: "sgd", learningRate: 0.5 },
        { optimizer: "adam", learningRate: 0.001 },
      ],
      deepSizes: [784, 32, 32, 32, 10],
      activations: ["sigmoid", "relu"],
      deepEpochs: 1,
      profileRows: 64,
      learningRates: [0.1, 3, 100],
      sweepEpochs: 1,
    }),
    figures: 6,
  },
  "09-augmentation.ipynb": {
    overrides: (dataset) => ({
      dataset,
      copies: 3,
      trainingRows: 1000,
      hiddenSizes: [32],
      epochs: 2,
    }),
    figures: 5,
  },
  // Each data set's 10 saves its CNN, which 07 then evaluates (after the loop below).
  "10-cnn.ipynb": {
    overrides: (dataset) => ({
      dataset,
      layers:
        "conv(6,5) relu maxpool(2) conv(8,3) relu maxpool(2) flatten dense(16) relu dropout(0.5)",
      epochs: 1,
      trainingRows: 600,
      mlpEpochs: 1,
      mistakesShown: 5,
      modelPath: cnnModel(dataset),
      figuresFolder: `${scratch}/figures-10-${dataset}`,
      speedRunShares: [0.5, 1],
    }),
    figures: 7,
  },
  "11-draw.ipynb": {
    overrides: (dataset) => ({
      modelPath: model(dataset),
      figuresFolder: `${scratch}/figures-11-${dataset}`,
    }),
    figures: 3,
    needs: ["06-train.ipynb"],
  },
  // 12 exports 10's CNN and, with no PyTorch file at the path given, reads its own export back.
  "12-export.ipynb": {
    overrides: (dataset) => ({
      projectModelPath: cnnModel(dataset),
      torchModelPath: `${scratch}/no-torch-${dataset}.safetensors`,
      exportFolder: `${scratch}/exports-12-${dataset}`,
      mistakesShown: 5,
      figuresFolder: `${scratch}/figures-12-${dataset}`,
    }),
    figures: 3,
    needs: ["10-cnn.ipynb"],
  },
  // 13 trains small twins and a committee of two, and evaluates 10's CNN as a full run.
  "13-how-far.ipynb": {
    overrides: (dataset) => ({
      dataset,
      trainingRows: 1000,
      learningRates: [0.03, 3],
      shownRate: 0.03,
      sweepEpochs: 1,
      members: 2,
      memberEpochs: 1,
      recordRuns: [cnnModel(dataset)],
      mistakesShown: 10,
      figuresFolder: `${scratch}/figures-13-${dataset}`,
    }),
    figures: 6,
    needs: ["10-cnn.ipynb"],
  },
});
