export * from './board-sync-provider';
export * from './sync-state.svelte';
export { default as SyncStatusBadge } from './SyncStatusBadge.svelte';
