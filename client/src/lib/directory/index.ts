export * from './org-directory.svelte';
export * from './user-directory.svelte';
