import './forms.css';
export * from './form-error';
export { default as FormErrors } from './FormErrors.svelte';
export { default as PasswordIssues } from './PasswordIssues.svelte';
