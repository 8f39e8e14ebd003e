/**
 * The FLAN task system: datasets grouped into clusters ({@link dev.flan4j.data.Collection}), instruction templates
 * ({@link dev.flan4j.data.Template}), prompt formats for the paper's ablations ({@link dev.flan4j.data.PromptFormat}),
 * the examples-proportional training mixture ({@link dev.flan4j.data.Mixture}), leave-cluster-out splits
 * ({@link dev.flan4j.data.Splits}) and few-shot prompts ({@link dev.flan4j.data.FewShot}).
 */
package dev.flan4j.data;
