export * from './board-members.svelte';
export { default as MembersPanel } from './MembersPanel.svelte';
