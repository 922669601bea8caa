export * from './account-api';
export { default as ChangePasswordForm } from './ChangePasswordForm.svelte';
export { default as SignOutEverywhere } from './SignOutEverywhere.svelte';
