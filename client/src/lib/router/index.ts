export * from './router.svelte';
export { default as Link } from './Link.svelte';
