export { type FieldProblem, InvalidFieldsError } from './invalid-fields.error.js';
export * from './limits.js';
export * from './validation/index.js';
