/**
 * The workflows of this repository's example worker: the library's sync workflows, and the
 * records-through-the-workflow example that benchmarks and fault runs compare them with.
 */
export * from '../sync-workflows';
export { recordsThroughWorkflowSync } from './records-through-workflow';
