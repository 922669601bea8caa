export * from './format';
export { default as ProjectDrawer } from './ProjectDrawer.svelte';
