import { errorOutputs, executeNotebook, figureCount, tableCount } from "./tools/notebooks.ts";
const plans: Record<string, Record<string, unknown>> = {
  "notebooks/06-train.ipynb": {
    epochs: 2,
    limitTrainingRows: 2000,
    modelPath: "../data/models/test-latest.json",
  },
  "notebooks/07-evaluate.ipynb": { modelPath: "../data/models/test-latest.json", examplesShown: 5 },
};
for (const path of Deno.args) {
  const t = performance.now();
  const nb = await executeNotebook(path, { overrides: plans[path] });
  await Deno.writeTextFile(`/tmp/${path.split("/").pop()}`, JSON.stringify(nb));
  console.log(
    path,
    ((performance.now() - t) / 1000).toFixed(1),
    "s",
    errorOutputs(nb),
    "figures",
    figureCount(nb),
    "tables",
    tableCount(nb),
  );
}
