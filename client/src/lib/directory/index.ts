export * from './org-directory.svelte';
