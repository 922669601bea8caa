export * from './session.svelte';
export { default as LoginForm } from './LoginForm.svelte';
